//! The Slurm executor: each `run`/`exec` attempt is one batch job, submitted with
//! `sbatch --parsable`; its id is committed to the store at once (with the attempt's start),
//! its state is read from one `squeue` per poll interval for all jobs of the run
//! (`queue.rs`), and its exit status from the file its wrapper script writes next to its
//! logs (`script.rs`), so no Slurm accounting is needed. A timeout, a cancel, SIGINT/SIGTERM
//! or `fail_fast` `scancel`s the job and waits until Slurm reports it gone.

pub mod queue;
pub mod script;

use std::collections::BTreeMap;
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::sync::{watch, Semaphore};

use self::queue::{Queue, Seen};
use super::config::{Config, Profile, SlurmSettings};
use super::{AttemptRef, Finished, Placement};
use crate::runtime::process::{Ended, Outcome, Spec};
use crate::store::jobs::JobRow;

/// At most this many `sbatch` processes at once (a 1,000-step loop submits in waves).
const SUBMITTERS: usize = 8;

/// After this many failed polls in a row while stopping a job, it is given up on.
const GIVE_UP_POLLS: u32 = 60;

/// Whether `sbatch` can be found on `PATH`.
#[must_use]
pub fn available() -> bool {
    std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path).any(|dir| {
            let candidate = dir.join("sbatch");
            std::fs::metadata(&candidate).is_ok_and(|m| m.is_file())
        })
    })
}

pub struct Slurm {
    settings: SlurmSettings,
    profiles: BTreeMap<String, Profile>,
    queue: Queue,
    submitters: Semaphore,
}

impl Slurm {
    #[must_use]
    pub fn new(config: &Config) -> Self {
        Self {
            settings: config.slurm.clone(),
            profiles: config.profiles.clone(),
            queue: Queue::new(config.slurm.poll_interval),
            submitters: Semaphore::new(SUBMITTERS),
        }
    }

