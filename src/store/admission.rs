//! Run strategies (docs/store.md, "Strategies across processes") across every `maestroc` process sharing the store:
//! whether a new run of a workflow may start now, must wait in the queue, or is refused.
//! The decision and the move to `running` happen in one write transaction, so two
//! processes can never both take the last place.

use rusqlite::{params, OptionalExtension as _, Transaction};

use super::{now, Result, Store};

/// A workflow's run strategy, evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Strategy {
    /// At most N runs at once; `None` is unbounded (the default).
    Parallel(Option<u64>),
    Sequential,
    StrictSequential,
    FirstOnly,
    LastOnly,
}

impl Strategy {
    /// How the strategy is written in the store and shown to users.
    #[must_use]
    pub fn describe(self) -> String {
        match self {
            Strategy::Parallel(None) => "parallel".into(),
            Strategy::Parallel(Some(n)) => format!("parallel({n})"),
            Strategy::Sequential => "sequential".into(),
            Strategy::StrictSequential => "strict_sequential".into(),
            Strategy::FirstOnly => "first_only".into(),
            Strategy::LastOnly => "last_only".into(),
        }
    }
}

/// What the strategy says about a queued run now.
#[derive(Debug, PartialEq, Eq)]
pub enum Admission {
    /// It is now `running`.
    Start,
    /// It stays `queued`; why, for the user.
    Wait(String),
    /// It may not run at all (`first_only`); it is recorded as `cancelled`.
    Refuse(String),
}

fn ids(tx: &Transaction<'_>, sql: &str, key: &str, seq: i64) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let rows = stmt.query_map(params![key, seq], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
}

fn list(ids: &[String]) -> String {
    ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ")
}

impl Store {
    /// Decides whether queued run `run_id` may start, and starts it if so.
    pub fn admit(&self, run_id: &str, key: &str, strategy: Strategy) -> Result<Admission> {
        self.reap_dead()?;
        self.write(|tx| {
            let seq: i64 = tx.query_row("SELECT seq FROM runs WHERE run_id = ?1", [run_id], |r| r.get(0))?;
            tx.execute(
                "UPDATE runs SET strategy = ?2 WHERE run_id = ?1",
                params![run_id, strategy.describe()],
            )?;
            let running = ids(
                tx,
                "SELECT run_id FROM runs WHERE workflow_key = ?1 AND state = 'running' AND seq != ?2 ORDER BY seq",
                key,
                seq,
            )?;
            let ahead = ids(
                tx,
                "SELECT run_id FROM runs WHERE workflow_key = ?1 AND state = 'queued' AND seq < ?2 ORDER BY seq",
                key,
                seq,
            )?;
            let decision = match strategy {
                Strategy::Parallel(None) => Admission::Start,
                Strategy::Parallel(Some(n)) => bounded(&running, &ahead, n),
                Strategy::Sequential => bounded(&running, &ahead, 1),
                Strategy::StrictSequential => {
                    let failed: Option<String> = tx
                        .query_row(
                            "SELECT run_id FROM runs WHERE workflow_key = ?1 AND seq < ?2
                             AND state IN ('failed', 'timed_out') ORDER BY seq LIMIT 1",
                            params![key, seq],
                            |r| r.get(0),
                        )
                        .optional()?;
                    match failed {
                        Some(f) => Admission::Wait(format!(
                            "run `{f}` failed and the strategy is strict_sequential: this run waits until \
                             `maestroc resume {f}` succeeds or `maestroc cancel {f}` gives it up"
                        )),
                        None => bounded(&running, &ahead, 1),
                    }
                }
                Strategy::FirstOnly => {
                    if running.is_empty() && ahead.is_empty() {
                        Admission::Start
                    } else {
                        let others: Vec<String> = running.iter().chain(&ahead).cloned().collect();
                        Admission::Refuse(format!(
                            "the strategy is first_only and run {} of this workflow is still running",
                            list(&others)
                        ))
                    }
                }
                Strategy::LastOnly => {
                    let older: Vec<String> = running.iter().chain(&ahead).cloned().collect();
                    for id in &older {
                        tx.execute("UPDATE runs SET cancel_requested = 1 WHERE run_id = ?1", [id])?;
                    }
                    if older.is_empty() {
                        Admission::Start
                    } else {
                        Admission::Wait(format!(
                            "the strategy is last_only: cancelling run {} first",
                            list(&older)
                        ))
                    }
                }
            };
            match &decision {
                Admission::Start => {
                    tx.execute(
                        "UPDATE runs SET state = 'running', started_at = ?2, pid = ?3 WHERE run_id = ?1",
                        params![run_id, now(), std::process::id()],
                    )?;
                }
                Admission::Refuse(why) => {
                    tx.execute(
                        "UPDATE runs SET state = 'cancelled', ended_at = ?2, message = ?3 WHERE run_id = ?1",
                        params![run_id, now(), why],
                    )?;
                }
                Admission::Wait(_) => {}
            }
            Ok(decision)
        })
    }
}

fn bounded(running: &[String], ahead: &[String], n: u64) -> Admission {
    let busy = u64::try_from(running.len() + ahead.len()).unwrap_or(u64::MAX);
    if busy < n.max(1) {
        Admission::Start
    } else if ahead.is_empty() {
        Admission::Wait(format!("queued behind running run {}", list(running)))
    } else {
        Admission::Wait(format!(
            "queued behind {} (running: {})",
            list(ahead),
            if running.is_empty() {
                "none".into()
            } else {
                list(running)
            }
        ))
    }
}
