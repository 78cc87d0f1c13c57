//! `maestroc cancel RUN_ID`: asks the process running a run (or waiting in its queue) to
//! stop it; the run ends `cancelled` once its steps have stopped.

use std::time::{Duration, Instant};

use clap::Args;

use super::error::{CliError, CliResult};
use super::runs::store_with_run;

#[derive(Debug, Args)]
pub(super) struct CancelArgs {
    /// The run: its id, any prefix only it has, or `last` for the newest run.
    #[arg(add = clap_complete::engine::ArgValueCompleter::new(super::complete::run_ids))]
    run_id: String,
    /// Return at once instead of waiting (up to 30 s) for the run to stop.
    #[arg(long)]
    no_wait: bool,
}

pub(super) fn run(args: &CancelArgs) -> CliResult {
    let (store, run_id) = store_with_run(&args.run_id)?;
    let run = store.run(&run_id)?;
    if !store.request_cancel(&run.run_id)? {
        if matches!(run.state.as_str(), "failed" | "timed_out") {
            // Giving up on a failed run: it no longer holds a strict_sequential queue.
            store.finish_run(&run.run_id, "cancelled", None, Some("given up with `maestroc cancel`"))?;
            eprintln!("run `{}` was {}; it is now cancelled", run.run_id, run.state);
            return Ok(0);
        }
        return Err(CliError::RunState {
            message: format!("run `{}` is not running (it is {})", run.run_id, run.state),
            help: None,
            exit: super::error::EXIT_NOT_FOUND,
        });
    }
    if args.no_wait {
        eprintln!("asked run `{}` to stop", run.run_id);
        return Ok(0);
    }
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        let r = store.run(&run.run_id)?;
        if !matches!(r.state.as_str(), "running" | "queued") {
            eprintln!("run `{}` is {}", r.run_id, r.state);
            return Ok(0);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(CliError::RunState {
        message: format!("asked run `{}` to stop; it has not stopped yet", run.run_id),
        help: Some(format!("`maestroc runs show {}` shows its state", run.run_id)),
        exit: super::error::EXIT_NOT_FOUND,
    })
}
