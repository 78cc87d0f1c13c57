//! What a run shows a person while it runs: step lines on stderr, and runtime errors
//! rendered against the `.mflow` source like compile errors.

use std::io::{IsTerminal as _, Write};
use std::sync::atomic::{AtomicUsize, Ordering};

use indicatif::{ProgressBar, ProgressStyle};
use std::time::Duration;

use super::eval::Failure;
use super::state::StepState;
use crate::base::source::SourceMap;
use crate::base::span::Span;

pub use super::error::RuntimeError;

/// Where progress goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Lines on stderr.
    Human { color: bool },
    /// Nothing but errors (JSON output on stdout at the end).
    Quiet,
}

#[derive(Debug)]
pub struct Reporter {
    mode: Mode,
    /// A live status line (indicatif) when stderr is a terminal in human mode.
    bar: Option<ProgressBar>,
    running: AtomicUsize,
    finished: AtomicUsize,
    failed: AtomicUsize,
    /// Step instances that kept an earlier result (resume).
    reused: AtomicUsize,
}

impl Reporter {
    #[must_use]
    pub fn new(mode: Mode) -> Self {
        let bar = match mode {
            Mode::Human { .. } if std::io::stderr().is_terminal() => {
                let bar = ProgressBar::new_spinner();
                if let Ok(style) = ProgressStyle::with_template("{spinner} {elapsed} {msg}") {
                    bar.set_style(style);
                }
                bar.enable_steady_tick(Duration::from_millis(120));
                Some(bar)
            }
            Mode::Human { .. } | Mode::Quiet => None,
        };
        Self {
            mode,
            bar,
            running: AtomicUsize::new(0),
            finished: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            reused: AtomicUsize::new(0),
        }
    }

    /// Whether step output is streamed to the terminal (human mode).
    #[must_use]
    pub fn streams(&self) -> bool {
        matches!(self.mode, Mode::Human { .. })
    }

    fn line(&self, text: &str) {
        if let Mode::Human { .. } = self.mode {
            self.message(text);
        }
    }

    /// A line of progress: shown in human mode only.
    pub fn message_human(&self, text: &str) {
        self.line(text);
    }

    pub fn message(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "{text}");
            }
        }
    }

    fn update(&self, current: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} running · {} done · {} failed · {current}",
                self.running.load(Ordering::Relaxed),
                self.finished.load(Ordering::Relaxed),
                self.failed.load(Ordering::Relaxed)
            ));
        }
    }

    /// A step instance started an attempt that runs something.
    pub fn step_started(&self, name: &str) {
        self.running.fetch_add(1, Ordering::Relaxed);
        self.update(name);
    }

    /// Prints one line of a running step's output.
    pub fn step_output(&self, name: &str, line: &str) {
        self.line(&format!("  {name} | {line}"));
    }

    pub fn run_started(&self, run_id: &str, workflow: &str, dir: &std::path::Path) {
        self.line(&format!("run {run_id} of `{workflow}` (logs in {})", dir.display()));
    }

    /// A step instance finished; `real` when it ran a process (counted as running), `shown`
    /// when its success is worth a line (no-op steps that succeeded are not shown).
    pub fn step_done(&self, name: &str, state: StepState, attempts: u32, elapsed: Duration, real: bool, shown: bool) {
        if real {
            let _ = self
                .running
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| Some(n.saturating_sub(1)));
        }
        if state == StepState::Succeeded {
            self.finished.fetch_add(1, Ordering::Relaxed);
        } else if state != StepState::Skipped {
            self.failed.fetch_add(1, Ordering::Relaxed);
        }
        self.update(name);
        if state == StepState::Succeeded && !shown {
            return;
        }
        let mark = match state {
            StepState::Succeeded => "✓",
            StepState::Skipped => "-",
            StepState::Cancelled => "⊘",
            StepState::Pending | StepState::Running | StepState::Failed | StepState::Retrying | StepState::TimedOut => {
                "✗"
            }
        };
        let tries = if attempts > 1 {
            format!(", {attempts} attempts")
        } else {
            String::new()
        };
        self.line(&format!(
            "{mark} {name} {} ({:.2}s{tries})",
            state.as_str().replace('_', " "),
            elapsed.as_secs_f64()
        ));
    }

    /// A step instance keeps the result it recorded before (`maestroc resume`).
    pub fn step_reused(&self, name: &str) {
        self.finished.fetch_add(1, Ordering::Relaxed);
        self.reused.fetch_add(1, Ordering::Relaxed);
        self.update(name);
    }

    pub fn step_failed(&self, name: &str, attempt: u32, message: &str) {
        self.line(&format!("  {name}: attempt {attempt} failed: {message}"));
    }

    pub fn step_retrying(&self, name: &str, attempt: u32, message: &str, delay: Duration) {
        self.line(&format!(
            "  {name}: attempt {attempt} failed ({message}); retrying in {:.1}s",
            delay.as_secs_f64()
        ));
    }

    /// The run ended in `state`; one that did not succeed ends with how to resume it.
    pub fn run_finished(&self, run_id: &str, state: &str, elapsed: Duration) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let reused = self.reused.load(Ordering::Relaxed);
        if reused > 0 {
            self.line(&format!(
                "{reused} step instance{} kept the result {} recorded before",
                if reused == 1 { "" } else { "s" },
                if reused == 1 { "it" } else { "they" }
            ));
        }
        self.line(&format!(
            "run {} in {:.2}s",
            state.replace('_', " "),
            elapsed.as_secs_f64()
        ));
        if matches!(state, "failed" | "cancelled" | "timed_out") {
            self.line(&format!("resume it with: maestroc resume {run_id}"));
        }
    }

    /// Renders an evaluation failure against its source, like a compile error.
    pub fn eval_error(&self, sources: &SourceMap, instance: &str, failure: &Failure) {
        self.diagnostic(
            sources,
            failure.span,
            RuntimeError::Evaluation {
                message: failure.error.to_string(),
                span: failure.span,
                instance: instance.to_string(),
                help: failure.error.help(),
            },
        );
    }

    pub fn loop_limit(&self, sources: &SourceMap, label: &str, limit: i64, span: Span) {
        self.diagnostic(
            sources,
            span,
            RuntimeError::LoopLimit {
                label: label.to_string(),
                limit,
                span,
            },
        );
    }

    /// Renders any runtime error against its source (a plain line when it has no span).
    pub fn error(&self, sources: &SourceMap, error: RuntimeError) {
        match error.span() {
            Some(span) => self.diagnostic(sources, span, error),
            None => self.message(&format!("error: {error}")),
        }
    }

    fn diagnostic(&self, sources: &SourceMap, span: Span, error: RuntimeError) {
        let color = matches!(self.mode, Mode::Human { color: true });
        let text = render(sources, span, error, color);
        self.message(text.trim_end());
    }
}

/// Renders a runtime error with the named source of `span`'s file, through the one
/// renderer every diagnostic goes through (`diagnostics::render`).
#[must_use]
#[allow(clippy::needless_pass_by_value)] // the runtime's callers hand the error over
pub fn render(sources: &SourceMap, span: Span, error: RuntimeError, color: bool) -> String {
    crate::diagnostics::render::render(
        &error,
        Some(sources.get(span.file)),
        &crate::diagnostics::render::RenderOptions { color, width: 100 },
    )
}
