//! `maestroc resume RUN_ID [--from STEP] [-p name=value]…`: runs again what did not succeed
//! in a run, reusing the recorded outputs of what did (LANGUAGE.md §10).

use clap::Args;

use super::run::{resolve_params, split_params, start, HowArgs};
use super::runs::open_store;
use crate::runtime::resume::{downstream, step_names, Resume};
use crate::runtime::run::{Launch, Resumed, Start};

#[derive(Debug, Args)]
pub struct ResumeArgs {
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

pub fn run(args: &ResumeArgs, color: bool) -> i32 {
    let Some(store) = open_store() else { return 2 };
    let run = match store.run(&args.run_id) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}\n  help: `maestroc runs` lists the runs");
            return 2;
        }
    };
    if matches!(run.state.as_str(), "running" | "queued") {
        eprintln!(
            "error: run `{}` is still {} in another process\n  help: stop it first with `maestroc cancel {}`",
            run.run_id, run.state, run.run_id
        );
        return 2;
    }
    if run.state == "succeeded" && args.from.is_none() {
        eprintln!(
            "run `{}` succeeded; there is nothing to resume\n  help: to run steps again, name the first with `--from STEP`",
            run.run_id
        );
        return 0;
    }
    let previous = match store.steps(&run.run_id) {
        Ok(steps) => steps.into_iter().map(|s| (s.name.clone(), s)).collect(),
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    drop(store);
    let (analysis, ir) = match super::compile_file(&run.file, color) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let workflow = match super::pick_workflow(&analysis, Some(&run.workflow)) {
        Ok(w) => w,
        Err(message) => {
            eprintln!(
                "error: {message}\n  (the run was of `{}` in {})",
                run.workflow, run.file
            );
            return 2;
        }
    };
    let wf = ir.workflow(workflow);
    let forced = match &args.from {
        None => std::collections::HashSet::default(),
        Some(step) => match downstream(wf, step) {
            Some(f) => f,
            None => {
                let names = step_names(wf);
                let hint = crate::diagnostics::suggest::did_you_mean(step, names.iter().map(String::as_str))
                    .map(|h| format!("\n  help: {h}"))
                    .unwrap_or_default();
                eprintln!("error: workflow `{}` has no step `{step}`{hint}", wf.name);
                return 2;
            }
        },
    };
    let Some(cli_params) = split_params(&args.params) else {
        return 2;
    };
    let recorded = match serde_json::from_str::<serde_json::Value>(&run.params) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => serde_json::Map::new(),
    };
    let Some(params) = resolve_params(wf, &ir.symbols, &cli_params, Some(&recorded)) else {
        return 2;
    };
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
        resume: Resume { previous, forced },
    };
    start(&launch, &args.how, color, Start::Resume(Box::new(resumed)))
}
