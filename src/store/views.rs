//! Views of one run that stay small however many instances it has: counts per state per
//! step (a `foreach` step of a million iterations is one row), its failed instances, and
//! pages of instances. Everything is aggregated, sorted and paged by SQLite, so memory
//! does not grow with the run.

use rusqlite::functions::FunctionFlags;
use rusqlite::{params, Connection};

use super::steps::StepRow;
use super::{Result, Store};

/// The SQL function naming the step an instance belongs to (see [`step_of`]).
const STEP_OF: &str = "mflow_step";

/// The step an instance belongs to: its name without loop indexes, so `load[3]` is
/// `load` and `region[1]/sub/extract[2]` is `region/sub/extract`.
#[must_use]
pub fn step_of(instance: &str) -> String {
    let mut out = String::with_capacity(instance.len());
    let mut depth = 0usize;
    for c in instance.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// Teaches a connection [`step_of`] as the SQL function `mflow_step(name)`.
pub(super) fn register(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function(
        STEP_OF,
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let name: String = ctx.get(0)?;
            Ok(step_of(&name))
        },
    )
}

/// An instance's duration in milliseconds, in SQL (NULL until it has both times).
const DURATION_MS: &str = "CAST(ROUND((julianday(ended_at) - julianday(started_at)) * 86400000.0) AS INTEGER)";

/// One step of a run, all its instances together.
#[derive(Debug, Clone, Default)]
pub struct StepSummary {
    /// The step's name without loop indexes (`load` for `load[0]` … `load[99999]`).
    pub step: String,
    /// How many instances are in each state, in the order states first appear.
    pub states: Vec<(String, u64)>,
    pub instances: u64,
    /// Attempts over all instances.
    pub attempts: u64,
    pub first_started: Option<String>,
    pub last_ended: Option<String>,
    /// Median and longest duration of the instances that have ended (milliseconds).
    pub p50_ms: Option<i64>,
    pub max_ms: Option<i64>,
}

