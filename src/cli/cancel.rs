//! `maestroc cancel RUN_ID`: asks the process running a run (or waiting in its queue) to
//! stop it; the run ends `cancelled` once its steps have stopped.

use std::time::{Duration, Instant};

use clap::Args;

use super::runs::open_store;

#[derive(Debug, Args)]
pub struct CancelArgs {
    run_id: String,
    /// Return at once instead of waiting (up to 30 s) for the run to stop.
    #[arg(long)]
    no_wait: bool,
}

pub fn run(args: &CancelArgs) -> i32 {
    let Some(store) = open_store() else { return 2 };
    let run = match store.run(&args.run_id) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    };
    match store.request_cancel(&run.run_id) {
        Ok(true) => {}
        Ok(false) if matches!(run.state.as_str(), "failed" | "timed_out") => {
            // Giving up on a failed run: it no longer holds a strict_sequential queue.
            return match store.finish_run(&run.run_id, "cancelled", None, Some("given up with `maestroc cancel`")) {
                Ok(()) => {
                    eprintln!("run `{}` was {}; it is now cancelled", run.run_id, run.state);
                    0
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    1
                }
            };
        }
        Ok(false) => {
            eprintln!("run `{}` is not running (it is {})", run.run_id, run.state);
            return 1;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return 1;
        }
    }
    if args.no_wait {
        eprintln!("asked run `{}` to stop", run.run_id);
        return 0;
    }
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(30) {
        match store.run(&run.run_id) {
            Ok(r) if !matches!(r.state.as_str(), "running" | "queued") => {
                eprintln!("run `{}` is {}", r.run_id, r.state);
                return 0;
            }
            Ok(_) => std::thread::sleep(Duration::from_millis(100)),
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        }
    }
    eprintln!("asked run `{}` to stop; it has not stopped yet", run.run_id);
    1
}
