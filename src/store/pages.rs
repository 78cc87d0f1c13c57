//! Runs a page at a time for `maestroc serve`'s API (newest first, keyset paging on `seq`,
//! so a page stays right while new runs are added).

use rusqlite::params;

use super::runs::RunRow;
use super::{Result, Store};

/// One page of runs and the cursor of the next (`None` on the last page).
#[derive(Debug)]
pub struct RunPage {
    pub runs: Vec<(i64, RunRow)>,
    pub next: Option<i64>,
}

impl Store {
    /// Up to `limit` runs with `seq` below `before` (all when `None`), newest first,
    /// filtered by workflow name and state.
    pub fn runs_page(
        &self,
        workflow: Option<&str>,
        state: Option<&str>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<RunPage> {
        self.reap_dead()?;
        let ids: Vec<(i64, String)> = self.read(|c| {
            let mut stmt = c.prepare(
                "SELECT seq, run_id FROM runs
                 WHERE (?1 IS NULL OR workflow = ?1) AND (?2 IS NULL OR state = ?2) AND (?3 IS NULL OR seq < ?3)
                 ORDER BY seq DESC LIMIT ?4",
            )?;
            let fetch = i64::try_from(limit.saturating_add(1)).unwrap_or(i64::MAX);
            let rows = stmt.query_map(params![workflow, state, before, fetch], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
        })?;
        let more = ids.len() > limit;
        let mut runs = Vec::with_capacity(limit.min(ids.len()));
        for (seq, id) in ids.into_iter().take(limit) {
            runs.push((seq, self.run(&id)?));
        }
        let next = if more { runs.last().map(|(seq, _)| *seq) } else { None };
        Ok(RunPage { runs, next })
    }
}