/// Which instances a page lists.
#[derive(Debug, Clone, Default)]
pub struct InstanceFilter {
    /// Only instances in this state.
    pub state: Option<String>,
    /// Only instances of this step (`load` lists `load[0]`, `load[1]`, …) or this one instance.
    pub step: Option<String>,
    pub limit: Option<u64>,
    pub offset: u64,
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn step_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StepRow> {
    Ok(StepRow {
        name: r.get(0)?,
        state: r.get(1)?,
        attempts: r.get(2)?,
        outputs: r.get(3)?,
        started_at: r.get(4)?,
        ended_at: r.get(5)?,
        message: r.get(6)?,
    })
}

impl Store {
    /// One [`StepSummary`] per step of the run, in the order the steps started.
    pub fn step_summaries(&self, run_id: &str) -> Result<Vec<StepSummary>> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {STEP_OF}(name) AS step, state, count(*), sum(attempts), min(started_at), max(ended_at),
                        max({DURATION_MS}), sum(started_at IS NOT NULL AND ended_at IS NOT NULL), min(name)
                 FROM steps WHERE run_id = ?1 GROUP BY step, state ORDER BY step, min(started_at)"
            ))?;
            let mut rows = stmt.query([run_id])?;
            // Each step with how many of its instances have ended, and the name of one.
            let mut steps: Vec<(StepSummary, u64, String)> = Vec::new();
            while let Some(r) = rows.next()? {
                let step: String = r.get(0)?;
                let count: i64 = r.get(2)?;
                let count = u64::try_from(count).unwrap_or(0);
                let ended: i64 = r.get(7)?;
                if steps.last().is_none_or(|(s, _, _)| s.step != step) {
                    steps.push((
                        StepSummary {
                            step,
                            ..StepSummary::default()
                        },
                        0,
                        r.get(8)?,
                    ));
                }
                let Some((s, timed, _)) = steps.last_mut() else {
                    continue;
                };
                s.states.push((r.get(1)?, count));
                s.instances += count;
                s.attempts += u64::try_from(r.get::<_, i64>(3)?).unwrap_or(0);
                let started: Option<String> = r.get(4)?;
                s.first_started = min_opt(s.first_started.take(), started);
                let last: Option<String> = r.get(5)?;
                s.last_ended = s.last_ended.take().max(last);
                s.max_ms = s.max_ms.max(r.get(6)?);
                *timed += u64::try_from(ended).unwrap_or(0);
            }
            // The instances of a loop's step all start like one of them up to its first
            // `[`: `work[0]` … `work[99]` lie between `work[` and `work\` in the primary
            // key, so the median reads only them.
            let mut median = c.prepare(&format!(
                "SELECT {DURATION_MS} AS d FROM steps
                 WHERE run_id = ?1 AND name >= ?4 AND name < ?5 AND {STEP_OF}(name) = ?2
                   AND started_at IS NOT NULL AND ended_at IS NOT NULL
                 ORDER BY d LIMIT 1 OFFSET ?3"
            ))?;
            for (s, timed, sample) in &mut steps {
                if *timed == 1 {
                    s.p50_ms = s.max_ms;
                } else if let (true, Some(at)) = (*timed > 1, sample.find('[')) {
                    let low = &sample[..=at];
                    let high = format!("{}\\", &sample[..at]);
                    let offset = to_i64((*timed - 1) / 2);
                    s.p50_ms = median.query_row(params![run_id, s.step, offset, low, high], |r| r.get(0))?;
                }
            }
            let mut steps: Vec<StepSummary> = steps.into_iter().map(|(s, _, _)| s).collect();
            steps.sort_by(|a, b| {
                (a.first_started.as_deref().unwrap_or("~"), &a.step)
                    .cmp(&(b.first_started.as_deref().unwrap_or("~"), &b.step))
            });
            Ok(steps)
        })
    }

    /// How many instances `filter` selects (its page aside).
    pub fn count_instances(&self, run_id: &str, filter: &InstanceFilter) -> Result<u64> {
        self.read(|c| {
            let n: i64 = c.query_row(
                &format!(
                    "SELECT count(*) FROM steps WHERE run_id = ?1 AND (?2 IS NULL OR state = ?2)
                     AND (?3 IS NULL OR name = ?3 OR {STEP_OF}(name) = ?3)"
                ),
                params![run_id, filter.state, filter.step],
                |r| r.get(0),
            )?;
            Ok(u64::try_from(n).unwrap_or(0))
        })
    }

    /// The length (in characters) of the longest instance name `filter` selects (its page
    /// aside), so a long list's name column can be sized before it is printed.
    pub fn widest_instance_name(&self, run_id: &str, filter: &InstanceFilter) -> Result<u64> {
        self.read(|c| {
            let n: Option<i64> = c.query_row(
                &format!(
                    "SELECT max(length(name)) FROM steps WHERE run_id = ?1 AND (?2 IS NULL OR state = ?2)
                     AND (?3 IS NULL OR name = ?3 OR {STEP_OF}(name) = ?3)"
                ),
                params![run_id, filter.state, filter.step],
                |r| r.get(0),
            )?;
            Ok(n.and_then(|n| u64::try_from(n).ok()).unwrap_or(0))
        })
    }

    /// Hands the instances `filter` selects to `f` one at a time, in the order they
    /// started (loop iterations by index), one page of them.
    pub fn each_instance<T>(
        &self,
        run_id: &str,
        filter: &InstanceFilter,
        f: impl FnOnce(&mut dyn Iterator<Item = StepRow>) -> T,
    ) -> Result<T> {
        self.read(|c| {
            let mut stmt = c.prepare(&format!(
                "SELECT name, state, attempts, outputs, started_at, ended_at, message FROM steps
                 WHERE run_id = ?1 AND (?2 IS NULL OR state = ?2) AND (?3 IS NULL OR name = ?3 OR {STEP_OF}(name) = ?3)
                 ORDER BY started_at IS NULL, started_at, length(name), name LIMIT ?4 OFFSET ?5"
            ))?;
            let limit = filter.limit.map_or(-1, to_i64);
            let mut rows = stmt
                .query_map(
                    params![run_id, filter.state, filter.step, limit, to_i64(filter.offset)],
                    step_row,
                )?
                .map_while(std::result::Result::ok);
            Ok(f(&mut rows))
        })
    }
}

fn min_opt(a: Option<String>, b: Option<String>) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

#[cfg(test)]
mod tests {
    use super::step_of;

    #[test]
    fn a_step_is_its_instance_name_without_indexes() {
        assert_eq!(step_of("load[3]"), "load");
        assert_eq!(step_of("region[1]/sub/extract[22]"), "region/sub/extract");
        assert_eq!(step_of("plain"), "plain");
    }
}
