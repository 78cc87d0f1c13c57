//! `maestroc restart RUN [-p name=value]…`: a new run of the same version (the source the
//! run recorded) and params, from the beginning, linked to the old run (`restarted_from`).

use clap::Args;

use super::error::{CliError, CliResult};
use super::run::{resolve_params, split_params, start, HowArgs};
use super::runs::store_with_run;
use super::Ctx;
use crate::runtime::run::{Launch, Start};

#[derive(Debug, Args)]
pub(super) struct RestartArgs {
    /// The run to start again.
    run: String,
    /// Change a launch parameter for the new run (`fixed` params cannot change).
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    #[command(flatten)]
    how: HowArgs,
}

impl RestartArgs {
    pub(super) fn wants_json(&self) -> bool {
        self.how.wants_json()
    }
}

pub(super) fn run(args: &RestartArgs, ctx: &Ctx) -> CliResult {
    let (store, run_id) = store_with_run(&args.run)?;
    let run = store.run(&run_id)?;
    if matches!(run.state.as_str(), "running" | "queued") {
        return Err(CliError::RunState {
            message: format!("run `{run_id}` is still {} in another process", run.state),
            help: Some(format!(
                "stop it first with `maestroc cancel {run_id}`, then `maestroc restart {run_id}`"
            )),
            exit: super::error::EXIT_USAGE,
        });
    }
    let (analysis, ir, version) = super::version::compile_run(&store, &run, ctx)?;
    // The old run's executor, unless `--executor` names another.
    let executor = match args.how.executor {
        Some(asked) => asked.kind(),
        None => crate::runtime::executor::Kind::parse(&store.executor(&run_id)?).unwrap_or_default(),
    };
    drop(store);
    let version = version.unwrap_or_else(|| super::version::version_of(&analysis, &ir));
    let workflow = super::pick_workflow(&analysis, Some(&run.workflow))?;
    let wf = ir.workflow(workflow);
    super::version::check_breakpoints(&ir, wf, &args.how.breakpoints)?;
    let cli_params = split_params(&args.params)?;
    let recorded = match serde_json::from_str::<serde_json::Value>(&run.params) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let params = resolve_params(wf, &ir.symbols, &cli_params, Some(&recorded), ctx)?;
    super::fixed::check(wf, "restart", &run_id, &cli_params, &params, &recorded, ctx)?;
    eprintln!(
        "restarting run `{run_id}` from the beginning as a new run (version {})",
        crate::store::versions::short(&version.ir_hash)
    );
    let launch = Launch {
        ir: &ir,
        program: &ir.symbols,
        sources: &analysis.sources,
        workflow,
        params,
        file: run.file.clone(),
        version: Some(&version),
        tags: wf.settings.tags.clone(),
        breakpoints: args.how.breakpoints.clone(),
        restarted_from: Some(run_id),
    };
    start(&launch, &args.how, ctx.color, Start::New, executor)
}
