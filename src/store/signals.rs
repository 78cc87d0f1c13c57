//! The `signals` table: named payloads that `wait signal` steps wait for, published by
//! `emit signal` or `maestroc signal send`.

use rusqlite::params;

use super::{now, Result, Store};

#[derive(Debug, Clone)]
pub struct SignalRow {
    pub id: i64,
    pub name: String,
    /// A JSON object of strings.
    pub payload: String,
    pub created_at: String,
    /// The run and step that emitted it, if a step did.
    pub run_id: Option<String>,
    pub step: Option<String>,
}

impl Store {
    /// Records a signal sent from outside a run; returns its id.
    pub fn send_signal(&self, name: &str, payload: &str) -> Result<i64> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO signals (name, payload, created_at) VALUES (?1, ?2, ?3)",
                params![name, payload, now()],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Signals named `name` with an id above `after`, oldest first.
    pub fn signals(&self, name: Option<&str>, after: i64) -> Result<Vec<SignalRow>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, name, payload, created_at, run_id, step FROM signals
                 WHERE (?1 IS NULL OR name = ?1) AND id > ?2 ORDER BY id",
            )?;
            let rows = stmt.query_map(params![name, after], |r| {
                Ok(SignalRow {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    payload: r.get(2)?,
                    created_at: r.get(3)?,
                    run_id: r.get(4)?,
                    step: r.get(5)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }
}
