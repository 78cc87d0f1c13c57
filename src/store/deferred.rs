//! Records written with the next commit instead of a transaction of their own: those whose
//! loss in a crash changes nothing that resume relies on.
//!
//! - A step instance that did nothing outside `maestroc` (a no-op step, one skipped by an
//!   untaken branch, one never started): lost, it simply does nothing again on resume.
//! - The start of an attempt: lost, the attempt is not known to have run, so resume runs it
//!   again, which it would do anyway for an attempt that was running when `maestroc` died.
//!
//! What resume does rely on (an attempt's end, its outputs and signal) is committed at once,
//! with every deferred record before it, before anything that depends on it starts. A run
//! also writes them every 200 ms, so `maestroc runs show` sees running steps promptly.

use rusqlite::{params, Transaction};

use super::{now, Result, Store};

/// Deferred records are written at the latest when this many are waiting.
const BATCH: usize = 2048;

pub(super) enum Deferred {
    /// A step instance in a final state without effects (`succeeded` no-op, `skipped`,
    /// `pending`, `cancelled` before it started).
    Unrun {
        run_id: String,
        name: String,
        state: String,
        attempts: u32,
        at: String,
    },
    /// An attempt starts.
    Started {
        run_id: String,
        name: String,
        attempt: u32,
        log_prefix: Option<String>,
        at: String,
    },
}

/// Writes the records in order, inside the caller's transaction.
pub(super) fn apply(tx: &Transaction<'_>, records: &[Deferred]) -> Result<()> {
    for record in records {
        match record {
            Deferred::Unrun {
                run_id,
                name,
                state,
                attempts,
                at,
            } => {
                let outputs = (state == "succeeded").then_some("{}");
                tx.prepare_cached(
                    "INSERT INTO steps (run_id, name, state, attempts, outputs, ended_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (run_id, name) DO UPDATE SET state = ?3, attempts = ?4, outputs = ?5, ended_at = ?6
                     WHERE steps.state != 'succeeded'",
                )?
                .execute(params![run_id, name, state, attempts, outputs, at])?;
            }
            Deferred::Started {
                run_id,
                name,
                attempt,
                log_prefix,
                at,
            } => {
                tx.prepare_cached(
                    "INSERT INTO steps (run_id, name, state, attempts, started_at) VALUES (?1, ?2, 'running', ?3, ?4)
                     ON CONFLICT (run_id, name) DO UPDATE SET state = 'running', attempts = ?3, ended_at = NULL,
                         message = NULL, outputs = NULL, started_at = COALESCE(started_at, ?4)",
                )?
                .execute(params![run_id, name, attempt, at])?;
                tx.prepare_cached(
                    "INSERT OR REPLACE INTO attempts (run_id, name, attempt, state, started_at, log_prefix)
                     VALUES (?1, ?2, ?3, 'running', ?4, ?5)",
                )?
                .execute(params![run_id, name, attempt, at, log_prefix])?;
            }
        }
    }
    Ok(())
}

impl Store {
    fn push(&self, record: Deferred) -> Result<()> {
        let full = {
            let mut deferred = self.deferred.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            deferred.push(record);
            deferred.len() >= BATCH
        };
        if full {
            self.flush()?;
        }
        Ok(())
    }

    /// Records a step instance that did nothing outside `maestroc`, with the next commit.
    pub fn defer(&self, run_id: &str, name: &str, state: &str, attempts: u32) -> Result<()> {
        self.push(Deferred::Unrun {
            run_id: run_id.to_string(),
            name: name.to_string(),
            state: state.to_string(),
            attempts,
            at: now(),
        })
    }

    /// Records that attempt `attempt` of a step instance starts, with the next commit.
    pub fn attempt_started(&self, run_id: &str, name: &str, attempt: u32, log_prefix: Option<&str>) -> Result<()> {
        self.push(Deferred::Started {
            run_id: run_id.to_string(),
            name: name.to_string(),
            attempt,
            log_prefix: log_prefix.map(str::to_string),
            at: now(),
        })
    }

    /// Writes the deferred records now.
    pub fn flush(&self) -> Result<()> {
        if self
            .deferred
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_empty()
        {
            return Ok(());
        }
        self.write(|_| Ok(()))
    }
}
