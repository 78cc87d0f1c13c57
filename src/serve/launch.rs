//! Starting runs: every run `serve` starts (a trigger's or the API's) is a `maestroc run`
//! process of its own, so it goes through the same admission (run strategies), records,
//! cancelling and resuming as a run started by hand, and outlives nothing it should not.
//! The process runs in its own process group: a Ctrl-C in `serve`'s terminal reaches
//! `serve` alone, which then stops its runs itself (grace, then cancel; see [`Launcher::shutdown`]).

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::store::Store;

use super::catalog::SourceOptions;

/// What to run.
#[derive(Clone, Debug)]
pub struct Request {
    pub file: String,
    pub workflow: String,
    /// `-p name=value` pairs.
    pub params: Vec<(String, String)>,
    /// `resume RUN_ID` instead of a new run.
    pub resume: Option<String>,
}

/// How starting a run went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Started {
    /// The run exists in the store (queued or running).
    Run(String),
    /// The process ended before recording a run; what it said.
    Failed(String),
}

/// The `maestroc run` processes this `serve` started and still waits for.
pub struct Launcher {
    exe: PathBuf,
    home: PathBuf,
    sources: SourceOptions,
    store: Arc<Store>,
    /// Child pid → its run id, once known.
    live: Arc<Mutex<HashMap<u32, Option<String>>>>,
    counter: std::sync::atomic::AtomicU64,
}

/// How long a new process may take to record its run.
const RECORD_TIMEOUT: Duration = Duration::from_mins(1);

impl Launcher {
    pub fn new(exe: PathBuf, home: PathBuf, sources: SourceOptions, store: Arc<Store>) -> Self {
        Self {
            exe,
            home,
            sources,
            store,
            live: Arc::new(Mutex::new(HashMap::new())),
            counter: std::sync::atomic::AtomicU64::new(0),
        }
    }

    fn live(&self) -> std::sync::MutexGuard<'_, HashMap<u32, Option<String>>> {
        self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How many runs this `serve` started are still going.
    pub fn running(&self) -> usize {
        self.live().len()
    }

    /// Starts `maestroc run` (or `resume`) and waits until the run is recorded.
    pub async fn start(&self, req: &Request) -> Started {
        let n = self.counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = self.home.join("serve");
        let log = dir.join(format!("launch-{}-{n}.log", std::process::id()));
        let stderr = std::fs::create_dir_all(&dir).and_then(|()| std::fs::File::create(&log));
        let stderr = match stderr {
            Ok(f) => f,
            Err(e) => return Started::Failed(format!("cannot create {}: {e}", log.display())),
        };
        let mut cmd = tokio::process::Command::new(&self.exe);
        cmd.arg("--max-source-size")
            .arg(self.sources.max_source_bytes.to_string());
        if let Some(root) = &self.sources.imports.project_root {
            cmd.arg("--project-root").arg(root);
        }
        if self.sources.imports.allow_outside_root {
            cmd.arg("--allow-imports-outside-root");
        }
        match &req.resume {
            Some(run_id) => {
                cmd.arg("resume").arg(run_id);
            }
            None => {
                cmd.arg("run").arg(&req.file).arg("-w").arg(&req.workflow);
                for (k, v) in &req.params {
                    // One argument each, never through a shell.
                    cmd.arg("-p").arg(format!("{k}={v}"));
                }
            }
        }
        cmd.arg("--format")
            .arg("json")
            .env("MFLOW_HOME", &self.home)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr)
            .process_group(0)
            .kill_on_drop(false);
        let since = crate::store::now();
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => return Started::Failed(format!("cannot start {}: {e}", self.exe.display())),
        };
        let Some(pid) = child.id() else {
            return Started::Failed("the run's process ended at once".into());
        };
        self.live().insert(pid, None);
        let started = Instant::now();
        let outcome = loop {
            let found = match &req.resume {
                Some(id) => self
                    .store
                    .run(id)
                    .ok()
                    .filter(|r| r.pid == Some(i64::from(pid)))
                    .map(|r| r.run_id),
                None => self.store.run_of_process(pid, &since).ok().flatten(),
            };
            if let Some(run_id) = found {
                break Started::Run(run_id);
            }
            if let Ok(Some(_)) = child.try_wait() {
                // It may have recorded the run just before ending.
                let late = match &req.resume {
                    Some(id) => self
                        .store
                        .run(id)
                        .ok()
                        .filter(|r| r.pid == Some(i64::from(pid)))
                        .map(|r| r.run_id),
                    None => self.store.run_of_process(pid, &since).ok().flatten(),
                };
                break match late {
                    Some(run_id) => Started::Run(run_id),
                    None => Started::Failed(tail(&log)),
                };
            }
            if started.elapsed() > RECORD_TIMEOUT {
                break Started::Failed(format!(
                    "the run's process (pid {pid}) recorded no run within {}s",
                    RECORD_TIMEOUT.as_secs()
                ));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        };
        if let Started::Run(id) = &outcome {
            self.live().insert(pid, Some(id.clone()));
        }
        let live = self.live.clone();
        tokio::spawn(async move {
            let _ = child.wait().await;
            live.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .remove(&pid);
            let _ = std::fs::remove_file(&log);
        });
        outcome
    }

    /// Lets the runs this `serve` started finish for `grace`, then asks the rest to stop
    /// (they end `cancelled` and can be resumed) and waits up to `after` for them.
    pub async fn shutdown(&self, grace: Duration, after: Duration) -> usize {
        let until = Instant::now() + grace;
        while self.running() > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let left: Vec<String> = self.live().values().flatten().cloned().collect();
        for id in &left {
            let _ = self.store.request_cancel(id);
        }
        let until = Instant::now() + after;
        while self.running() > 0 && Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        left.len()
    }
}

/// The last lines the process wrote to stderr (its error), without colour codes.
fn tail(log: &std::path::Path) -> String {
    use std::io::{Read as _, Seek as _};
    let Ok(mut f) = std::fs::File::open(log) else {
        return "the run's process ended without recording a run".into();
    };
    let len = f.metadata().map_or(0, |m| m.len());
    let _ = f.seek(std::io::SeekFrom::Start(len.saturating_sub(4096)));
    let mut bytes = Vec::new();
    let _ = f.take(4096).read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).trim().to_string();
    if text.is_empty() {
        "the run's process ended without recording a run".into()
    } else {
        text
    }
}
