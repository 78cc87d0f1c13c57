//! `maestroc runs show RUN`: a summary of one run that stays a screenful however many
//! instances it has (one line per step, counts per state, p50/max durations), and with
//! `--all`, `--state S` or `--step NAME`, pages of its instances.

use std::fmt::Write as _;

use clap::{Args, ValueEnum};
use comfy_table::{presets, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};

use super::error::CliResult;
use super::out::Out;
use super::runs::{store_with_run, Format};
use crate::runtime::result::{duration_ms, state_words};
use crate::store::runs::RunRow;
use crate::store::views::{InstanceFilter, StepSummary};
use crate::store::Store;

/// How many failed instances the summary names (the rest: `--state failed`).
const FAILED_SHOWN: u64 = 10;

#[derive(Debug, Args)]
pub(super) struct ShowArgs {
    /// The run: its id, any prefix only it has, or `last` for the newest run.
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(super::complete::run_ids))]
    run_id: String,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(super) format: Format,
    /// List every instance (paged by `--limit`/`--offset`) instead of the summary.
    #[arg(long)]
    all: bool,
    /// List the instances in this state.
    #[arg(long, value_enum)]
    state: Option<InstanceState>,
    /// List the instances of this step (`load` lists `load[0]`, `load[1]`, …).
    #[arg(long, value_name = "NAME")]
    step: Option<String>,
    /// At most this many instances in a list (0: no limit).
    #[arg(long, default_value_t = 100)]
    limit: u64,
    /// Skip this many instances of a list first.
    #[arg(long, default_value_t = 0)]
    offset: u64,
    /// Draw the steps on a time line (a terminal Gantt chart).
    #[arg(long, conflicts_with_all = ["all", "state", "step"])]
    timeline: bool,
}

/// The states a step instance can be in (`runs show --state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub(super) enum InstanceState {
    Pending,
    Running,
    Retrying,
    Succeeded,
    Failed,
    Skipped,
    TimedOut,
    Cancelled,
}

impl InstanceState {
    fn as_str(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::Retrying => "retrying",
            InstanceState::Succeeded => "succeeded",
            InstanceState::Failed => "failed",
            InstanceState::Skipped => "skipped",
            InstanceState::TimedOut => "timed_out",
            InstanceState::Cancelled => "cancelled",
        }
    }
}

pub(super) fn run(args: &ShowArgs) -> CliResult {
    let (store, run_id) = store_with_run(&args.run_id)?;
    let run = store.run(&run_id)?;
    if args.timeline {
        return super::timeline::show(&store, &run, args.format);
    }
    let listing = args.all || args.state.is_some() || args.step.is_some();
    let filter = InstanceFilter {
        state: args.state.map(|s| s.as_str().to_string()),
        step: args.step.clone(),
        limit: (args.limit > 0).then_some(args.limit),
        offset: args.offset,
    };
    if args.format == Format::Json {
        let mut out = Out::new();
        crate::runtime::result::write_page(&store, &run, listing.then_some(&filter), &mut out)
            .map_err(|e| super::out::output_error("the run", &e))?;
        out.finish()?;
        return Ok(0);
    }
    if listing {
        return list_instances(&store, &run_id, &filter, args.format, None);
    }
    let mut out = Out::new();
    summary(&store, &run)?.print(&mut out);
    out.finish()?;
    Ok(0)
}

/// The lines of the summary above the step table, as `label  value` pairs: other views
/// add theirs with [`Summary::field`].
#[derive(Debug, Default)]
pub(super) struct Summary {
    fields: Vec<(String, String)>,
    sections: Vec<String>,
}

impl Summary {
    pub(super) fn field(&mut self, label: &str, value: impl Into<String>) {
        self.fields.push((label.to_string(), value.into()));
    }

    /// A block of text printed after the fields, after an empty line.
    pub(super) fn section(&mut self, text: String) {
        self.sections.push(text);
    }

