//! `maestroc runs [--workflow W] [--state S]` and `maestroc runs show RUN_ID`: what the run
//! store holds, for people (a table) and for scripts (`--format json`).

use clap::{Args, Subcommand, ValueEnum};

/// `println!` through an [`Out`].
macro_rules! outln {
    ($out:expr, $($arg:tt)*) => {
        $out.line(&format!($($arg)*))
    };
}

use super::error::{CliError, CliResult};
use super::out::Out;
use crate::store::runs::{RunFilter, RunRow};
use crate::store::Store;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(super) struct RunsArgs {
    #[command(subcommand)]
    show: Option<RunsCommand>,
    /// Only runs of this workflow.
    #[arg(short = 'w', long)]
    workflow: Option<String>,
    /// Only runs in this state (`queued running succeeded failed cancelled timed_out`).
    #[arg(long)]
    state: Option<String>,
    /// At most this many runs, newest first.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Subcommand)]
enum RunsCommand {
    /// One run: its steps, states, attempts, durations and outputs.
    Show(ShowArgs),
}

#[derive(Debug, Args)]
struct ShowArgs {
    run_id: String,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
}

/// `MFLOW_SYNC=full` holds for these commands too; `memory` only makes sense inside one run.
fn durability() -> crate::store::Durability {
    match crate::store::Durability::from_env() {
        crate::store::Durability::Memory => crate::store::Durability::Normal,
        d @ (crate::store::Durability::Normal | crate::store::Durability::Full) => d,
    }
}

/// Opens (creating if needed) the store of `$MFLOW_HOME`: for commands that write.
pub(super) fn open_store() -> Result<Store, CliError> {
    Ok(Store::open(&crate::runtime::run::home(), durability())?)
}

/// Opens the store of `$MFLOW_HOME` if there is one: for commands that only look, which
/// never create it.
pub(super) fn open_existing_store() -> Result<Option<Store>, CliError> {
    Ok(Store::open_existing(&crate::runtime::run::home(), durability())?)
}

/// The store, or "no run `ID`" when there is no store at all.
pub(super) fn store_with_run(run_id: &str) -> Result<Store, CliError> {
    open_existing_store()?.ok_or_else(|| crate::store::StoreError::NoRun(run_id.to_string()).into())
}

impl RunsArgs {
    pub(super) fn wants_json(&self) -> bool {
        match &self.show {
            Some(RunsCommand::Show(show)) => show.format == Format::Json,
            None => self.format == Format::Json,
        }
    }
}

pub(super) fn run(args: &RunsArgs) -> CliResult {
    if let Some(RunsCommand::Show(show)) = &args.show {
        return self::show(&store_with_run(&show.run_id)?, &show.run_id, show.format);
    }
    let filter = RunFilter {
        workflow: args.workflow.clone(),
        state: args.state.clone(),
        limit: Some(args.limit),
    };
    let store = open_existing_store()?;
    let runs = match &store {
        Some(store) => store.runs(&filter)?,
        None => Vec::new(),
    };
    let mut out = Out::new();
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = runs.iter().map(run_json).collect();
            out.json(&list);
        }
        Format::Human => {
            if runs.is_empty() {
                eprintln!("no runs in {}", crate::runtime::run::home().display());
                return Ok(0);
            }
            out.line(&format!(
                "{:<28} {:<24} {:<10} {:<24} {:>9}",
                "RUN", "WORKFLOW", "STATE", "STARTED", "DURATION"
            ));
            for r in &runs {
                out.line(&format!(
                    "{:<28} {:<24} {:<10} {:<24} {:>9}",
                    r.run_id,
                    r.workflow,
                    r.state,
                    r.started_at.as_deref().unwrap_or("-"),
                    duration(r.started_at.as_deref(), r.ended_at.as_deref())
                ));
                if out.is_closed() {
                    break;
                }
            }
        }
    }
    out.finish()?;
    Ok(0)
}

fn run_json(r: &RunRow) -> serde_json::Value {
    serde_json::json!({
        "run_id": r.run_id,
        "workflow": r.workflow,
        "state": r.state,
        "started_at": r.started_at,
        "ended_at": r.ended_at,
        "file": r.file,
        "strategy": r.strategy,
        "resumes": r.resumes,
        "message": r.message,
    })
}

