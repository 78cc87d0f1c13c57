//! Finding runs by what a person types: a prefix of a run id, or the newest run.

use rusqlite::params;

use super::{Result, Store};

impl Store {
    /// The ids of the runs whose id starts with `prefix`, newest first, at most `limit`
    /// of them (ask one more than you show to know there are more).
    pub fn run_ids_with_prefix(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT run_id FROM runs WHERE substr(run_id, 1, length(?1)) = ?1 ORDER BY seq DESC LIMIT ?2",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let ids = stmt.query_map(params![prefix, limit], |r| r.get(0))?;
            Ok(ids.collect::<rusqlite::Result<Vec<String>>>()?)
        })
    }

    /// The id of the newest run (the last one created), if there is any.
    pub fn newest_run_id(&self) -> Result<Option<String>> {
        Ok(self.run_ids_with_prefix("", 1)?.into_iter().next())
    }
}

impl Store {
    /// Run ids starting with `prefix` with their workflow and state, newest first: what
    /// shell completion offers.
    pub fn run_ids_for_completion(&self, prefix: &str, limit: usize) -> Result<Vec<(String, String, String)>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT run_id, workflow, state FROM runs WHERE substr(run_id, 1, length(?1)) = ?1
                 ORDER BY seq DESC LIMIT ?2",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![prefix, limit], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })
    }

    /// The names of the workflows that have runs, starting with `prefix`, in order.
    pub fn workflow_names(&self, prefix: &str, limit: usize) -> Result<Vec<String>> {
        self.read(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT DISTINCT workflow FROM runs WHERE substr(workflow, 1, length(?1)) = ?1
                 ORDER BY workflow LIMIT ?2",
            )?;
            let limit = i64::try_from(limit).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![prefix, limit], |r| r.get(0))?;
            Ok(rows.collect::<rusqlite::Result<Vec<String>>>()?)
        })
    }
}