    fn print(&self, out: &mut Out) {
        let width = self.fields.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0) + 2;
        for (label, value) in &self.fields {
            for (i, line) in value.lines().enumerate() {
                let label = if i == 0 { label.as_str() } else { "" };
                out.line(format!("{label:<width$}{line}").trim_end());
            }
        }
        for s in &self.sections {
            out.line("");
            out.text(s);
            if !s.ends_with('\n') {
                out.line("");
            }
        }
    }
}

fn plural(n: u64, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// `1.234s` (or `-`).
pub(super) fn seconds(ms: Option<i64>) -> String {
    ms.map_or_else(|| "-".into(), |ms| format!("{}.{:03}s", ms / 1000, ms % 1000))
}

/// A table with no borders whose columns are as wide as their content.
pub(super) fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled)
        .set_header(header.iter().copied());
    t
}

/// Prints a table without the spaces comfy-table pads the first and last columns with.
pub(super) fn print_table(out: &mut Out, t: &Table) {
    for line in t.lines() {
        let line = line.strip_prefix(' ').unwrap_or(&line).trim_end().to_string();
        out.line(&line);
    }
}

fn summary(store: &Store, run: &RunRow) -> Result<Summary, super::error::CliError> {
    let steps = store.step_summaries(&run.run_id)?;
    let mut s = Summary::default();
    s.field("run", &run.run_id);
    s.field("workflow", format!("{} ({})", run.workflow, run.file));
    let state = state_words(&run.state, &run.state);
    s.field(
        "state",
        match &run.message {
            Some(m) => format!("{state}: {m}"),
            None => state,
        },
    );
    s.field(
        "started",
        format!(
            "{}   ended {}   duration {}",
            run.started_at.as_deref().unwrap_or("-"),
            run.ended_at.as_deref().unwrap_or("-"),
            seconds(duration_ms(run.started_at.as_deref(), run.ended_at.as_deref()))
        ),
    );
    s.field("params", &run.params);
    s.field("version", super::runs::version_line(store, run)?);
    if let Some(p) = &run.paused {
        s.field("paused", format!("{p}; `maestroc unpause {}` continues", run.run_id));
    }
    let tags = super::runs::tags(&run.tags);
    if !tags.is_empty() {
        s.field("tags", tags.join(", "));
    }
    if let Some(o) = &run.outputs {
        s.field("outputs", o);
    }
    if run.resumes > 0 {
        s.field("resumed", plural(u64::try_from(run.resumes).unwrap_or(0), "time"));
    }
    if matches!(run.state.as_str(), "running" | "queued") {
        let waiting = waiting(store, &run.run_id)?;
        if !waiting.is_empty() {
            s.field("waiting", waiting);
        }
    }
    let executor = store.executor(&run.run_id)?;
    if executor != "local" {
        s.field("executor", &executor);
    }
    s.section(step_table(&steps, &run.state));
    let jobs = jobs_section(store, &run.run_id)?;
    if !jobs.is_empty() {
        s.section(jobs);
    }
    let failed = failed_section(store, run)?;
    if !failed.is_empty() {
        s.section(failed);
    }
    if matches!(run.state.as_str(), "failed" | "cancelled" | "timed_out") {
        s.section(format!("resume it with: maestroc resume {}", run.run_id));
    }
    Ok(s)
}

/// How many cluster jobs the summary lists (`logs RUN STEP` shows an instance's own).
const JOBS_SHOWN: usize = 50;

/// The run's cluster jobs, one line per attempt (`step: attempt 1: Slurm job 42 on node1,
/// COMPLETED`), the first [`JOBS_SHOWN`] of them.
fn jobs_section(store: &Store, run_id: &str) -> Result<String, super::error::CliError> {
    let (jobs, total) = store.first_jobs(run_id, JOBS_SHOWN)?;
    let mut lines: Vec<String> = jobs
        .iter()
        .map(|j| format!("{}: {}", j.name, super::runs::job_line(j)))
        .collect();
    let shown = u64::try_from(jobs.len()).unwrap_or(u64::MAX);
    if total > shown {
        lines.push(format!(
            "… and {} more jobs (`maestroc logs {run_id} STEP` shows a step's own)",
            total - shown
        ));
    }
    Ok(lines.join("\n"))
}

