//! The result object (docs/cli.md, "Runs") (`run`/`resume --format json`, `runs show
//! --format json`), written from the run store as it is read, one step instance at a time:
//! a run of a million instances is streamed, never held.

use std::io::Write;

use serde::ser::{Error as _, SerializeMap as _};
use serde::{Serialize, Serializer};

use crate::store::runs::RunRow;
use crate::store::steps::StepRow;
use crate::store::views::{InstanceFilter, StepSummary};
use crate::store::Store;

/// Writes the result object of `run` (pretty-printed JSON and a newline) to `out`: every
/// step instance.
pub fn write(store: &Store, run: &RunRow, out: &mut impl Write) -> std::io::Result<()> {
    write_page(store, run, None, out)
}

/// Writes the result object with only the instances `page` selects (all when `None`),
/// and the page's place in the whole (`"page": {"offset", "limit", "total"}`).
pub fn write_page(
    store: &Store,
    run: &RunRow,
    page: Option<&InstanceFilter>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let summary = store.step_summaries(&run.run_id).map_err(std::io::Error::other)?;
    let total = match page {
        Some(filter) => Some(
            store
                .count_instances(&run.run_id, filter)
                .map_err(std::io::Error::other)?,
        ),
        None => None,
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(
        &mut out,
        &ResultObject {
            store,
            run,
            page,
            total,
            summary: &summary,
        },
    )?;
    writeln!(out)?;
    out.flush()
}

struct ResultObject<'a> {
    store: &'a Store,
    run: &'a RunRow,
    page: Option<&'a InstanceFilter>,
    total: Option<u64>,
    summary: &'a [StepSummary],
}

/// A JSON text from the store, `null` when absent or unreadable.
fn json_of(text: Option<&str>) -> serde_json::Value {
    text.and_then(|t| serde_json::from_str(t).ok())
        .unwrap_or(serde_json::Value::Null)
}

/// Milliseconds between two stored times, when both are there.
#[must_use]
pub fn duration_ms(start: Option<&str>, end: Option<&str>) -> Option<i64> {
    let parse = |t: Option<&str>| t.and_then(|t| t.parse::<jiff::Timestamp>().ok());
    match (parse(start), parse(end)) {
        (Some(a), Some(b)) => Some((b.as_millisecond() - a.as_millisecond()).max(0)),
        _ => None,
    }
}

/// What a state is called where it is shown: `pending` in a run that has ended is an
/// instance that never ran, `not_run`, with why (something before it failed, or the run
/// was stopped).
#[must_use]
pub fn instance_state<'a>(state: &'a str, run_state: &str) -> (&'a str, Option<&'static str>) {
    if state != "pending" {
        return (state, None);
    }
    match run_state {
        "failed" => ("not_run", Some("upstream failed")),
        "cancelled" => ("not_run", Some("run cancelled")),
        "timed_out" => ("not_run", Some("run timed out")),
        _ => (state, None),
    }
}

/// A state in words, as the human views print it: `timed out`, `not run (upstream failed)`.
#[must_use]
pub fn state_words(state: &str, run_state: &str) -> String {
    match instance_state(state, run_state) {
        (_, Some(why)) => format!("not run ({why})"),
        (s, None) => s.replace('_', " "),
    }
}

impl Serialize for ResultObject<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let run = self.run;
        let mut outputs = json_of(run.outputs.as_deref());
        if outputs.is_null() {
            outputs = serde_json::Value::Object(serde_json::Map::new());
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("run_id", &run.run_id)?;
        map.serialize_entry("workflow", &run.workflow)?;
        map.serialize_entry("file", &run.file)?;
        map.serialize_entry("state", &run.state)?;
        map.serialize_entry("message", &run.message)?;
        map.serialize_entry("params", &json_of(Some(&run.params)))?;
        map.serialize_entry("created_at", &run.created_at)?;
        map.serialize_entry("started_at", &run.started_at)?;
        map.serialize_entry("ended_at", &run.ended_at)?;
        map.serialize_entry(
            "duration_ms",
            &duration_ms(run.started_at.as_deref(), run.ended_at.as_deref()),
        )?;
        map.serialize_entry("resumes", &run.resumes)?;
        // Versioned runs and operator actions (docs/cli.md, "Runs").
        map.serialize_entry("version", &run.ir_hash)?;
        map.serialize_entry("tags", &json_of(Some(&run.tags)))?;
        map.serialize_entry("paused", &run.paused)?;
        map.serialize_entry("restarted_from", &run.restarted_from)?;
        map.serialize_entry("outputs", &outputs)?;
        let summary: Vec<serde_json::Value> = self
            .summary
            .iter()
            .map(|s| {
                let states: serde_json::Map<String, serde_json::Value> = s
                    .states
                    .iter()
                    .map(|(state, n)| (instance_state(state, &run.state).0.to_string(), (*n).into()))
                    .collect();
                serde_json::json!({
                    "step": s.step,
                    "instances": s.instances,
                    "states": states,
                    "attempts": s.attempts,
                    "started_at": s.first_started,
                    "ended_at": s.last_ended,
                    "p50_ms": s.p50_ms,
                    "max_ms": s.max_ms,
                })
            })
            .collect();
        map.serialize_entry("summary", &summary)?;
        if let (Some(page), Some(total)) = (self.page, self.total) {
            map.serialize_entry(
                "page",
                &serde_json::json!({"offset": page.offset, "limit": page.limit, "total": total}),
            )?;
        }
        map.serialize_entry(
            "steps",
            &Steps {
                store: self.store,
                run,
                page: self.page,
            },
        )?;
        map.end()
    }
}

struct Steps<'a> {
    store: &'a Store,
    run: &'a RunRow,
    page: Option<&'a InstanceFilter>,
}

#[derive(Serialize)]
struct Step<'a> {
    state: &'a str,
    attempts: u32,
    outputs: serde_json::Value,
    started_at: Option<&'a str>,
    ended_at: Option<&'a str>,
    duration_ms: Option<i64>,
    /// Why it failed (or did not run), as the store recorded it.
    message: Option<&'a str>,
}

fn step_value(row: &StepRow, run_state: &str) -> serde_json::Value {
    let (state, why) = instance_state(&row.state, run_state);
    let step = Step {
        state,
        attempts: row.attempts,
        outputs: json_of(row.outputs.as_deref()),
        started_at: row.started_at.as_deref(),
        ended_at: row.ended_at.as_deref(),
        duration_ms: duration_ms(row.started_at.as_deref(), row.ended_at.as_deref()),
        message: row.message.as_deref().or(why),
    };
    serde_json::to_value(&step).unwrap_or_default()
}

impl Serialize for Steps<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let run_state = self.run.state.as_str();
        // The map takes the key and value by reference; each is serialized at once.
        let each = |rows: &mut dyn Iterator<Item = StepRow>| {
            serializer.collect_map(rows.map(|row| {
                let value = step_value(&row, run_state);
                (row.name, value)
            }))
        };
        match self.page {
            Some(filter) => self.store.each_instance(&self.run.run_id, filter, each),
            None => self.store.each_step(&self.run.run_id, each),
        }
        .map_err(S::Error::custom)?
    }
}
