//! Running one step instance: evaluating its clauses, its attempts and retries.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::eval::{self, Failure};
use super::frame::Frame;
use super::outputs;
use super::process::{self, Outcome, Program as ProcessProgram, Spec};
use super::scheduler::{Instance, Runner};
use super::state::StepState;
use super::tail::Tail;
use super::value::Value;
use crate::ir::{Action, IrBackoff, IrExpr, IrStep};
use crate::syntax::ast::RetryOn;

/// How a step instance ended.
pub struct Attempt {
    pub state: StepState,
    pub attempts: u32,
    pub outputs: Option<Arc<Vec<(String, Value)>>>,
}

/// The result of one attempt.
pub(super) enum Try {
    Succeeded(Vec<(String, Value)>),
    Failed(String),
    TimedOut,
    Cancelled,
}

struct Policy {
    retries: u32,
    on: RetryOn,
    base_ms: i64,
    max_ms: Option<i64>,
    exponential: bool,
}

fn duration_of(r: &Runner<'_>, inst: &Instance<'_>, frame: &Arc<Frame>, expr: &IrExpr) -> Result<i64, Failure> {
    let mut budget = r.budget();
    match eval::eval(&r.env(inst), Some(frame), expr, &mut budget)? {
        Value::Duration(ms) => Ok(ms),
        Value::Int(n) => Ok(n),
        _ => Ok(0),
    }
}

fn policy(r: &Runner<'_>, inst: &Instance<'_>, s: &IrStep, frame: &Arc<Frame>) -> Result<Policy, Failure> {
    let Some(retry) = &s.retry else {
        return Ok(Policy {
            retries: 0,
            on: RetryOn::Failure,
            base_ms: 0,
            max_ms: None,
            exponential: false,
        });
    };
    let mut budget = r.budget();
    let count = match eval::eval(&r.env(inst), Some(frame), &retry.count, &mut budget)? {
        Value::Int(n) => u32::try_from(n.max(0)).unwrap_or(u32::MAX),
        _ => 0,
    };
    let (base_ms, max_ms, exponential) = match &retry.backoff {
        IrBackoff::Fixed(d) => (duration_of(r, inst, frame, d)?, None, false),
        IrBackoff::Exponential { base, max } => (
            duration_of(r, inst, frame, base)?,
            match max {
                Some(m) => Some(duration_of(r, inst, frame, m)?),
                None => None,
            },
            true,
        ),
    };
    Ok(Policy {
        retries: count,
        on: retry.on,
        base_ms,
        max_ms,
        exponential,
    })
}

impl Policy {
    fn delay(&self, attempt: u32) -> Duration {
        let ms = if self.exponential {
            let factor = 1i64.checked_shl(attempt.saturating_sub(1).min(40)).unwrap_or(i64::MAX);
            self.base_ms.saturating_mul(factor)
        } else {
            self.base_ms
        };
        let ms = self.max_ms.map_or(ms, |m| ms.min(m));
        Duration::from_millis(u64::try_from(ms.max(0)).unwrap_or(0))
    }

    fn retries_on(&self, t: &Try) -> bool {
        match t {
            Try::Failed(_) => matches!(self.on, RetryOn::Failure | RetryOn::Any),
            Try::TimedOut => matches!(self.on, RetryOn::Timeout | RetryOn::Any),
            Try::Succeeded(_) | Try::Cancelled => false,
        }
    }
}