/// The instances a running run is at: those running or retrying (a few names).
fn waiting(store: &Store, run_id: &str) -> Result<String, super::error::CliError> {
    let mut lines = Vec::new();
    for state in ["running", "retrying"] {
        let filter = InstanceFilter {
            state: Some(state.into()),
            limit: Some(5),
            ..InstanceFilter::default()
        };
        let n = store.count_instances(run_id, &filter)?;
        if n == 0 {
            continue;
        }
        let names = store.each_instance(run_id, &filter, |rows| {
            rows.map(|r| match r.message {
                Some(m) => format!("{} ({})", r.name, m.lines().next().unwrap_or("")),
                None => r.name,
            })
            .collect::<Vec<_>>()
        })?;
        let more = if n > 5 {
            format!(" and {} more", n - 5)
        } else {
            String::new()
        };
        lines.push(format!("{state} {}{more}", names.join(", ")));
    }
    Ok(lines.join("\n"))
}

fn step_table(steps: &[StepSummary], run_state: &str) -> String {
    let mut t = table(&["STEP", "INSTANCES", "STATES", "ATTEMPTS", "P50", "MAX"]);
    for s in steps {
        let states: Vec<String> = s
            .states
            .iter()
            .map(|(state, n)| {
                let words = state_words(state, run_state);
                if s.instances == 1 {
                    words
                } else {
                    format!("{n} {words}")
                }
            })
            .collect();
        let (p50, max) = if s.instances == 1 {
            (seconds(s.max_ms), String::new())
        } else {
            (seconds(s.p50_ms), seconds(s.max_ms))
        };
        t.add_row(vec![
            s.step.clone(),
            s.instances.to_string(),
            states.join(", "),
            s.attempts.to_string(),
            p50,
            max,
        ]);
    }
    for i in [1, 3, 4, 5] {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    let mut text = String::new();
    for line in t.lines() {
        text.push_str(line.strip_prefix(' ').unwrap_or(&line).trim_end());
        text.push('\n');
    }
    text
}

fn failed_section(store: &Store, run: &RunRow) -> Result<String, super::error::CliError> {
    let mut text = String::new();
    for state in ["failed", "timed_out"] {
        let filter = InstanceFilter {
            state: Some(state.into()),
            limit: Some(FAILED_SHOWN),
            ..InstanceFilter::default()
        };
        let n = store.count_instances(&run.run_id, &filter)?;
        if n == 0 {
            continue;
        }
        let words = state.replace('_', " ");
        let _ = writeln!(text, "{} {words}:", plural(n, "instance"));
        store.each_instance(&run.run_id, &filter, |rows| {
            for r in rows {
                let why = r.message.as_deref().and_then(|m| m.lines().next()).unwrap_or("");
                let _ = writeln!(
                    text,
                    "  {} ({}): {why}",
                    r.name,
                    plural(u64::from(r.attempts), "attempt")
                );
            }
        })?;
        if n > FAILED_SHOWN {
            let _ = writeln!(
                text,
                "  … {} more: maestroc runs show {} --state {state}",
                n - FAILED_SHOWN,
                run.run_id
            );
        }
    }
    Ok(text)
}

/// Rows of an instance list printed at once.
const CHUNK: usize = 1000;

/// Prints the rows gathered in `t` and empties it for the next chunk (without a header).
/// `widths` holds the columns' widths from the first chunk on (a column is at least that
/// wide), and may start with the name column's.
fn flush_chunk(out: &mut Out, t: &mut Table, widths: &mut Vec<u16>) {
    for i in [2, 4] {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
    for (i, w) in widths.iter().enumerate() {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(*w)));
        }
    }
    print_table(out, t);
    let seen = t.column_max_content_widths();
    if widths.len() < seen.len() {
        // The first chunk: content plus one space of padding on each side.
        let known = std::mem::take(widths);
        *widths = seen
            .iter()
            .enumerate()
            .map(|(i, w)| w.saturating_add(2).max(known.get(i).copied().unwrap_or(0)))
            .collect();
    }
    let mut next = Table::new();
    next.load_preset(presets::NOTHING)
        .set_content_arrangement(ContentArrangement::Disabled);
    *t = next;
}

