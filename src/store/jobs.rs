//! The executor of a run and the cluster job of each attempt (issue 12): a job's id is
//! committed as soon as the job is submitted, with the attempt's start, so a resume after
//! `kill -9` finds it and re-attaches instead of submitting it again.

use rusqlite::{params, OptionalExtension as _};

use super::{now, Result, Store};

/// One attempt's cluster job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRow {
    pub name: String,
    pub attempt: u32,
    pub job_id: String,
    /// The attempt's file prefix (`PREFIX.stdout.log`, `PREFIX.exit`, `PREFIX.outputs`).
    pub log_prefix: String,
    /// The job's state as Slurm last reported it (`PENDING`, `RUNNING`, `COMPLETED`, …).
    pub state: String,
    /// The node it ran on, once it started.
    pub node: Option<String>,
}

/// A job's state as the last poll saw it.
pub struct JobSeen<'a> {
    pub job_id: &'a str,
    pub state: &'a str,
    pub node: Option<&'a str>,
}

impl Store {
    /// Records the executor a run is launched with.
    pub fn set_executor(&self, run_id: &str, executor: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE runs SET executor = ?2 WHERE run_id = ?1",
                params![run_id, executor],
            )?;
            Ok(())
        })
    }

    /// The executor a run was launched with (`local` for runs from before executors).
    pub fn executor(&self, run_id: &str) -> Result<String> {
        self.read(|c| {
            Ok(
                c.query_row("SELECT executor FROM runs WHERE run_id = ?1", [run_id], |r| r.get(0))
                    .optional()?
                    .unwrap_or_else(|| "local".to_string()),
            )
        })
    }

    /// Commits a submitted job, with every deferred record (the attempt's start) before it.
    pub fn job_submitted(&self, run_id: &str, name: &str, attempt: u32, job_id: &str, log_prefix: &str) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR REPLACE INTO jobs (run_id, name, attempt, job_id, log_prefix, state, submitted_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'PENDING', ?6)",
                params![run_id, name, attempt, job_id, log_prefix, now()],
            )?;
            Ok(())
        })
    }

    /// Records what one poll saw of a run's jobs, in one transaction.
    pub fn jobs_seen(&self, run_id: &str, seen: &[JobSeen<'_>]) -> Result<()> {
        if seen.is_empty() {
            return Ok(());
        }
        self.write(|tx| {
            let mut stmt = tx.prepare_cached(
                "UPDATE jobs SET state = ?3, node = COALESCE(?4, node) WHERE run_id = ?1 AND job_id = ?2",
            )?;
            for s in seen {
                stmt.execute(params![run_id, s.job_id, s.state, s.node.filter(|n| !n.is_empty())])?;
            }
            Ok(())
        })
    }

    /// The jobs of a run (of one step instance when `name` is given), in submission order.
    pub fn jobs(&self, run_id: &str, name: Option<&str>) -> Result<Vec<JobRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT name, attempt, job_id, log_prefix, state, node FROM jobs
                 WHERE run_id = ?1 AND (?2 IS NULL OR name = ?2) ORDER BY submitted_at, name, attempt",
            )?;
            let rows = stmt.query_map(params![run_id, name], |r| {
                Ok(JobRow {
                    name: r.get(0)?,
                    attempt: r.get(1)?,
                    job_id: r.get(2)?,
                    log_prefix: r.get(3)?,
                    state: r.get(4)?,
                    node: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The first `limit` jobs of a run in submission order, and how many it has in all:
    /// for summaries that must stay small however many jobs a run submitted.
    pub fn first_jobs(&self, run_id: &str, limit: usize) -> Result<(Vec<JobRow>, u64)> {
        self.read(|c| {
            let total: i64 = c.query_row("SELECT COUNT(*) FROM jobs WHERE run_id = ?1", [run_id], |r| r.get(0))?;
            let total = u64::try_from(total).unwrap_or(0);
            let mut stmt = c.prepare(
                "SELECT name, attempt, job_id, log_prefix, state, node FROM jobs
                 WHERE run_id = ?1 ORDER BY submitted_at, name, attempt LIMIT ?2",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![run_id, limit], |r| {
                Ok(JobRow {
                    name: r.get(0)?,
                    attempt: r.get(1)?,
                    job_id: r.get(2)?,
                    log_prefix: r.get(3)?,
                    state: r.get(4)?,
                    node: r.get(5)?,
                })
            })?;
            Ok((rows.collect::<rusqlite::Result<Vec<_>>>()?, total))
        })
    }
}