fn show(store: &Store, run_id: &str, format: Format) -> CliResult {
    let run = store.run(run_id)?;
    let mut out = Out::new();
    match format {
        Format::Json => {
            crate::runtime::result::write(store, &run, &mut out)
                .map_err(|e| super::out::output_error("the run", &e))?;
        }
        Format::Human => {
            let mut steps = store.steps(run_id)?;
            // In the order they started (never-started ones last), loops in index order.
            steps.sort_by(|a, b| {
                (a.started_at.as_deref().unwrap_or("~"), natural(&a.name))
                    .cmp(&(b.started_at.as_deref().unwrap_or("~"), natural(&b.name)))
            });
            outln!(out, "run       {}", run.run_id);
            outln!(out, "workflow  {} ({})", run.workflow, run.file);
            outln!(out, "state     {}", run.state);
            if let Some(m) = &run.message {
                outln!(out, "          {m}");
            }
            outln!(
                out,
                "started   {}   duration {}",
                run.started_at.as_deref().unwrap_or("-"),
                duration(run.started_at.as_deref(), run.ended_at.as_deref())
            );
            outln!(out, "params    {}", run.params);
            if let Some(o) = &run.outputs {
                outln!(out, "outputs   {o}");
            }
            let executor = store.executor(run_id)?;
            if executor != "local" {
                outln!(out, "executor  {executor}");
            }
            let mut jobs: std::collections::HashMap<String, Vec<crate::store::jobs::JobRow>> =
                std::collections::HashMap::new();
            for job in store.jobs(run_id, None)? {
                jobs.entry(job.name.clone()).or_default().push(job);
            }
            if run.resumes > 0 {
                outln!(
                    out,
                    "resumed   {} time{}",
                    run.resumes,
                    if run.resumes == 1 { "" } else { "s" }
                );
            }
            out.line("");
            outln!(
                out,
                "{:<32} {:<10} {:>8} {:>9}  OUTPUTS",
                "STEP",
                "STATE",
                "ATTEMPTS",
                "DURATION"
            );
            for s in &steps {
                outln!(
                    out,
                    "{:<32} {:<10} {:>8} {:>9}  {}",
                    s.name,
                    s.state,
                    s.attempts,
                    duration(s.started_at.as_deref(), s.ended_at.as_deref()),
                    s.outputs.as_deref().filter(|o| *o != "{}").unwrap_or("")
                );
                if let Some(m) = s.message.as_deref().filter(|_| s.state != "succeeded") {
                    outln!(out, "    {}", m.lines().next().unwrap_or(""));
                }
                for job in jobs.get(&s.name).into_iter().flatten() {
                    outln!(out, "    {}", job_line(job));
                }
            }
        }
    }
    out.finish()?;
    Ok(0)
}

/// One attempt's cluster job: `attempt 1: Slurm job 42 on node1, COMPLETED`.
pub(super) fn job_line(job: &crate::store::jobs::JobRow) -> String {
    format!(
        "attempt {}: Slurm job {} on {}, {}",
        job.attempt,
        job.job_id,
        job.node.as_deref().unwrap_or("(no node yet)"),
        job.state
    )
}

/// A sort key that puts `load[2]` before `load[10]`: the name's text with each run of
/// digits as a number.
fn natural(name: &str) -> Vec<(String, u64)> {
    let mut key = Vec::new();
    let mut text = String::new();
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            let mut n = u64::from(c.to_digit(10).unwrap_or(0));
            while let Some(d) = chars.peek().and_then(|d| d.to_digit(10)) {
                n = n.saturating_mul(10).saturating_add(u64::from(d));
                chars.next();
            }
            key.push((std::mem::take(&mut text), n));
        } else {
            text.push(c);
        }
    }
    key.push((text, 0));
    key
}

/// `1.23s` between two stored times, or `-`.
fn duration(start: Option<&str>, end: Option<&str>) -> String {
    let parse = |t: Option<&str>| t.and_then(|t| t.parse::<jiff::Timestamp>().ok());
    match (parse(start), parse(end)) {
        (Some(a), Some(b)) => {
            let ms = (b.as_millisecond() - a.as_millisecond()).max(0);
            format!("{}.{:03}s", ms / 1000, ms % 1000)
        }
        _ => "-".into(),
    }
}
