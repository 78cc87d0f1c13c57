//! Pausing a run (docs/cli.md, "pause", "--break"): while the run is paused no new step
//! instance starts; running ones finish. The pause lives in the store (`runs.paused`), so
//! another process sets and clears it; the run polls it with its cancel check and keeps
//! a local copy here that every step instance consults before it starts.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use tokio::sync::watch;

use super::scheduler::Runner;

/// The run's pause state and the breakpoints not yet reached.
pub(super) struct Pause {
    paused: watch::Sender<bool>,
    /// Steps (by name) whose first instance pauses the run before it starts.
    breakpoints: Mutex<HashSet<String>>,
    /// Whether any breakpoint is left: most runs have none, and a million instances then
    /// never take the lock.
    any_breakpoint: AtomicBool,
}

impl Pause {
    pub(super) fn new(breakpoints: &[String]) -> Self {
        let (paused, _) = watch::channel(false);
        Self {
            paused,
            breakpoints: Mutex::new(breakpoints.iter().cloned().collect()),
            any_breakpoint: AtomicBool::new(!breakpoints.is_empty()),
        }
    }

    /// Whether the run is paused as far as this process knows.
    pub(super) fn is_paused(&self) -> bool {
        *self.paused.borrow()
    }

    /// Sets the local copy; true when that changed it.
    pub(super) fn set(&self, paused: bool) -> bool {
        self.paused.send_if_modified(|p| std::mem::replace(p, paused) != paused)
    }

    /// Whether `step` has a breakpoint not yet reached; it is reached now.
    fn take_breakpoint(&self, step: &str) -> bool {
        if !self.any_breakpoint.load(Ordering::Relaxed) {
            return false;
        }
        let mut breakpoints = self
            .breakpoints
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let hit = breakpoints.remove(step);
        if breakpoints.is_empty() {
            self.any_breakpoint.store(false, Ordering::Relaxed);
        }
        hit
    }
}

impl Runner<'_> {
    /// Called before a step instance starts: pauses the run at a breakpoint on `step`,
    /// then waits while the run is paused. False when the run was stopped while waiting.
    pub(super) async fn wait_unpaused(&self, step: &str, instance: &str) -> bool {
        if self.pause.take_breakpoint(step) {
            let reason = format!("at breakpoint before step `{step}` (instance `{instance}`)");
            match self.store.pause_at(&self.run_id, &reason) {
                Ok(()) => self.pause_changed(true, Some(&reason)),
                Err(e) => self.store_failed(&e),
            }
        }
        if !self.pause.is_paused() {
            return true;
        }
        let mut paused = self.pause.paused.subscribe();
        let mut cancel = self.cancel_receiver();
        tokio::select! {
            unpaused = paused.wait_for(|p| !*p) => unpaused.is_ok() && !self.stopped(),
            _ = cancel.wait_for(|c| *c) => false,
        }
    }

    /// Reads the pause from the store (each poll of the run) and tells the user when it changed.
    pub(super) fn poll_pause(&self) {
        match self.store.paused(&self.run_id) {
            Ok(reason) => self.pause_changed(reason.is_some(), reason.as_deref()),
            Err(e) => self.store_failed(&e),
        }
    }

    fn pause_changed(&self, paused: bool, reason: Option<&str>) {
        if !self.pause.set(paused) {
            return;
        }
        if paused {
            self.reporter.message(&format!(
                "run paused {}: no new step starts, running ones finish; `maestroc unpause {}` continues",
                reason.unwrap_or("by `maestroc pause`"),
                self.run_id
            ));
        } else {
            self.reporter.message("run unpaused; starting steps again");
        }
    }
}
