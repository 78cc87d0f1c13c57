//! Standard output for every command. A closed pipe (`maestroc runs | head -1`) is a
//! normal end: the rest of the output is dropped and the command exits as it would have.
//! Any other write error (a full disk, `ulimit -f`) is reported once, at the end, as
//! [`CliError::Output`]. Commands never use `println!`, which panics on a closed pipe.

use std::io::{self, Write};

use super::error::CliError;

pub struct Out {
    inner: io::BufWriter<io::Stdout>,
    /// The reader went away: write nothing more.
    closed: bool,
    /// The first write error that was not a closed pipe.
    failed: Option<io::Error>,
}

impl Default for Out {
    fn default() -> Self {
        Self::new()
    }
}

impl Out {
    #[must_use]
    pub fn new() -> Self {
        Self {
            inner: io::BufWriter::new(io::stdout()),
            closed: false,
            failed: None,
        }
    }

    /// Writes `text` as is.
    pub fn text(&mut self, text: &str) {
        let _ = self.write_all(text.as_bytes());
    }

    /// Writes `text` and a newline.
    pub fn line(&mut self, text: &str) {
        self.text(text);
        self.text("\n");
    }

    /// A JSON value, pretty-printed, and a newline.
    pub fn json(&mut self, value: &impl serde::Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.line(&text),
            Err(e) => self.note(io::Error::other(e)),
        }
    }

    /// Whether the reader has gone away (long producers can stop early).
    #[must_use]
    pub fn is_closed(&self) -> bool {
        self.closed || self.failed.is_some()
    }

    fn note(&mut self, error: io::Error) {
        if error.kind() == io::ErrorKind::BrokenPipe {
            self.closed = true;
        } else if self.failed.is_none() {
            self.failed = Some(error);
        }
    }

    /// Flushes; `Err` only for a write error that was not a closed pipe.
    pub fn finish(mut self) -> Result<(), CliError> {
        if !self.is_closed() {
            if let Err(e) = self.inner.flush() {
                self.note(e);
            }
        }
        match self.failed.take() {
            None => Ok(()),
            Some(e) => Err(output_error("to standard output", &e)),
        }
    }
}

/// A write error as a diagnostic, with advice for the usual causes.
#[must_use]
pub fn output_error(what: &str, error: &io::Error) -> CliError {
    let help = match error.raw_os_error() {
        Some(code) if code == nix::errno::Errno::EFBIG as i32 => {
            Some("the file size limit (`ulimit -f`) was reached; raise it or write elsewhere".to_string())
        }
        Some(code) if code == nix::errno::Errno::ENOSPC as i32 => Some("the disk is full".to_string()),
        _ => None,
    };
    CliError::Output {
        what: what.to_string(),
        reason: error.to_string(),
        help,
    }
}

impl Write for Out {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.is_closed() {
            return Ok(buf.len());
        }
        match self.inner.write_all(buf) {
            Ok(()) => Ok(buf.len()),
            Err(e) => {
                self.note(e);
                // The caller goes on; what went wrong is reported by `finish`.
                Ok(buf.len())
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.is_closed() {
            return Ok(());
        }
        if let Err(e) = self.inner.flush() {
            self.note(e);
        }
        Ok(())
    }
}