    /// Submits the attempt as a batch job and waits for it.
    pub(super) async fn run(
        &self,
        spec: Spec,
        place: &Placement,
        at: &AttemptRef<'_>,
        cancel: watch::Receiver<bool>,
    ) -> Finished {
        let profile = place.profile.as_ref().and_then(|p| self.profiles.get(p));
        let container = script::container_argv(self.settings.container.as_ref(), place.image.as_deref(), at.run_dir);
        if place.image.is_some() && container.is_none() {
            return Finished::Failed("the step has an `image` but mflow.toml configures no `container_runtime`".into());
        }
        let text = match script::batch_script(&spec, container.as_deref(), at.prefix) {
            Ok(t) => t,
            Err(why) => return Finished::Failed(why),
        };
        let path = script::with_suffix(at.prefix, ".sbatch");
        if let Err(e) = tokio::fs::write(&path, text).await {
            return Finished::Failed(format!("cannot write the job script {}: {e}", path.display()));
        }
        let workdir = match &spec.dir {
            Some(d) => d.clone(),
            None => match std::env::current_dir() {
                Ok(d) => d,
                Err(e) => return Finished::Failed(format!("cannot find the working directory: {e}")),
            },
        };
        let job_name = format!("mflow/{}/{}", at.run_id, at.name);
        let args = script::sbatch_args(&self.settings, profile, place, &spec, &job_name, &workdir);
        let submitted = Instant::now();
        let output = {
            let _slot = self.submitters.acquire().await;
            if *cancel.borrow() {
                return Finished::Ended(Ended {
                    outcome: Outcome::Cancelled,
                    leftovers: 0,
                });
            }
            tokio::process::Command::new("sbatch")
                .args(&args)
                .arg(&path)
                .stdin(Stdio::null())
                .output()
                .await
        };
        let output = match output {
            Ok(o) => o,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Finished::Failed("sbatch not found; see docs/executors.md".into())
            }
            Err(e) => return Finished::Failed(format!("cannot run sbatch: {e}")),
        };
        let stdout = String::from_utf8_lossy(&output.stdout);
        let job_id = stdout.trim().split(';').next().unwrap_or("").trim().to_string();
        if !output.status.success() || job_id.is_empty() || !job_id.chars().all(|c| c.is_ascii_digit()) {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Finished::Failed(format!("sbatch refused the job: {}", stderr.trim()));
        }
        let prefix = at.prefix.display().to_string();
        if let Err(e) = at.store.job_submitted(at.run_id, at.name, at.attempt, &job_id, &prefix) {
            // Not recorded, the job could not be found again after a crash: stop it now.
            self.queue.cancel(&job_id);
            self.queue.refresh(at.store, at.run_id).await;
            return Finished::Failed(format!("submitted Slurm job {job_id} could not be recorded: {e}"));
        }
        self.wait(&job_id, submitted, spec.timeout, at, cancel).await
    }

    /// Takes up a job submitted by an earlier `maestroc` of the run.
    pub(super) async fn reattach(
        &self,
        job: &JobRow,
        timeout: Option<Duration>,
        at: &AttemptRef<'_>,
        cancel: watch::Receiver<bool>,
    ) -> Finished {
        self.wait(&job.job_id, Instant::now(), timeout, at, cancel).await
    }

    /// Waits until the job ends, stopping it on timeout or cancel (and waiting until Slurm
    /// reports it gone).
    async fn wait(
        &self,
        job_id: &str,
        since: Instant,
        timeout: Option<Duration>,
        at: &AttemptRef<'_>,
        mut cancel: watch::Receiver<bool>,
    ) -> Finished {
        self.queue.watch(job_id);
        let deadline = tokio::time::Instant::now() + timeout.unwrap_or(Duration::from_secs(u64::MAX / 4));
        let mut stopping: Option<Outcome> = None;
        let ended = loop {
            tokio::select! {
                () = tokio::time::sleep(self.queue.interval()) => {}
                _ = cancel.wait_for(|c| *c), if stopping.is_none() => {
                    stopping = Some(Outcome::Cancelled);
                    self.queue.cancel(job_id);
                }
                () = tokio::time::sleep_until(deadline), if stopping.is_none() && timeout.is_some() => {
                    stopping = Some(Outcome::TimedOut);
                    self.queue.cancel(job_id);
                }
            }
            self.queue.refresh(at.store, at.run_id).await;
            match self.queue.seen(job_id, since) {
                Some(Seen::Ended { state, node }) => break (state, node),
                Some(Seen::Live { .. }) | None => {}
            }
            if stopping.is_some() && self.queue.failures() >= GIVE_UP_POLLS {
                self.queue.unwatch(job_id);
                return Finished::Failed(format!(
                    "Slurm did not answer while job {job_id} was being stopped; check it with `squeue -j {job_id}`"
                ));
            }
        };
        self.queue.unwatch(job_id);
        if let Some(outcome) = stopping {
            return Finished::Ended(Ended { outcome, leftovers: 0 });
        }
        let (state, node) = ended;
        match read_exit(at.prefix).await {
            Some(code) => Finished::Ended(Ended {
                outcome: Outcome::Exited(code),
                leftovers: 0,
            }),
            None => {
                let on = node.map(|n| format!(" on node {n}")).unwrap_or_default();
                match state.as_deref() {
                    Some("TIMEOUT") => Finished::Ended(Ended {
                        outcome: Outcome::TimedOut,
                        leftovers: 0,
                    }),
                    Some("OUT_OF_MEMORY") => Finished::Failed(format!("Slurm job {job_id} ran out of memory{on}")),
                    Some("CANCELLED") => {
                        Finished::Failed(format!("Slurm job {job_id} was cancelled outside maestroc{on}"))
                    }
                    Some(other) => Finished::Failed(format!(
                        "Slurm job {job_id} ended as {other}{on} before its command finished"
                    )),
                    None => Finished::Failed(format!(
                        "Slurm job {job_id} is gone without recording an exit code (see its logs)"
                    )),
                }
            }
        }
    }
}

/// The exit code the job's wrapper recorded; a shared file system may show it a moment
/// after Slurm reports the job ended, so it is looked for a few times.
async fn read_exit(prefix: &std::path::Path) -> Option<i32> {
    let path = script::exit_file(prefix);
    for _ in 0..10 {
        if let Ok(text) = tokio::fs::read_to_string(&path).await {
            if let Ok(code) = text.trim().parse::<i32>() {
                return Some(code);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}
