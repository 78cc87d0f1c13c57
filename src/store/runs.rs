//! Rows of the `runs` table: creating, admitting, finishing, listing and cancelling runs.

use rusqlite::{params, Connection, OptionalExtension as _, Row};

use super::{lease, now, Result, Store, StoreError};

/// One run as the store knows it.
#[derive(Debug, Clone)]
pub struct RunRow {
    pub run_id: String,
    pub workflow: String,
    /// The `.mflow` file, as an absolute path.
    pub file: String,
    /// Runs of one workflow share a strategy: `FILE::WORKFLOW`.
    pub workflow_key: String,
    pub state: String,
    /// The launch params given to the run, by name (JSON object).
    pub params: String,
    pub strategy: String,
    pub created_at: String,
    pub started_at: Option<String>,
    pub ended_at: Option<String>,
    pub run_dir: String,
    pub pid: Option<i64>,
    /// The workflow's outputs by name (JSON object), once it succeeded.
    pub outputs: Option<String>,
    pub message: Option<String>,
    pub resumes: i64,
    /// The SHA-256 of the run's IR (its version); `None` for runs recorded before versions.
    pub ir_hash: Option<String>,
    /// The workflow's tags (JSON list of strings).
    pub tags: String,
    /// The run this one restarts (`maestroc restart`), if it does.
    pub restarted_from: Option<String>,
    /// Why and where the run is paused (`maestroc pause`, a breakpoint), when it is.
    pub paused: Option<String>,
    /// Steps whose instances pause the run before they start (`--break`; JSON list).
    pub breakpoints: String,
}

const COLUMNS: &str = "run_id, workflow, file, workflow_key, state, params, strategy, created_at, \
                       started_at, ended_at, run_dir, pid, outputs, message, resumes, ir_hash, tags, \
                       restarted_from, paused, breakpoints";

fn row(r: &Row<'_>) -> rusqlite::Result<RunRow> {
    Ok(RunRow {
        run_id: r.get(0)?,
        workflow: r.get(1)?,
        file: r.get(2)?,
        workflow_key: r.get(3)?,
        state: r.get(4)?,
        params: r.get(5)?,
        strategy: r.get(6)?,
        created_at: r.get(7)?,
        started_at: r.get(8)?,
        ended_at: r.get(9)?,
        run_dir: r.get(10)?,
        pid: r.get(11)?,
        outputs: r.get(12)?,
        message: r.get(13)?,
        resumes: r.get(14)?,
        ir_hash: r.get(15)?,
        tags: r.get(16)?,
        restarted_from: r.get(17)?,
        paused: r.get(18)?,
        breakpoints: r.get(19)?,
    })
}

/// What to record of a new run.
pub struct NewRun<'a> {
    pub run_id: &'a str,
    pub workflow: &'a str,
    pub file: &'a str,
    pub workflow_key: &'a str,
    pub params: &'a str,
    pub strategy: &'a str,
    pub run_dir: &'a str,
    /// The workflow's tags (JSON list of strings).
    pub tags: &'a str,
    /// The run this one restarts.
    pub restarted_from: Option<&'a str>,
    /// `--break` steps (JSON list of step names).
    pub breakpoints: &'a str,
    /// The definition it runs: the files it loaded and its IR's hash.
    pub version: Option<&'a super::versions::Version>,
}

/// A launch param that `resume -p` changed: its name and its values as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamChange {
    pub name: String,
    /// `None` when the run had no value for it before (a default was used).
    pub old: Option<String>,
    pub new: String,
}

/// Filters of `maestroc runs`.
#[derive(Debug, Default)]
pub struct RunFilter {
    pub workflow: Option<String>,
    pub state: Option<String>,
    /// Only runs carrying this tag.
    pub tag: Option<String>,
    pub limit: Option<usize>,
}

/// The message of a queued run whose process died before the run could start.
pub const DIED_QUEUED: &str = "the maestroc process waiting to start it died before it started";

/// The message of a run whose process died without recording an end.
pub const DIED: &str = "the maestroc process running it died (killed or crashed) before the run ended";

