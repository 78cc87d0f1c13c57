//! `maestroc skip RUN STEP [--outputs JSON]`: marks a step instance that failed or did not
//! run as `skipped` (or, with `--outputs`, as `succeeded` with those outputs, checked
//! against the step's output types), so the next `resume` goes on past it.

use clap::Args;

use super::error::{CliError, CliResult};
use super::runs::store_with_run;
use super::Ctx;
use crate::runtime::upgrade::{describe, output_types, step_of};

#[derive(Debug, Args)]
pub(super) struct SkipArgs {
    /// The run.
    run: String,
    /// The step instance, as `runs show` names it (`load`, `train[3]`, `sub/extract`).
    step: String,
    /// Mark it as succeeded with these outputs (a JSON object of the step's outputs).
    #[arg(long, value_name = "JSON")]
    outputs: Option<String>,
}

pub(super) fn run(args: &SkipArgs, ctx: &Ctx) -> CliResult {
    let (store, run_id) = store_with_run(&args.run)?;
    let run = store.run(&run_id)?;
    let instance = args.step.as_str();
    let refuse = |why: String, help: Option<String>| CliError::SkipState {
        run_id: run_id.clone(),
        instance: instance.to_string(),
        why,
        help,
    };
    if matches!(run.state.as_str(), "running" | "queued") {
        return Err(refuse(
            format!("belongs to a run that is still {} in another process", run.state),
            Some(format!(
                "a skip takes effect at the next resume: stop the run first with `maestroc cancel {run_id}`, or wait for it to end"
            )),
        ));
    }
    let rows = store.steps(&run_id)?;
    let row = rows.iter().find(|r| r.name == instance);
    let (analysis, ir, _) = super::version::compile_run(&store, &run, ctx)?;
    let workflow = super::pick_workflow(&analysis, Some(&run.workflow))?;
    let Some(step) = step_of(&ir, workflow, instance) else {
        let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
        return Err(CliError::NotFound {
            message: format!("run `{run_id}` has no step instance `{instance}`"),
            help: crate::diagnostics::suggest::did_you_mean(instance, names.iter().copied())
                .or_else(|| Some(format!("`maestroc runs show {run_id}` lists its step instances"))),
            exit: super::error::EXIT_NOT_FOUND,
        });
    };
    if row.is_none() && instance.contains('[') {
        // An iteration is recorded once its loop ran; a name that is not is a mistake.
        return Err(CliError::NotFound {
            message: format!("run `{run_id}` has no step instance `{instance}`"),
            help: Some(format!(
                "an iteration has an instance once its loop ran; `maestroc runs show {run_id}` lists them"
            )),
            exit: super::error::EXIT_NOT_FOUND,
        });
    }
    if row.is_none() {
        let instances = rows
            .iter()
            .filter(|r| r.name.starts_with(&format!("{instance}[")))
            .count();
        if instances > 0 {
            return Err(CliError::NotFound {
                message: format!("`{instance}` has {instances} instances in run `{run_id}`; name one"),
                help: Some(format!("for example `maestroc skip {run_id} {instance}[0]`")),
                exit: super::error::EXIT_USAGE,
            });
        }
    }
    match row.map(|r| r.state.as_str()) {
        Some("succeeded") => {
            return Err(refuse(
                "already succeeded".into(),
                Some(format!(
                    "to run it again, use `maestroc resume {run_id} --from {}`",
                    step.name
                )),
            ))
        }
        Some("skipped") if args.outputs.is_none() => {
            eprintln!("step instance `{instance}` of run `{run_id}` is already skipped");
            return Ok(0);
        }
        _ => {}
    }
    let declared = output_types(&ir, step);
    let outputs = match &args.outputs {
        None => {
            // Steps after it read its outputs as the types it declares: without values they
            // would read `none` where, say, an `int` is promised. Only outputs that may be
            // `none` anyway (optional ones, those of an `on_failure ignore` step) can go.
            let ignorable = step.on_failure == crate::ir::FailureMode::Ignore;
            if !ignorable
                && declared
                    .iter()
                    .any(|(_, ty)| !matches!(ty, crate::ir::Type::Optional(_)))
            {
                return Err(refuse(
                    format!(
                        "declares outputs {} that the steps after it may read",
                        describe(&declared)
                    ),
                    Some(format!(
                        "give them: `maestroc skip {run_id} {instance} --outputs '{}'`",
                        example(&declared)
                    )),
                ));
            }
            None
        }
        Some(text) => Some(checked_outputs(instance, text, &declared)?),
    };
    store.skip_step(&run_id, instance, outputs.as_deref())?;
    let what = if outputs.is_some() {
        "marked succeeded with the given outputs"
    } else {
        "skipped"
    };
    eprintln!("step instance `{instance}` of run `{run_id}` {what}; `maestroc resume {run_id}` goes on past it");
    Ok(0)
}

/// A JSON object of the declared outputs with example values, for the help line.
fn example(declared: &[(String, crate::ir::Type)]) -> String {
    let fields: Vec<String> = declared.iter().map(|(n, t)| format!("\"{n}\": <{t}>")).collect();
    format!("{{{}}}", fields.join(", "))
}

/// The outputs as the store records them, when `text` is a JSON object of exactly the
/// declared outputs, each of its type.
fn checked_outputs(instance: &str, text: &str, declared: &[(String, crate::ir::Type)]) -> Result<String, CliError> {
    let fail = |message: String| CliError::SkipOutputs {
        instance: instance.to_string(),
        message,
        help: Some(format!("the step's outputs are {}", describe(declared))),
    };
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| fail(format!("it is not JSON ({e})")))?;
    let serde_json::Value::Object(given) = json else {
        return Err(fail("it must be one JSON object of outputs by name".into()));
    };
    let mut problems = Vec::new();
    let mut recorded = serde_json::Map::new();
    for (name, ty) in declared {
        match given.get(name) {
            None => problems.push(format!("output `{name}` ({ty}) is missing")),
            Some(value) => match crate::runtime::value::Value::from_json(value, ty) {
                Ok(v) => {
                    recorded.insert(name.clone(), v.to_json());
                }
                Err(_) => problems.push(format!("output `{name}` must be {ty}, not {value}")),
            },
        }
    }
    for name in given.keys() {
        if !declared.iter().any(|(n, _)| n == name) {
            problems.push(format!("the step has no output `{name}`"));
        }
    }
    if problems.is_empty() {
        Ok(serde_json::Value::Object(recorded).to_string())
    } else {
        Err(fail(problems.join("; ")))
    }
}
