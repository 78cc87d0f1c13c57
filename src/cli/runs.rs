//! `maestroc runs [--workflow W] [--state S]` and `maestroc runs show RUN_ID`: what the run
//! store holds, for people (a table) and for scripts (`--format json`).

use clap::{Args, Subcommand, ValueEnum};

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
    #[arg(short = 'w', long, add = clap_complete::engine::ArgValueCompleter::new(super::complete::workflow_names))]
    workflow: Option<String>,
    /// Only runs in this state.
    #[arg(long, value_enum)]
    state: Option<RunState>,
    /// Only runs whose workflow carries this tag.
    #[arg(long, value_name = "TAG")]
    tag: Option<String>,
    /// At most this many runs, newest first.
    #[arg(long, default_value_t = 50)]
    limit: usize,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
}

/// The states a run can be in (`runs --state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
enum RunState {
    Queued,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}

impl RunState {
    fn as_str(self) -> &'static str {
        match self {
            RunState::Queued => "queued",
            RunState::Running => "running",
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
            RunState::TimedOut => "timed_out",
        }
    }
}

#[derive(Debug, Subcommand)]
enum RunsCommand {
    /// One run: a summary per step (or its instances, paged), its failures, a time line.
    Show(super::runs_show::ShowArgs),
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

/// The store and the full id of the run `text` names (an id, a unique prefix, `last`:
/// see [`super::run_ref::resolve_run`]), or "no run `ID`" when there is no store at all.
pub(super) fn store_with_run(text: &str) -> Result<(Store, String), CliError> {
    let store =
        open_existing_store()?.ok_or_else(|| CliError::from(crate::store::StoreError::NoRun(text.to_string())))?;
    let run_id = super::run_ref::resolve_run(&store, text)?;
    Ok((store, run_id))
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
        return super::runs_show::run(show);
    }
    let filter = RunFilter {
        workflow: args.workflow.clone(),
        state: args.state.map(|s| s.as_str().to_string()),
        tag: args.tag.clone(),
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
            let mut t = super::runs_show::table(&["RUN", "WORKFLOW", "STATE", "STARTED", "DURATION", "TAGS"]);
            for r in &runs {
                t.add_row(vec![
                    r.run_id.clone(),
                    r.workflow.clone(),
                    crate::runtime::result::state_words(&r.state, &r.state),
                    r.started_at.clone().unwrap_or_else(|| "-".into()),
                    super::runs_show::seconds(crate::runtime::result::duration_ms(
                        r.started_at.as_deref(),
                        r.ended_at.as_deref(),
                    )),
                    tags(&r.tags).join(","),
                ]);
            }
            if let Some(c) = t.column_mut(4) {
                c.set_cell_alignment(comfy_table::CellAlignment::Right);
            }
            super::runs_show::print_table(&mut out, &t);
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
        "tags": tags(&r.tags),
        "version": r.ir_hash,
        "paused": r.paused,
        "restarted_from": r.restarted_from,
    })
}

/// A run's tags from their recorded JSON list.
pub(super) fn tags(recorded: &str) -> Vec<String> {
    serde_json::from_str(recorded).unwrap_or_default()
}

/// `runs show`'s version line: the IR hash, the files, how to see them, and the run this
/// one restarts.
pub(super) fn version_line(store: &Store, run: &RunRow) -> Result<String, CliError> {
    let Some(hash) = &run.ir_hash else {
        return Ok("none recorded (the run is older than versioned runs)".into());
    };
    let files = store.version(&run.run_id)?.map_or(0, |v| v.files.len());
    let restarted = run
        .restarted_from
        .as_deref()
        .map(|r| format!("; restarts run `{r}`"))
        .unwrap_or_default();
    Ok(format!(
        "{} ({files} file{}: `maestroc show-source {}`){restarted}",
        crate::store::versions::short(hash),
        if files == 1 { "" } else { "s" },
        run.run_id
    ))
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
