//! Executors: where a step attempt's process runs (docs/executors.md). The scheduler,
//! store, retries, failure modes, strategies and resume are one code path; only starting an
//! attempt, observing it and stopping it differ per executor:
//!
//! - `local` (the default): a child process of `maestroc` (`process.rs`);
//! - `slurm`: one Slurm batch job per attempt (`slurm/`).
//!
//! The executor is chosen at launch (`run|resume --executor`), its settings come from
//! `mflow.toml` (`config.rs`), and it is recorded with the run so `resume` uses it again.

pub mod config;
pub mod error;
pub mod launch;
pub mod local;
pub mod slurm;

use std::path::Path;
use std::sync::Arc;

use tokio::sync::watch;

use super::process::{Ended, Spec};
use crate::store::jobs::JobRow;
use crate::store::Store;

/// The executor a run uses, as chosen at launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    #[default]
    Local,
    Slurm,
}

impl Kind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Local => "local",
            Kind::Slurm => "slurm",
        }
    }

    /// The executor recorded with a run.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "local" => Some(Kind::Local),
            "slurm" => Some(Kind::Slurm),
            _ => None,
        }
    }
}

/// The executor chosen at launch with its settings: part of the run's `Options`.
#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub kind: Kind,
    pub config: Arc<config::Config>,
}

/// The live executor of one run.
pub enum Executor {
    Local,
    Slurm(Box<slurm::Slurm>),
}

impl Executor {
    #[must_use]
    pub fn new(choice: &Choice) -> Self {
        match choice.kind {
            Kind::Local => Executor::Local,
            Kind::Slurm => Executor::Slurm(Box::new(slurm::Slurm::new(&choice.config))),
        }
    }

    #[must_use]
    pub fn kind(&self) -> Kind {
        match self {
            Executor::Local => Kind::Local,
            Executor::Slurm(_) => Kind::Slurm,
        }
    }
}

/// What an attempt asks of a cluster beyond its process: evaluated only for executors
/// that apply it.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    pub image: Option<String>,
    pub cpus: Option<u32>,
    pub memory: Option<String>,
    pub gpus: Option<u32>,
    /// The step's `profile "NAME"`, if it names one.
    pub profile: Option<String>,
}

/// Which attempt is running, for the records an executor keeps in the store.
pub struct AttemptRef<'a> {
    pub store: &'a Store,
    pub run_id: &'a str,
    pub run_dir: &'a Path,
    pub name: &'a str,
    pub attempt: u32,
    pub prefix: &'a Path,
}

/// How an attempt ended, as the executor saw it.
pub enum Finished {
    /// Its process ended (or was stopped): the same outcomes for every executor.
    Ended(Ended),
    /// The executor could not run it, or lost it; why, in the user's words.
    Failed(String),
}

impl Executor {
    /// Runs one attempt to its end, its timeout or cancellation.
    pub async fn run(
        &self,
        spec: Spec,
        place: &Placement,
        at: &AttemptRef<'_>,
        cancel: watch::Receiver<bool>,
    ) -> Finished {
        match self {
            Executor::Local => local::run(spec, cancel).await,
            Executor::Slurm(s) => s.run(spec, place, at, cancel).await,
        }
    }

    /// The job of an attempt that a killed `maestroc` left running (or that ended since),
    /// when this executor can take it up again.
    #[must_use]
    pub fn reattachable<'j>(&self, job: Option<&'j JobRow>) -> Option<&'j JobRow> {
        match self {
            Executor::Local => None,
            Executor::Slurm(_) => job,
        }
    }

    /// Waits for a job submitted by an earlier `maestroc` of the run, as if it had just
    /// been submitted.
    pub async fn reattach(
        &self,
        job: &JobRow,
        timeout: Option<std::time::Duration>,
        at: &AttemptRef<'_>,
        cancel: watch::Receiver<bool>,
    ) -> Finished {
        match self {
            Executor::Local => Finished::Failed("the local executor cannot re-attach to a process".into()),
            Executor::Slurm(s) => s.reattach(job, timeout, at, cancel).await,
        }
    }
}
