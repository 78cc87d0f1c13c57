//! The `triggers` and `trigger_fires` tables of `maestroc serve` (docs/serve.md): which
//! schedule ticks and signals each trigger has fired on. A fire is claimed by inserting its
//! row, keyed by trigger and tick, in one transaction, so of several `serve` processes
//! sharing the store exactly one fires a tick or consumes a signal, also across restarts.

use rusqlite::{params, OptionalExtension as _, Row};

use super::{now, Result, Store};

/// A trigger as first seen by any `serve`: fires before `since` (schedules) or signals up
/// to `since_signal` are not its to fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerRow {
    pub trigger: String,
    pub since: String,
    pub since_signal: i64,
}

/// One claimed fire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FireRow {
    pub trigger: String,
    /// The schedule tick (RFC 3339, UTC) or `signal:ID`.
    pub tick: String,
    /// `schedule` or `signal`.
    pub kind: String,
    pub signal_id: Option<i64>,
    pub claimed_at: String,
    /// The `serve` process that claimed it (the name of its lease).
    pub owner: String,
    /// `claimed` (its run is being started), `started`, `dropped` (the run strategy or a
    /// `where` refused it; `message` says why), `failed` (the run could not be started) or
    /// `skipped` (the latest missed schedule tick its catch-up policy skipped).
    pub outcome: String,
    pub run_id: Option<String>,
    pub message: Option<String>,
}

/// A new fire to claim.
pub struct NewFire<'a> {
    pub trigger: &'a str,
    pub tick: &'a str,
    pub kind: &'a str,
    pub signal_id: Option<i64>,
    pub owner: &'a str,
    pub outcome: &'a str,
    pub message: Option<&'a str>,
}

const FIRE_COLUMNS: &str = "trigger, tick, kind, signal_id, claimed_at, owner, outcome, run_id, message";

fn fire(r: &Row<'_>) -> rusqlite::Result<FireRow> {
    Ok(FireRow {
        trigger: r.get(0)?,
        tick: r.get(1)?,
        kind: r.get(2)?,
        signal_id: r.get(3)?,
        claimed_at: r.get(4)?,
        owner: r.get(5)?,
        outcome: r.get(6)?,
        run_id: r.get(7)?,
        message: r.get(8)?,
    })
}

impl Store {
    /// The trigger's record, made now if no `serve` has seen it before.
    pub fn register_trigger(&self, trigger: &str) -> Result<TriggerRow> {
        self.write(|tx| {
            tx.execute(
                "INSERT OR IGNORE INTO triggers (trigger, since, since_signal)
                 VALUES (?1, ?2, (SELECT COALESCE(MAX(id), 0) FROM signals))",
                params![trigger, now()],
            )?;
            Ok(tx.query_row(
                "SELECT trigger, since, since_signal FROM triggers WHERE trigger = ?1",
                [trigger],
                |r| {
                    Ok(TriggerRow {
                        trigger: r.get(0)?,
                        since: r.get(1)?,
                        since_signal: r.get(2)?,
                    })
                },
            )?)
        })
    }

    /// Claims a fire; false when some `serve` (this one included) claimed it before.
    pub fn claim_fire(&self, f: &NewFire<'_>) -> Result<bool> {
        self.write(|tx| {
            let n = tx.execute(
                "INSERT OR IGNORE INTO trigger_fires
                   (trigger, tick, kind, signal_id, claimed_at, owner, outcome, message)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    f.trigger,
                    f.tick,
                    f.kind,
                    f.signal_id,
                    now(),
                    f.owner,
                    f.outcome,
                    f.message
                ],
            )?;
            Ok(n == 1)
        })
    }

    /// Records what became of a claimed fire.
    pub fn settle_fire(
        &self,
        trigger: &str,
        tick: &str,
        outcome: &str,
        run_id: Option<&str>,
        message: Option<&str>,
    ) -> Result<()> {
        self.write(|tx| {
            tx.execute(
                "UPDATE trigger_fires SET outcome = ?3, run_id = COALESCE(?4, run_id), message = ?5
                 WHERE trigger = ?1 AND tick = ?2",
                params![trigger, tick, outcome, run_id, message],
            )?;
            Ok(())
        })
    }

    /// The latest schedule tick the trigger fired (or dropped), if any.
    pub fn last_tick(&self, trigger: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT MAX(tick) FROM trigger_fires WHERE trigger = ?1 AND kind = 'schedule'",
                [trigger],
                |r| r.get::<_, Option<String>>(0),
            )?)
        })
    }

    /// The highest signal id the trigger has consumed (0 when none).
    pub fn last_signal(&self, trigger: &str) -> Result<i64> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT COALESCE(MAX(signal_id), 0) FROM trigger_fires WHERE trigger = ?1 AND kind = 'signal'",
                [trigger],
                |r| r.get(0),
            )?)
        })
    }

    /// Fires still `claimed` (their run not yet started) by an owner other than `owner`.
    pub fn pending_fires(&self, owner: &str) -> Result<Vec<FireRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {FIRE_COLUMNS} FROM trigger_fires WHERE outcome = 'claimed' AND owner != ?1 ORDER BY claimed_at"
            ))?;
            let rows = stmt.query_map([owner], fire)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// Takes over a fire whose owner died before starting its run; false when another
    /// `serve` took it first.
    pub fn adopt_fire(&self, f: &FireRow, owner: &str) -> Result<bool> {
        self.write(|tx| {
            let n = tx.execute(
                "UPDATE trigger_fires SET owner = ?4 WHERE trigger = ?1 AND tick = ?2 AND owner = ?3 AND outcome = 'claimed'",
                params![f.trigger, f.tick, f.owner, owner],
            )?;
            Ok(n == 1)
        })
    }

    /// The latest fires of a trigger, newest first.
    pub fn fires(&self, trigger: &str, limit: usize) -> Result<Vec<FireRow>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {FIRE_COLUMNS} FROM trigger_fires WHERE trigger = ?1 ORDER BY claimed_at DESC, tick DESC LIMIT ?2"
            ))?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![trigger, limit], fire)?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The signal with this id.
    pub fn signal(&self, id: i64) -> Result<Option<super::signals::SignalRow>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT id, name, payload, created_at, run_id, step FROM signals WHERE id = ?1",
                [id],
                |r| {
                    Ok(super::signals::SignalRow {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        payload: r.get(2)?,
                        created_at: r.get(3)?,
                        run_id: r.get(4)?,
                        step: r.get(5)?,
                    })
                },
            )
            .optional()?)
        })
    }

    /// The newest run created by process `pid` at or after `since` (RFC 3339).
    pub fn run_of_process(&self, pid: u32, since: &str) -> Result<Option<String>> {
        self.read(|c| {
            Ok(c.query_row(
                "SELECT run_id FROM runs WHERE pid = ?1 AND created_at >= ?2 ORDER BY seq DESC LIMIT 1",
                params![pid, since],
                |r| r.get(0),
            )
            .optional()?)
        })
    }
}
