//! The local executor: each attempt is a child process of `maestroc` on this host, in its
//! own process group and containment scope (`process.rs`, `contain.rs`).

use tokio::sync::watch;

use super::Finished;
use crate::runtime::process::{self, Spec};

pub(super) async fn run(spec: Spec, cancel: watch::Receiver<bool>) -> Finished {
    match process::run(spec, cancel).await {
        Ok(ended) => Finished::Ended(ended),
        Err(e) => Finished::Failed(format!("cannot start the command: {e}")),
    }
}
