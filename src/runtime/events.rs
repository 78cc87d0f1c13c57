//! The JSONL event log of a run: one line per state change, written in the run directory.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Mutex;

use serde::Serialize;

/// Appends events to `events.jsonl`; write errors are remembered and reported once.
pub struct EventLog {
    out: Mutex<Option<BufWriter<File>>>,
}

/// One event. `step` is the instance name (`load[3]`); `run` events have none.
#[derive(Serialize)]
pub struct Event<'a> {
    /// Milliseconds since the Unix epoch.
    pub ts: i64,
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<&'a str>,
    pub state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempt: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<&'a str>,
}

impl EventLog {
    /// Opens the log for appending: a resumed run adds to the events of its earlier attempts.
    pub fn append(path: &Path) -> std::io::Result<Self> {
        let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
        Ok(Self {
            out: Mutex::new(Some(BufWriter::with_capacity(1 << 16, file))),
        })
    }

    /// A log that writes nothing (tests, `--no-events`).
    #[must_use]
    pub fn disabled() -> Self {
        Self { out: Mutex::new(None) }
    }

    pub fn record(&self, event: &Event<'_>) {
        let Ok(mut guard) = self.out.lock() else {
            return;
        };
        if let Some(out) = guard.as_mut() {
            let ok = serde_json::to_writer(&mut *out, event).is_ok() && out.write_all(b"\n").is_ok();
            if !ok {
                eprintln!("warning: could not write the event log; continuing without it");
                *guard = None;
            }
        }
    }

    pub fn flush(&self) {
        if let Ok(mut guard) = self.out.lock() {
            if let Some(out) = guard.as_mut() {
                let _ = out.flush();
            }
        }
    }
}

/// Milliseconds since the Unix epoch, now.
#[must_use]
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
