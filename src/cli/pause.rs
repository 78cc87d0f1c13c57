//! `maestroc pause RUN`: from any process, the run starts no new step instance; the ones
//! running finish. `maestroc unpause RUN` lets it go on.

use clap::Args;

use super::error::{CliError, CliResult};
use super::runs::store_with_run;

#[derive(Debug, Args)]
pub(super) struct PauseArgs {
    /// The run to pause.
    run: String,
}

/// The reason recorded for a pause asked on the command line.
pub(super) const BY_COMMAND: &str = "by `maestroc pause`";

pub(super) fn run(args: &PauseArgs) -> CliResult {
    let (store, run_id) = store_with_run(&args.run)?;
    if store.pause(&run_id, BY_COMMAND)? {
        eprintln!(
            "run `{run_id}` paused: no new step starts, running ones finish; `maestroc unpause {run_id}` continues"
        );
        return Ok(0);
    }
    let run = store.run(&run_id)?;
    if let Some(reason) = &run.paused {
        eprintln!("run `{run_id}` is already paused {reason}");
        return Ok(0);
    }
    Err(CliError::RunState {
        message: format!(
            "run `{run_id}` is not running (it is {}), so there is nothing to pause",
            run.state
        ),
        help: Some(format!(
            "to hold a run at a step, start it with `--break STEP`: `maestroc resume {run_id} --break STEP`"
        )),
        exit: super::error::EXIT_NOT_FOUND,
    })
}
