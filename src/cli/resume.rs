//! `maestroc resume RUN_ID [--from STEP] [-p name=value]…`: runs again what did not succeed
//! in a run, reusing the recorded outputs of what did (docs/store.md, "Resume").

use clap::Args;

use super::error::{CliError, CliResult};
use super::run::{resolve_params, split_params, start, HowArgs};
use super::runs::open_existing_store;
use super::Ctx;
use crate::runtime::executor::error::ExecutorError;
use crate::runtime::executor::Kind;
use crate::runtime::resume::{downstream, step_names, Resume};
use crate::runtime::run::{Launch, Resumed, Start};

#[derive(Debug, Args)]
pub(super) struct ResumeArgs {
    run_id: String,
    /// Also run again this step and everything that depends on it.
    #[arg(long, value_name = "STEP")]
    from: Option<String>,
    /// Change a launch parameter (consts cannot change).
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    #[command(flatten)]
    how: HowArgs,
}

impl ResumeArgs {
    pub(super) fn wants_json(&self) -> bool {
        self.how.wants_json()
    }
}

pub(super) fn run(args: &ResumeArgs, ctx: &Ctx) -> CliResult {
    let Some(store) = open_existing_store()? else {
        return Err(crate::store::StoreError::NoRun(args.run_id.clone()).into());
    };
    let run = store.run(&args.run_id)?;
    if matches!(run.state.as_str(), "running" | "queued") {
        return Err(CliError::RunState {
            message: format!("run `{}` is still {} in another process", run.run_id, run.state),
            help: Some(format!("stop it first with `maestroc cancel {}`", run.run_id)),
            exit: super::error::EXIT_USAGE,
        });
    }
    let cli_params = split_params(&args.params)?;
    if run.state == "succeeded" && args.from.is_none() {
        if !args.params.is_empty() {
            // Nothing runs again, so the params would change nothing: refuse rather than
            // drop them without a word (docs/cli.md, resume).
            return Err(CliError::ResumeParams {
                run_id: run.run_id.clone(),
                params: args
                    .params
                    .iter()
                    .map(|p| format!("-p {p}"))
                    .collect::<Vec<_>>()
                    .join(" "),
                file: run.file.clone(),
                workflow: format!(" -w {}", run.workflow),
            });
        }
        eprintln!(
            "run `{}` succeeded; there is nothing to resume\n  help: to run steps again, name the first with `--from STEP`",
            run.run_id
        );
        return Ok(0);
    }
    // The run's own executor, unless `--executor` names the same one.
    let recorded = store.executor(&run.run_id)?;
    let executor = Kind::parse(&recorded).unwrap_or_default();
    if let Some(asked) = args.how.executor.map(super::run::ExecutorArg::kind) {
        if asked != executor {
            return Err(CliError::Executor(Box::new(ExecutorError::ResumeExecutor {
                run_id: run.run_id.clone(),
                recorded,
                asked: asked.as_str().to_string(),
                help: Some(format!(
                    "resume it without `--executor` (it uses `{}`), or start a new run with `maestroc run --executor {}`",
                    executor.as_str(),
                    asked.as_str()
                )),
            })));
        }
    }
    let previous = store
        .steps(&run.run_id)?
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    drop(store);
    let (analysis, ir) = super::compile_file(&run.file, ctx)?;
    let workflow = super::pick_workflow(&analysis, Some(&run.workflow)).map_err(|e| match e {
        CliError::Workflow { message, help } => CliError::Workflow {
            message: format!("{message} (the run was of `{}` in `{}`)", run.workflow, run.file),
            help,
        },
        other @ (CliError::Unreadable { .. }
        | CliError::Param { .. }
        | CliError::Compile { .. }
        | CliError::NotFound { .. }
        | CliError::RunState { .. }
        | CliError::ResumeParams { .. }
        | CliError::Output { .. }
        | CliError::Internal { .. }
        | CliError::Runtime(_)
        | CliError::UnknownCode { .. }
        | CliError::Usage { .. }
        | CliError::Executor(_)
        | CliError::Store(_)) => other,
    })?;
    let wf = ir.workflow(workflow);
    let forced = match &args.from {
        None => std::collections::HashSet::default(),
        Some(step) => downstream(wf, step).ok_or_else(|| {
            let names = step_names(wf);
            CliError::NotFound {
                message: format!("workflow `{}` has no step `{step}`", wf.name),
                help: crate::diagnostics::suggest::did_you_mean(step, names.iter().map(String::as_str)),
                exit: super::error::EXIT_USAGE,
            }
        })?,
    };
    let recorded = match serde_json::from_str::<serde_json::Value>(&run.params) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let params = resolve_params(wf, &ir.symbols, &cli_params, Some(&recorded), ctx)?;
    if !args.params.is_empty() {
        eprintln!(
            "note: the steps that run again use the changed params ({}); reused results keep the values they were made with",
            args.params.join(", ")
        );
    }
    let launch = Launch {
        ir: &ir,
        program: &ir.symbols,
        sources: &analysis.sources,
        workflow,
        params,
        file: run.file.clone(),
    };
    let resumed = Resumed {
        run,
        resume: Resume {
            previous,
            forced,
            ..Resume::default()
        },
    };
    start(
        &launch,
        &args.how,
        ctx.color,
        Start::Resume(Box::new(resumed)),
        executor,
    )
}