/// Prints one page of a run's instances (`--all`, `--state`, `--step`, and `logs` of a
/// foreach step). `picking` names the step whose logs were asked for.
pub(super) fn list_instances(
    store: &Store,
    run_id: &str,
    filter: &InstanceFilter,
    format: Format,
    picking: Option<&str>,
) -> CliResult {
    let run = store.run(run_id)?;
    let total = store.count_instances(run_id, filter)?;
    let mut out = Out::new();
    if format == Format::Json {
        let list = store.each_instance(run_id, filter, |rows| {
            rows.map(|r| {
                let (state, why) = crate::runtime::result::instance_state(&r.state, &run.state);
                serde_json::json!({
                    "step": r.name,
                    "state": state,
                    "attempts": r.attempts,
                    "started_at": r.started_at,
                    "ended_at": r.ended_at,
                    "duration_ms": duration_ms(r.started_at.as_deref(), r.ended_at.as_deref()),
                    "message": r.message.as_deref().or(why),
                })
            })
            .collect::<Vec<_>>()
        })?;
        out.json(&serde_json::json!({
            "run_id": run_id,
            "instances": list,
            "page": {"offset": filter.offset, "limit": filter.limit, "total": total},
        }));
        out.finish()?;
        return Ok(0);
    }
    if let Some(step) = picking {
        out.line(&format!(
            "`{step}` has {}; name one, like `maestroc logs {run_id} {step}[0]`:",
            plural(total, "instance")
        ));
    }
    let header = [
        "INSTANCE",
        "STATE",
        "ATTEMPTS",
        "STARTED",
        "DURATION",
        "OUTPUTS / ERROR",
    ];
    // Rows go out CHUNK at a time, so a page of a million rows is never held; later chunks
    // keep the first one's column widths (at least).
    let mut t = table(&header);
    let mut widths: Vec<u16> = Vec::new();
    let mut pending = 0usize;
    if filter.limit.is_none_or(|l| l > CHUNK as u64) {
        // A long list: its name column as wide as the longest name, whichever chunk has it.
        let widest = store.widest_instance_name(run_id, filter)?;
        widths.push(u16::try_from(widest.saturating_add(2)).unwrap_or(u16::MAX));
    }
    let shown = store.each_instance(run_id, filter, |rows| {
        let mut n = 0u64;
        for r in rows {
            n += 1;
            let detail = match (&r.outputs, &r.message) {
                (_, Some(m)) if r.state != "succeeded" => m.lines().next().unwrap_or("").to_string(),
                (Some(o), _) if o != "{}" => o.clone(),
                _ => String::new(),
            };
            t.add_row(vec![
                r.name.clone(),
                state_words(&r.state, &run.state),
                r.attempts.to_string(),
                r.started_at.clone().unwrap_or_else(|| "-".into()),
                seconds(duration_ms(r.started_at.as_deref(), r.ended_at.as_deref())),
                detail,
            ]);
            pending += 1;
            if pending == CHUNK {
                flush_chunk(&mut out, &mut t, &mut widths);
                pending = 0;
                if out.is_closed() {
                    break;
                }
            }
        }
        n
    })?;
    if shown == 0 {
        out.line("no instances match");
    } else if pending > 0 {
        flush_chunk(&mut out, &mut t, &mut widths);
    }
    let end = filter.offset + shown;
    if end < total || filter.offset > 0 {
        out.line(&format!(
            "instances {}–{end} of {total}{}",
            if shown == 0 { filter.offset } else { filter.offset + 1 },
            if end < total {
                format!("; next page: --offset {end}")
            } else {
                String::new()
            }
        ));
    }
    out.finish()?;
    Ok(0)
}
