//! Operator actions on a run, across processes (docs/store.md, "Operator actions"): pause
//! and unpause (the `paused` column, which the running process polls), skipping a step
//! instance, and the params each resume changed.

use rusqlite::{params, OptionalExtension as _};

use super::runs::ParamChange;
use super::{now, Result, Store};

/// The message of a step instance an operator skipped (`maestroc skip` without outputs):
/// what tells it apart from a step of an untaken branch, also `skipped`, on resume.
pub const SKIPPED_BY_OPERATOR: &str = "skipped by `maestroc skip`";

/// The message of a step instance an operator marked as succeeded (`skip --outputs`).
pub const SUCCEEDED_BY_OPERATOR: &str = "marked succeeded by `maestroc skip --outputs`";

/// What `unpause` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unpaused {
    /// The run was paused for this reason and is not any more.
    Was(String),
    /// The run was not paused.
    NotPaused,
}

impl Store {
    /// Pauses a running or queued run with a reason shown by `runs show`; false when the
    /// run is neither (or is already paused: the first reason is kept).
    pub fn pause(&self, run_id: &str, reason: &str) -> Result<bool> {
        self.reap_dead()?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE runs SET paused = ?2
                 WHERE run_id = ?1 AND state IN ('running', 'queued') AND paused IS NULL",
                params![run_id, reason],
            )?;
            Ok(n > 0)
        })
    }

    /// Pauses a run at a breakpoint: the breakpoint's reason replaces any other.
    pub fn pause_at(&self, run_id: &str, reason: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute("UPDATE runs SET paused = ?2 WHERE run_id = ?1", params![run_id, reason])?;
            Ok(())
        })
    }

    /// Lets a paused run start steps again.
    pub fn unpause(&self, run_id: &str) -> Result<Unpaused> {
        self.write(|tx| {
            let reason: Option<String> = tx
                .query_row("SELECT paused FROM runs WHERE run_id = ?1", [run_id], |r| r.get(0))
                .optional()?
                .flatten();
            let Some(reason) = reason else {
                return Ok(Unpaused::NotPaused);
            };
            tx.execute("UPDATE runs SET paused = NULL WHERE run_id = ?1", [run_id])?;
            Ok(Unpaused::Was(reason))
        })
    }

    /// Why the run is paused, or `None` when it is not (what a running process polls).
    pub fn paused(&self, run_id: &str) -> Result<Option<String>> {
        self.read(|c| {
            let reason: Option<Option<String>> = c
                .prepare_cached("SELECT paused FROM runs WHERE run_id = ?1")?
                .query_row([run_id], |r| r.get(0))
                .optional()?;
            Ok(reason.flatten())
        })
    }

    /// Records a step instance as `skipped`, or as `succeeded` with the given outputs (a
    /// JSON object), so the next resume goes on past it. Its attempts stay as they were.
    pub fn skip_step(&self, run_id: &str, name: &str, outputs: Option<&str>) -> Result<()> {
        let (state, message) = if outputs.is_some() {
            ("succeeded", SUCCEEDED_BY_OPERATOR)
        } else {
            ("skipped", SKIPPED_BY_OPERATOR)
        };
        self.write(|tx| {
            tx.execute(
                "INSERT INTO steps (run_id, name, state, attempts, outputs, ended_at, message)
                 VALUES (?1, ?2, ?3, 0, ?4, ?5, ?6)
                 ON CONFLICT (run_id, name) DO UPDATE SET state = ?3, outputs = ?4, ended_at = ?5, message = ?6",
                params![run_id, name, state, outputs, now(), message],
            )?;
            Ok(())
        })
    }

    /// The params each resume of a run changed, oldest first: (resume number, change).
    pub fn param_changes(&self, run_id: &str) -> Result<Vec<(i64, ParamChange)>> {
        self.read(|c| {
            let mut stmt =
                c.prepare("SELECT resume, name, old, new FROM param_changes WHERE run_id = ?1 ORDER BY resume, name")?;
            let rows = stmt.query_map([run_id], |r| {
                Ok((
                    r.get(0)?,
                    ParamChange {
                        name: r.get(1)?,
                        old: r.get(2)?,
                        new: r.get(3)?,
                    },
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