/// File-system-safe directory name for a step instance.
fn dir_name(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// The last lines of a log, indented, for a failure message, and where the log is.
fn log_tail(path: &std::path::Path) -> String {
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = String::new();
    for line in &lines[lines.len().saturating_sub(5)..] {
        out.push_str("\n    | ");
        out.extend(line.chars().take(200));
    }
    let _ = write!(out, "\n    (log: {})", path.display());
    out
}

/// Runs every attempt of a step instance.
pub(super) async fn run(r: &Runner<'_>, inst: &Instance<'_>, s: &IrStep, frame: &Arc<Frame>, name: &str) -> Attempt {
    let policy = match policy(r, inst, s, frame) {
        Ok(p) => p,
        Err(failure) => {
            r.report_failure(name, &failure);
            r.event(
                Some(name),
                StepState::Failed.as_str(),
                Some(1),
                Some(&failure.error.to_string()),
            );
            return Attempt {
                state: StepState::Failed,
                attempts: 1,
                outputs: None,
            };
        }
    };
    let mut attempt = 0u32;
    loop {
        attempt += 1;
        r.event(Some(name), StepState::Running.as_str(), Some(attempt), None);
        let result = attempt_once(r, inst, s, frame, name, attempt).await;
        let retry = attempt <= policy.retries && policy.retries_on(&result) && !r.stopped();
        match result {
            Try::Succeeded(outputs) => {
                r.event(Some(name), StepState::Succeeded.as_str(), Some(attempt), None);
                return Attempt {
                    state: StepState::Succeeded,
                    attempts: attempt,
                    outputs: Some(Arc::new(outputs)),
                };
            }
            Try::Cancelled => {
                r.event(Some(name), StepState::Cancelled.as_str(), Some(attempt), None);
                return Attempt {
                    state: StepState::Cancelled,
                    attempts: attempt,
                    outputs: None,
                };
            }
            Try::Failed(message) if !retry => {
                r.reporter.step_failed(name, attempt, &message);
                r.event(Some(name), StepState::Failed.as_str(), Some(attempt), Some(&message));
                return Attempt {
                    state: StepState::Failed,
                    attempts: attempt,
                    outputs: None,
                };
            }
            Try::TimedOut if !retry => {
                r.reporter.step_failed(name, attempt, "timed out");
                r.event(Some(name), StepState::TimedOut.as_str(), Some(attempt), None);
                return Attempt {
                    state: StepState::TimedOut,
                    attempts: attempt,
                    outputs: None,
                };
            }
            Try::Failed(message) => {
                r.event(Some(name), StepState::Retrying.as_str(), Some(attempt), Some(&message));
                r.reporter.step_retrying(name, attempt, &message, policy.delay(attempt));
            }
            Try::TimedOut => {
                r.event(
                    Some(name),
                    StepState::Retrying.as_str(),
                    Some(attempt),
                    Some("timed out"),
                );
                r.reporter
                    .step_retrying(name, attempt, "timed out", policy.delay(attempt));
            }
        }
        let mut cancel = r.cancel_receiver();
        tokio::select! {
            () = tokio::time::sleep(policy.delay(attempt)) => {}
            _ = cancel.wait_for(|c| *c) => {
                r.event(Some(name), StepState::Cancelled.as_str(), Some(attempt), None);
                return Attempt { state: StepState::Cancelled, attempts: attempt, outputs: None };
            }
        }
    }
}

async fn attempt_once(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    s: &IrStep,
    frame: &Arc<Frame>,
    name: &str,
    attempt: u32,
) -> Try {
    match prepare_and_run(r, inst, s, frame, name, attempt).await {
        Ok(t) => t,
        Err(failure) => {
            r.report_failure(name, &failure);
            Try::Failed(failure.error.to_string())
        }
    }
}

async fn prepare_and_run(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    s: &IrStep,
    frame: &Arc<Frame>,
    name: &str,
    attempt: u32,
) -> Result<Try, Failure> {
    let env = r.env(inst);
    let mut budget = r.budget();
    let program = match &s.action {
        Action::None => return Ok(Try::Succeeded(Vec::new())),
        Action::Wait { .. } => {
            return Ok(Try::Failed(
                "`wait signal` steps need the run store, which this version of `maestroc run` does not have yet".into(),
            ))
        }
        Action::Sleep(d) => {
            let ms = duration_of(r, inst, frame, d)?;
            let mut cancel = r.cancel_receiver();
            return Ok(tokio::select! {
                () = tokio::time::sleep(Duration::from_millis(u64::try_from(ms.max(0)).unwrap_or(0))) => Try::Succeeded(Vec::new()),
                _ = cancel.wait_for(|c| *c) => Try::Cancelled,
            });
        }
        Action::Call { workflow, args } => {
            let mut given = HashMap::new();
            for (binding, expr) in args {
                given.insert(*binding, eval::eval(&env, Some(frame), expr, &mut budget)?);
            }
            return Ok(super::call::run_call(r, *workflow, given, name).await);
        }
        Action::Run(parts) => ProcessProgram::Shell(eval::render_command(&env, Some(frame), parts, &mut budget)?),
        Action::Exec(e) => {
            let argv = match eval::eval(&env, Some(frame), e, &mut budget)? {
                Value::List(items) => items.iter().map(Value::to_text).collect::<Vec<_>>(),
                other => vec![other.to_text()],
            };
            if argv.is_empty() {
                return Ok(Try::Failed("`exec` was given an empty argv".into()));
            }
            ProcessProgram::Argv(argv)
        }
    };
    let mut vars: Vec<(String, String)> = Vec::with_capacity(s.env.len() + 4);
    for (key, expr) in &s.env {
        vars.push((key.clone(), eval::eval(&env, Some(frame), expr, &mut budget)?.to_text()));
    }
    let dir = match &s.dir {
        Some(d) => Some(PathBuf::from(eval::eval(&env, Some(frame), d, &mut budget)?.to_text())),
        None => None,
    };
    let timeout = match &s.timeout {
        Some(t) => Some(Duration::from_millis(
            u64::try_from(duration_of(r, inst, frame, t)?.max(0)).unwrap_or(0),
        )),
        None => None,
    };
    let attempt_dir = r.run_dir.join("steps").join(dir_name(name)).join(attempt.to_string());
    if let Err(e) = std::fs::create_dir_all(&attempt_dir) {
        return Ok(Try::Failed(format!("cannot create {}: {e}", attempt_dir.display())));
    }
    let outputs_path = attempt_dir.join("outputs");
    vars.push(("MFLOW_RUN_ID".into(), r.run_id.clone()));
    vars.push(("MFLOW_STEP".into(), name.to_string()));
    vars.push(("MFLOW_ATTEMPT".into(), attempt.to_string()));
    vars.push(("MFLOW_OUTPUTS".into(), outputs_path.display().to_string()));
    let spec = Spec {
        program,
        env: vars,
        dir,
        stdout: attempt_dir.join("stdout.log"),
        stderr: attempt_dir.join("stderr.log"),
        timeout,
        grace: r.options.grace,
    };
    r.reporter.step_started(name);
    let outcome = if r.reporter.streams() {
        // Stream the step's output while it runs, line by line, prefixed by its name.
        let mut tail = Tail::new(vec![spec.stdout.clone(), spec.stderr.clone()]);
        let run = process::run(spec, r.cancel_receiver());
        tokio::pin!(run);
        let result = loop {
            tokio::select! {
                result = &mut run => break result,
                () = tokio::time::sleep(Duration::from_millis(100)) => tail.poll(&mut |line| r.reporter.step_output(name, line)),
            }
        };
        tail.finish(&mut |line| r.reporter.step_output(name, line));
        result
    } else {
        process::run(spec, r.cancel_receiver()).await
    };
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => return Ok(Try::Failed(format!("cannot start the command: {e}"))),
    };
    Ok(match outcome {
        Outcome::Exited(0) => match outputs::read(&outputs_path, &s.outputs) {
            Ok(values) => Try::Succeeded(values),
            Err(e) => Try::Failed(e.to_string()),
        },
        Outcome::Exited(code) => Try::Failed(format!(
            "exited with status {code}{}",
            log_tail(&attempt_dir.join("stderr.log"))
        )),
        Outcome::Signaled(sig) => Try::Failed(format!("killed by signal {sig}")),
        Outcome::TimedOut => Try::TimedOut,
        Outcome::Cancelled => Try::Cancelled,
    })
}
