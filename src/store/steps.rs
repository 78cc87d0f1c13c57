//! Rows of the `steps` and `attempts` tables: one step instance (`load[3]`, `sub/extract`)
//! and each of its attempts.

use rusqlite::params;

use super::{now, Result, Store};

/// One step instance as the store knows it.
#[derive(Debug, Clone)]
pub struct StepRow {
    pub name: String,
    pub state: String,
    pub attempts: u32,
    /// Its outputs by name (JSON object), when it succeeded.
    pub outputs: Option<String>,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub message: Option<String>,
}

/// One attempt of a step instance.
#[derive(Debug, Clone)]
pub struct AttemptRow {
    pub name: String,
    pub attempt: u32,
    pub state: String,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub message: Option<String>,
    /// Where its logs are, when the attempt ran a process: `PREFIX.stdout.log` and
    /// `PREFIX.stderr.log`.
    pub log_prefix: Option<String>,
}

/// How one attempt ended.
pub struct AttemptEnd<'a> {
    pub attempt: u32,
    /// A step state; `retrying` when another attempt follows.
    pub state: &'a str,
    pub outputs: Option<&'a str>,
    pub message: Option<&'a str>,
    /// The signal the step publishes, when it succeeded.
    pub emitted: Option<Emitted<'a>>,
}

/// A signal to publish in the same transaction as a step's success (`emit signal`).
pub struct Emitted<'a> {
    pub name: &'a str,
    pub payload: &'a str,
}

impl Store {
    /// Records how a step instance's latest attempt ended (`retrying` when another attempt
    /// follows), with its outputs, and publishes its signal when it succeeded; all in one
    /// transaction, committed before anything that depends on the step starts.
    pub fn attempt_ended(&self, run_id: &str, name: &str, end: &AttemptEnd<'_>) -> Result<()> {
        let at = now();
        let AttemptEnd {
            attempt,
            state,
            outputs,
            message,
            ref emitted,
        } = *end;
        self.write(|tx| {
            let attempt_state = if state == "retrying" { "failed" } else { state };
            tx.execute(
                "UPDATE attempts SET state = ?4, ended_at = ?5, message = ?6
                 WHERE run_id = ?1 AND name = ?2 AND attempt = ?3",
                params![run_id, name, attempt, attempt_state, at, message],
            )?;
            let ended = if state == "retrying" { None } else { Some(at.as_str()) };
            tx.execute(
                "INSERT INTO steps (run_id, name, state, attempts, outputs, started_at, ended_at, message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)
                 ON CONFLICT (run_id, name) DO UPDATE SET state = ?3, attempts = ?4, outputs = ?5, ended_at = ?6,
                     message = ?7",
                params![run_id, name, state, attempt, outputs, ended, message],
            )?;
            if let Some(signal) = emitted {
                tx.execute(
                    "INSERT INTO signals (name, payload, created_at, run_id, step) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![signal.name, signal.payload, at, run_id, name],
                )?;
            }
            Ok(())
        })
    }

    /// Notes what a running instance is doing (a `wait signal` step: what it waits for), for
    /// `runs show`; the note goes when the instance ends (its end records its own message).
    pub fn note_running(&self, run_id: &str, name: &str, note: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE steps SET message = ?3 WHERE run_id = ?1 AND name = ?2 AND state = 'running'",
                params![run_id, name, note],
            )?;
            Ok(())
        })
    }

    /// Every step instance of a run, by name (the table's own order: no sorting).
    pub fn steps(&self, run_id: &str) -> Result<Vec<StepRow>> {
        self.each_step(run_id, |rows| rows.collect())
    }

    /// Hands the step instances of a run, in order, to `f` one row at a time, so a run of a
    /// million steps can be printed without holding them all.
    pub fn each_step<T>(&self, run_id: &str, f: impl FnOnce(&mut dyn Iterator<Item = StepRow>) -> T) -> Result<T> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT name, state, attempts, outputs, started_at, ended_at, message FROM steps
                 WHERE run_id = ?1 ORDER BY name",
            )?;
            let mut rows = stmt
                .query_map([run_id], |r| {
                    Ok(StepRow {
                        name: r.get(0)?,
                        state: r.get(1)?,
                        attempts: r.get(2)?,
                        outputs: r.get(3)?,
                        started_at: r.get(4)?,
                        ended_at: r.get(5)?,
                        message: r.get(6)?,
                    })
                })?
                .map_while(std::result::Result::ok);
            Ok(f(&mut rows))
        })
    }

    /// The attempts of a run (of one step instance when `name` is given), in order.
    pub fn attempts(&self, run_id: &str, name: Option<&str>) -> Result<Vec<AttemptRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT name, attempt, state, started_at, ended_at, message, log_prefix FROM attempts
                 WHERE run_id = ?1 AND (?2 IS NULL OR name = ?2) ORDER BY started_at, name, attempt",
            )?;
            let rows = stmt.query_map(params![run_id, name], |r| {
                Ok(AttemptRow {
                    name: r.get(0)?,
                    attempt: r.get(1)?,
                    state: r.get(2)?,
                    started_at: r.get(3)?,
                    ended_at: r.get(4)?,
                    message: r.get(5)?,
                    log_prefix: r.get(6)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