impl Store {
    /// Records a new run in state `queued`; the caller holds its lease already.
    pub fn create_run(&self, run: &NewRun<'_>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO runs (run_id, seq, workflow, file, workflow_key, state, params, strategy, created_at, run_dir, pid,
                                   tags, restarted_from, breakpoints, ir_hash)
                 VALUES (?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM runs), ?2, ?3, ?4, 'queued', ?5, ?6, ?7, ?8, ?9,
                         ?10, ?11, ?12, ?13)",
                params![
                    run.run_id,
                    run.workflow,
                    run.file,
                    run.workflow_key,
                    run.params,
                    run.strategy,
                    now(),
                    run.run_dir,
                    std::process::id(),
                    run.tags,
                    run.restarted_from,
                    run.breakpoints,
                    run.version.map(|v| v.ir_hash.as_str()),
                ],
            )?;
            if let Some(version) = run.version {
                super::versions::record(tx, run.run_id, version)?;
            }
            Ok(())
        })
    }

    pub fn run(&self, run_id: &str) -> Result<RunRow> {
        self.reap_dead()?;
        self.read(|c| {
            c.query_row(&format!("SELECT {COLUMNS} FROM runs WHERE run_id = ?1"), [run_id], row)
                .optional()?
                .ok_or_else(|| StoreError::NoRun(run_id.to_string()))
        })
    }

    /// Runs, newest first.
    pub fn runs(&self, filter: &RunFilter) -> Result<Vec<RunRow>> {
        self.reap_dead()?;
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {COLUMNS} FROM runs
                 WHERE (?1 IS NULL OR workflow = ?1) AND (?2 IS NULL OR state = ?2)
                   AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(runs.tags) WHERE json_each.value = ?4))
                 ORDER BY seq DESC LIMIT ?3"
            ))?;
            let limit = filter.limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
            let rows = stmt.query_map(params![filter.workflow, filter.state, limit, filter.tag], row)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Marks a run as running again (resumed) by this process, with its launch params as
    /// `resume -p` left them, so a later resume starts from those.
    /// `breakpoints` are the resume's `--break` steps (JSON list); `changed` the params
    /// `resume -p` changed, recorded with the resume's number (`param_changes`).
    pub fn resume_run(&self, run_id: &str, params: &str, breakpoints: &str, changed: &[ParamChange]) -> Result<()> {
        self.write(|tx| {
            let at = now();
            tx.execute(
                "UPDATE runs SET state = 'running', started_at = COALESCE(started_at, ?2), ended_at = NULL,
                        pid = ?3, message = NULL, cancel_requested = 0, resumes = resumes + 1, params = ?4,
                        paused = NULL, breakpoints = ?5
                 WHERE run_id = ?1",
                params![run_id, at, std::process::id(), params, breakpoints],
            )?;
            for change in changed {
                tx.execute(
                    "INSERT INTO param_changes (run_id, resume, name, old, new, changed_at)
                     VALUES (?1, (SELECT resumes FROM runs WHERE run_id = ?1), ?2, ?3, ?4, ?5)",
                    params![run_id, change.name, change.old, change.new, at],
                )?;
            }
            Ok(())
        })
    }

    /// Records how a run ended, with its outputs when it succeeded.
    pub fn finish_run(&self, run_id: &str, state: &str, outputs: Option<&str>, message: Option<&str>) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE runs SET state = ?2, ended_at = ?3, outputs = ?4, message = ?5, paused = NULL WHERE run_id = ?1",
                params![run_id, state, now(), outputs, message],
            )?;
            Ok(())
        })
    }

    /// Asks the process running `run_id` to stop it; false when the run is not running or queued.
    pub fn request_cancel(&self, run_id: &str) -> Result<bool> {
        self.reap_dead()?;
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE runs SET cancel_requested = 1 WHERE run_id = ?1 AND state IN ('running', 'queued')",
                [run_id],
            )?;
            Ok(n > 0)
        })
    }

    /// Whether someone asked for this run to stop (`maestroc cancel`, a `last_only` run).
    pub fn cancel_requested(&self, run_id: &str) -> Result<bool> {
        self.read(|c| {
            let flag: Option<i64> = c
                .query_row("SELECT cancel_requested FROM runs WHERE run_id = ?1", [run_id], |r| {
                    r.get(0)
                })
                .optional()?;
            Ok(flag.unwrap_or(0) != 0)
        })
    }

    /// Finds runs recorded as `running` or `queued` whose process is gone, and records
    /// them as `failed` (their running steps as `failed` too), so they can be resumed.
    pub fn reap_dead(&self) -> Result<usize> {
        let live: Vec<String> = self.read(live_run_ids)?;
        let dead: Vec<&String> = live.iter().filter(|id| !lease::is_held(&self.home, id)).collect();
        if dead.is_empty() {
            return Ok(0);
        }
        self.write(|tx| {
            let mut n = 0;
            for id in &dead {
                // Check again under the write lock: the run may have ended meanwhile.
                // A queued run never started: it is cancelled, not failed, so it cannot
                // hold a strict_sequential queue.
                n += tx.execute(
                    "UPDATE runs SET ended_at = ?2,
                            state = CASE state WHEN 'queued' THEN 'cancelled' ELSE 'failed' END,
                            message = CASE state WHEN 'queued' THEN ?4 ELSE ?3 END, paused = NULL
                     WHERE run_id = ?1 AND state IN ('running', 'queued')",
                    params![id, now(), DIED, DIED_QUEUED],
                )?;
                tx.execute(
                    "UPDATE steps SET state = 'failed', ended_at = ?2, message = ?3
                     WHERE run_id = ?1 AND state IN ('running', 'retrying')",
                    params![id, now(), DIED],
                )?;
                tx.execute(
                    "UPDATE attempts SET state = 'failed', ended_at = ?2, message = ?3
                     WHERE run_id = ?1 AND ended_at IS NULL",
                    params![id, now(), DIED],
                )?;
            }
            Ok(n)
        })
    }
}

fn live_run_ids(c: &Connection) -> Result<Vec<String>> {
    let mut stmt = c.prepare_cached("SELECT run_id FROM runs WHERE state IN ('running', 'queued')")?;
    let ids = stmt.query_map([], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<Vec<String>>>()?)
}
