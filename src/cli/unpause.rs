//! `maestroc unpause RUN`: a paused run (by `maestroc pause` or at a `--break`
//! breakpoint) starts step instances again.

use clap::Args;

use super::error::{CliError, CliResult};
use super::runs::store_with_run;
use crate::store::control::Unpaused;

#[derive(Debug, Args)]
pub(super) struct UnpauseArgs {
    /// The paused run.
    run: String,
}

pub(super) fn run(args: &UnpauseArgs) -> CliResult {
    let (store, run_id) = store_with_run(&args.run)?;
    match store.unpause(&run_id)? {
        Unpaused::Was(reason) => {
            eprintln!("run `{run_id}` unpaused (it was paused {reason})");
            Ok(0)
        }
        Unpaused::NotPaused => {
            let run = store.run(&run_id)?;
            Err(CliError::RunState {
                message: format!("run `{run_id}` is not paused (it is {})", run.state),
                help: Some(format!("`maestroc pause {run_id}` pauses a running run")),
                exit: super::error::EXIT_NOT_FOUND,
            })
        }
    }
}
