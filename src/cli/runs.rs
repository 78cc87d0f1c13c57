//! `maestroc runs [--workflow W] [--state S]` and `maestroc runs show RUN_ID`: what the run
//! store holds, for people (a table) and for scripts (`--format json`).

use clap::{Args, Subcommand, ValueEnum};

use crate::store::runs::{RunFilter, RunRow};
use crate::store::Store;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct RunsArgs {
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
pub enum Format {
    Human,
    Json,
}

/// Opens the store of `$MFLOW_HOME`, or prints why not.
pub fn open_store() -> Option<Store> {
    // `MFLOW_SYNC=full` holds for these commands too; `memory` only makes sense inside one run.
    let durability = match crate::store::Durability::from_env() {
        crate::store::Durability::Memory => crate::store::Durability::Normal,
        d => d,
    };
    match Store::open(&crate::runtime::run::home(), durability) {
        Ok(store) => Some(store),
        Err(e) => {
            eprintln!("error: {e}");
            None
        }
    }
}

pub fn run(args: &RunsArgs) -> i32 {
    let Some(store) = open_store() else { return 2 };
    if let Some(RunsCommand::Show(show)) = &args.show {
        return self::show(&store, &show.run_id, show.format);
    }
    let filter = RunFilter {
        workflow: args.workflow.clone(),
        state: args.state.clone(),
        limit: Some(args.limit),
    };
    let runs = match store.runs(&filter) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    match args.format {
        Format::Json => {
            let list: Vec<serde_json::Value> = runs.iter().map(run_json).collect();
            println!("{}", serde_json::to_string_pretty(&list).unwrap_or_default());
        }
        Format::Human => {
            if runs.is_empty() {
                eprintln!("no runs in {}", store.home().display());
                return 0;
            }
            println!(
                "{:<28} {:<24} {:<10} {:<24} {:>9}",
                "RUN", "WORKFLOW", "STATE", "STARTED", "DURATION"
            );
            for r in &runs {
                println!(
                    "{:<28} {:<24} {:<10} {:<24} {:>9}",
                    r.run_id,
                    r.workflow,
                    r.state,
                    r.started_at.as_deref().unwrap_or("-"),
                    duration(r.started_at.as_deref(), r.ended_at.as_deref())
                );
            }
        }
    }
    0
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

fn show(store: &Store, run_id: &str, format: Format) -> i32 {
    let run = match store.run(run_id) {
        Ok(run) => run,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    match format {
        Format::Json => {
            if let Err(e) = crate::runtime::result::write(store, &run, &mut std::io::stdout().lock()) {
                eprintln!("error: {e}");
                return 1;
            }
        }
        Format::Human => {
            let steps = match store.steps(run_id) {
                Ok(mut steps) => {
                    // In the order they started (never-started ones last), loops in index order.
                    steps.sort_by(|a, b| {
                        (a.started_at.as_deref().unwrap_or("~"), natural(&a.name))
                            .cmp(&(b.started_at.as_deref().unwrap_or("~"), natural(&b.name)))
                    });
                    steps
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return 1;
                }
            };
            println!("run       {}", run.run_id);
            println!("workflow  {} ({})", run.workflow, run.file);
            println!("state     {}", run.state);
            if let Some(m) = &run.message {
                println!("          {m}");
            }
            println!(
                "started   {}   duration {}",
                run.started_at.as_deref().unwrap_or("-"),
                duration(run.started_at.as_deref(), run.ended_at.as_deref())
            );
            println!("params    {}", run.params);
            if let Some(o) = &run.outputs {
                println!("outputs   {o}");
            }
            if run.resumes > 0 {
                println!(
                    "resumed   {} time{}",
                    run.resumes,
                    if run.resumes == 1 { "" } else { "s" }
                );
            }
            println!();
            println!(
                "{:<32} {:<10} {:>8} {:>9}  OUTPUTS",
                "STEP", "STATE", "ATTEMPTS", "DURATION"
            );
            for s in &steps {
                println!(
                    "{:<32} {:<10} {:>8} {:>9}  {}",
                    s.name,
                    s.state,
                    s.attempts,
                    duration(s.started_at.as_deref(), s.ended_at.as_deref()),
                    s.outputs.as_deref().filter(|o| *o != "{}").unwrap_or("")
                );
                if let Some(m) = s.message.as_deref().filter(|_| s.state != "succeeded") {
                    println!("    {}", m.lines().next().unwrap_or(""));
                }
            }
        }
    }
    0
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
