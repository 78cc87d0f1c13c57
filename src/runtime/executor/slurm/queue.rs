//! What Slurm says about the jobs of one run: one `squeue` call per poll interval for all
//! of them (never a process per job), and one `scancel` for every job to stop, made by
//! whichever attempt polls first. Each attempt then reads its job's state from the shared
//! snapshot.

use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::store::jobs::JobSeen;
use crate::store::Store;

/// States after which a job has no process left (anything else is queued or running).
const ENDED: &[&str] = &[
    "COMPLETED",
    "FAILED",
    "CANCELLED",
    "TIMEOUT",
    "OUT_OF_MEMORY",
    "NODE_FAIL",
    "PREEMPTED",
    "BOOT_FAIL",
    "DEADLINE",
];

/// One job as the latest poll saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Seen {
    /// Queued, running or completing.
    Live { state: String },
    /// Ended in `state` (`None`: no longer listed at all).
    Ended {
        state: Option<String>,
        node: Option<String>,
    },
}

pub(super) struct Queue {
    interval: Duration,
    /// Held while one attempt polls for all.
    polling: tokio::sync::Mutex<()>,
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    watched: HashSet<String>,
    /// Jobs to `scancel` with the next poll.
    cancel: HashSet<String>,
    /// What the latest poll saw, for watched jobs.
    seen: HashMap<String, (String, Option<String>)>,
    /// When the latest successful `squeue` started.
    taken: Option<Instant>,
    /// When the latest `squeue` started, successful or not (an unreachable controller is
    /// asked once per interval too, not once per waiting attempt).
    tried: Option<Instant>,
    /// Polls in a row that failed (the controller is unreachable).
    failures: u32,
}

impl Queue {
    pub(super) fn new(interval: Duration) -> Self {
        Self {
            interval,
            polling: tokio::sync::Mutex::new(()),
            inner: Mutex::new(Inner::default()),
        }
    }

    pub(super) fn interval(&self) -> Duration {
        self.interval
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn watch(&self, job: &str) {
        self.inner().watched.insert(job.to_string());
    }

    pub(super) fn unwatch(&self, job: &str) {
        let mut inner = self.inner();
        inner.watched.remove(job);
        inner.seen.remove(job);
        inner.cancel.remove(job);
    }

    /// Asks for the job to be cancelled with the next poll.
    pub(super) fn cancel(&self, job: &str) {
        self.inner().cancel.insert(job.to_string());
    }

    /// How many polls in a row failed.
    pub(super) fn failures(&self) -> u32 {
        self.inner().failures
    }

    /// The job's state, if a poll that started after `since` saw it (or saw it gone).
    pub(super) fn seen(&self, job: &str, since: Instant) -> Option<Seen> {
        let inner = self.inner();
        let taken = inner.taken?;
        if taken < since {
            return None;
        }
        Some(match inner.seen.get(job) {
            Some((state, node)) if ENDED.contains(&state.as_str()) => Seen::Ended {
                state: Some(state.clone()),
                node: node.clone(),
            },
            Some((state, _)) => Seen::Live { state: state.clone() },
            None => Seen::Ended {
                state: None,
                node: None,
            },
        })
    }

    /// Cancels what waits to be cancelled, then polls, unless another attempt polled within
    /// the last half interval. Changes of state go to the store in one transaction.
    pub(super) async fn refresh(&self, store: &Store, run_id: &str) {
        let _one = self.polling.lock().await;
        let cancel: Vec<String> = self.inner().cancel.drain().collect();
        if !cancel.is_empty() {
            // Whatever scancel says, the next polls show whether the jobs went.
            let _ = tokio::process::Command::new("scancel")
                .args(&cancel)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .await;
        }
        let recent = self.inner().tried.is_some_and(|t| t.elapsed() < self.interval / 2);
        if recent && cancel.is_empty() {
            return;
        }
        let started = Instant::now();
        self.inner().tried = Some(started);
        let output = tokio::process::Command::new("squeue")
            .args(["--me", "--noheader", "--states=all", "--format=%i|%T|%N"])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output()
            .await;
        let Ok(output) = output
            .map_err(|_| ())
            .and_then(|o| if o.status.success() { Ok(o) } else { Err(()) })
        else {
            self.inner().failures += 1;
            return;
        };
        let text = String::from_utf8_lossy(&output.stdout);
        let mut listed: HashMap<&str, (&str, &str)> = HashMap::new();
        for line in text.lines() {
            let mut parts = line.trim().splitn(3, '|');
            if let (Some(id), Some(state), node) = (parts.next(), parts.next(), parts.next()) {
                // `RUNNING by 12` and `CANCELLED+` read as their first word.
                let state = state.split([' ', '+']).next().unwrap_or(state);
                listed.insert(id, (state, node.unwrap_or("")));
            }
        }
        let mut changed: Vec<(String, String, Option<String>)> = Vec::new();
        {
            let mut inner = self.inner();
            inner.failures = 0;
            inner.taken = Some(started);
            let watched: Vec<String> = inner.watched.iter().cloned().collect();
            for job in watched {
                let now = listed.get(job.as_str()).map(|(state, node)| {
                    let node = (!node.is_empty() && *node != "(null)").then(|| (*node).to_string());
                    ((*state).to_string(), node)
                });
                match now {
                    Some((state, node)) => {
                        let before = inner.seen.get(&job);
                        let node = node.or_else(|| before.and_then(|(_, n)| n.clone()));
                        if before.map(|(s, n)| (s, n)) != Some((&state, &node)) {
                            changed.push((job.clone(), state.clone(), node.clone()));
                        }
                        inner.seen.insert(job, (state, node));
                    }
                    None => {
                        inner.seen.remove(&job);
                    }
                }
            }
        }
        let seen: Vec<JobSeen<'_>> = changed
            .iter()
            .map(|(job_id, state, node)| JobSeen {
                job_id,
                state,
                node: node.as_deref(),
            })
            .collect();
        // Only shown by `runs show`: a failed write loses nothing a resume needs.
        let _ = store.jobs_seen(run_id, &seen);
    }
}
