//! `maestroc resume RUN_ID [--from STEP] [-p name=value]… [--upgrade] [--break STEP]…`: runs
//! again what did not succeed in a run, reusing the recorded outputs of what did
//! (docs/store.md, "Resume"), with the version of the program the run recorded (or, with
//! `--upgrade`, the file as it is now).

use clap::Args;

use super::error::{CliError, CliResult};
use super::run::{resolve_params, split_params, start, HowArgs};
use super::runs::open_existing_store;
use super::version::{check_breakpoints, compile_run, compile_version, version_of};
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
    /// Change a launch parameter (consts and `fixed` params cannot change).
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// Use the file as it is now instead of the version the run recorded; refused when a
    /// step instance that succeeded is gone or has other outputs in it.
    #[arg(long)]
    upgrade: bool,
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
    let run_id = super::run_ref::resolve_run(&store, &args.run_id)?;
    let run = store.run(&run_id)?;
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
    let previous: std::collections::HashMap<String, crate::store::steps::StepRow> = store
        .steps(&run.run_id)?
        .into_iter()
        .map(|s| (s.name.clone(), s))
        .collect();
    // Without `--upgrade`, the run's own version; with it, the file as it is now, and the
    // run's version to compare it with.
    let (analysis, ir, version, old) = if args.upgrade {
        let old = match store.version(&run.run_id)? {
            Some(v) => {
                let (_, old_ir) = compile_version(&v, ctx)?;
                Some((v, old_ir))
            }
            None => None,
        };
        let (analysis, ir) = super::compile_file(&run.file, ctx)?;
        let version = version_of(&analysis, &ir);
        (analysis, ir, Some(version), old)
    } else {
        let (analysis, ir, version) = compile_run(&store, &run, ctx)?;
        (analysis, ir, version, None)
    };
    drop(store);
    let workflow = super::pick_workflow(&analysis, Some(&run.workflow)).map_err(|e| {
        if let CliError::Workflow { message, help } = e {
            CliError::Workflow {
                message: format!("{message} (the run was of `{}` in `{}`)", run.workflow, run.file),
                help,
            }
        } else {
            e
        }
    })?;
    let wf = ir.workflow(workflow);
    check_breakpoints(&ir, wf, &args.how.breakpoints)?;
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
    if args.upgrade {
        let old_wf = old.as_ref().and_then(|(_, old_ir)| {
            old_ir
                .workflows
                .iter()
                .position(|w| w.name == run.workflow)
                .map(|i| (old_ir, crate::ir::WorkflowId(u32::try_from(i).unwrap_or(u32::MAX))))
        });
        // Instances that `--from` runs again need not be compatible: they are not reused.
        let reused: std::collections::HashMap<String, crate::store::steps::StepRow> = previous
            .iter()
            .filter(|(name, _)| {
                crate::runtime::upgrade::step_of(&ir, workflow, name).is_none_or(|s| !forced.contains(&s.id))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let problems = crate::runtime::upgrade::check(old_wf, (&ir, workflow), &reused);
        refuse_upgrade(&run, problems, ctx)?;
        if old.as_ref().map(|(v, _)| &v.ir_hash) == version.as_ref().map(|v| &v.ir_hash) {
            eprintln!(
                "note: `{}` has not changed since the run's version; nothing to upgrade",
                run.file
            );
        }
    }
    let params = resolve_params(wf, &ir.symbols, &cli_params, Some(&recorded), ctx)?;
    super::fixed::check(wf, "resume", &run.run_id, &cli_params, &params, &recorded, ctx)?;
    let changed = changed_params(wf, &params, &recorded);
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
        version: version.as_ref(),
        tags: wf.settings.tags.clone(),
        breakpoints: args.how.breakpoints.clone(),
        restarted_from: None,
    };
    let resumed = Resumed {
        run,
        resume: Resume {
            previous,
            forced,
            ..Resume::default()
        },
        changed,
        upgrade: args.upgrade,
    };
    start(
        &launch,
        &args.how,
        ctx.color,
        Start::Resume(Box::new(resumed)),
        executor,
    )
}

/// Refuses an upgrade that would reuse results the new version cannot use: every problem
/// is printed, the last is returned.
fn refuse_upgrade(
    run: &crate::store::runs::RunRow,
    problems: Vec<crate::runtime::upgrade::Incompatible>,
    ctx: &Ctx,
) -> Result<(), CliError> {
    use crate::runtime::upgrade::Incompatible;
    let step = |instance: &str| {
        let last = instance.rsplit('/').next().unwrap_or(instance);
        last.split_once('[').map_or(last, |(n, _)| n).to_string()
    };
    let mut errors: Vec<CliError> = problems
        .into_iter()
        .map(|p| match p {
            Incompatible::Gone { instance } => CliError::UpgradeGone {
                run_id: run.run_id.clone(),
                step: step(&instance),
                instance,
                file: run.file.clone(),
            },
            Incompatible::Changed {
                instance,
                before,
                after,
            } => CliError::UpgradeChanged {
                run_id: run.run_id.clone(),
                step: step(&instance),
                instance,
                before,
                after,
            },
        })
        .collect();
    let Some(last) = errors.pop() else {
        return Ok(());
    };
    for e in &errors {
        eprint!("{}", crate::diagnostics::render::render(e, None, &ctx.render()));
    }
    Err(last)
}

/// The launch params whose value differs from the one the run recorded.
fn changed_params(
    wf: &crate::ir::IrWorkflow,
    params: &std::collections::HashMap<crate::check::BindingId, crate::runtime::value::Value>,
    recorded: &serde_json::Map<String, serde_json::Value>,
) -> Vec<crate::store::runs::ParamChange> {
    let now = crate::runtime::run::params_json(wf, params);
    let Ok(serde_json::Value::Object(now)) = serde_json::from_str::<serde_json::Value>(&now) else {
        return Vec::new();
    };
    now.iter()
        .filter(|(name, value)| recorded.get(*name) != Some(*value))
        .map(|(name, value)| crate::store::runs::ParamChange {
            name: name.clone(),
            old: recorded.get(name).map(ToString::to_string),
            new: value.to_string(),
        })
        .collect()
}
