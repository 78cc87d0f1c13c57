//! Running one step instance: evaluating its clauses, its attempts and retries.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::eval::{self, Failure};
use super::executor::{AttemptRef, Finished, Kind, Placement};
use super::frame::Frame;
use super::outputs;
use super::process::{Outcome, Program as ProcessProgram, Spec};
use super::scheduler::{Instance, Runner};
use super::state::StepState;
use super::tail::Tail;
use super::value::Value;
use crate::ir::RetryOn;
use crate::ir::{Action, IrBackoff, IrExpr, IrStep};
use crate::store::jobs::JobRow;
use crate::store::steps::{AttemptEnd, Emitted};

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
        Value::Float(_)
        | Value::Bool(_)
        | Value::Str(_)
        | Value::Date(_)
        | Value::List(_)
        | Value::Map(_)
        | Value::Record(_)
        | Value::None => Ok(0),
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
        Value::Float(_)
        | Value::Bool(_)
        | Value::Str(_)
        | Value::Duration(_)
        | Value::Date(_)
        | Value::List(_)
        | Value::Map(_)
        | Value::Record(_)
        | Value::None => 0,
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

/// At most this many characters of an instance's name go into its file names.
const SLUG_CHARS: usize = 40;

/// A readable hint of an instance's name for its file names: its last characters, with
/// `/` as `+` and anything else but letters, digits, `-`, `_`, `.`, `[` and `]` as `_`. Not unique (the
/// number before it is): only there to help a human browsing `logs/`.
fn slug(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    chars[chars.len().saturating_sub(SLUG_CHARS)..]
        .iter()
        .map(|&c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']') {
                c
            } else if c == '/' {
                '+'
            } else {
                '_'
            }
        })
        .collect()
}

/// The last lines of a log, indented, for a failure message, and where the log is.
async fn log_tail(path: &std::path::Path) -> String {
    let bytes = super::regular::read_tail(path.to_path_buf(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&bytes);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let mut out = String::new();
    for line in &lines[lines.len().saturating_sub(5)..] {
        out.push_str("\n    | ");
        out.extend(line.chars().take(200));
    }
    let _ = write!(out, "\n    (log: {})", path.display());
    out
}

/// Runs every attempt of a step instance, committing each attempt's start and end to the
/// run store before going on.
pub(super) async fn run(r: &Runner<'_>, inst: &Instance<'_>, s: &IrStep, frame: &Arc<Frame>, name: &str) -> Attempt {
    // A resumed instance numbers its new attempts after the old ones (logs stay apart).
    let before = r.resume.attempts_before(name);
    let policy = match policy(r, inst, s, frame) {
        Ok(p) => p,
        Err(failure) => {
            r.report_failure(name, &failure);
            let prefix = runs_process(s).then(|| attempt_prefix(r, name, before + 1));
            record_start(r, s, name, before + 1, prefix.as_deref());
            return ended(
                r,
                s,
                name,
                before + 1,
                StepState::Failed,
                Some(&failure.error.to_string()),
            );
        }
    };
    let mut attempt = before;
    // After `kill -9`, the job of the attempt that was running is taken up again, not
    // submitted anew; it counts as this resume's first attempt.
    let mut reattach = if runs_process(s) {
        r.executor.reattachable(r.resume.unfinished_job(name)).cloned()
    } else {
        None
    };
    let before = if reattach.is_some() {
        before.saturating_sub(1)
    } else {
        before
    };
    loop {
        let mut result = if let Some(job) = reattach.take() {
            r.event(Some(name), StepState::Running.as_str(), Some(attempt), None);
            r.reporter.message(&format!(
                "step `{name}`: re-attaching to job {} of attempt {attempt}",
                job.job_id
            ));
            Box::pin(reattach_once(r, inst, s, frame, name, attempt, &job)).await
        } else {
            attempt += 1;
            r.event(Some(name), StepState::Running.as_str(), Some(attempt), None);
            // Only attempts that run a process have files.
            let prefix = runs_process(s).then(|| attempt_prefix(r, name, attempt));
            record_start(r, s, name, attempt, prefix.as_deref());
            attempt_once(r, inst, s, frame, name, attempt, prefix.as_deref()).await
        };
        let mut emitted = None;
        if let (Try::Succeeded(_), Some(emit)) = (&result, &s.emit) {
            match signal_payload(r, inst, frame, emit) {
                Ok(signal) => emitted = Some(signal),
                Err(failure) => {
                    r.report_failure(name, &failure);
                    result = Try::Failed(format!("its `emit signal` failed: {}", failure.error));
                }
            }
        }
        let retry = attempt - before <= policy.retries && policy.retries_on(&result) && !r.stopped();
        match result {
            Try::Succeeded(outputs) => {
                r.event(Some(name), StepState::Succeeded.as_str(), Some(attempt), None);
                let json = outputs_json(&outputs);
                let end = AttemptEnd {
                    attempt,
                    state: StepState::Succeeded.as_str(),
                    outputs: Some(&json),
                    message: None,
                    emitted: emitted.as_ref().map(|(n, p)| Emitted { name: n, payload: p }),
                };
                record_end(r, s, name, &end);
                return Attempt {
                    state: StepState::Succeeded,
                    attempts: attempt,
                    outputs: Some(Arc::new(outputs)),
                };
            }
            Try::Cancelled => return ended(r, s, name, attempt, StepState::Cancelled, None),
            Try::Failed(message) if !retry => {
                r.reporter.step_failed(name, attempt, &message);
                return ended(r, s, name, attempt, StepState::Failed, Some(&message));
            }
            Try::TimedOut if !retry => {
                r.reporter.step_failed(name, attempt, "timed out");
                return ended(r, s, name, attempt, StepState::TimedOut, Some("timed out"));
            }
            Try::Failed(message) => {
                note(r, s, name, attempt, StepState::Retrying, Some(&message));
                r.reporter
                    .step_retrying(name, attempt, &message, policy.delay(attempt - before));
            }
            Try::TimedOut => {
                note(r, s, name, attempt, StepState::Retrying, Some("timed out"));
                r.reporter
                    .step_retrying(name, attempt, "timed out", policy.delay(attempt - before));
            }
        }
        let mut cancel = r.cancel_receiver();
        tokio::select! {
            () = tokio::time::sleep(policy.delay(attempt - before)) => {}
            _ = cancel.wait_for(|c| *c) => return ended(r, s, name, attempt, StepState::Cancelled, None),
        }
    }
}

/// Logs and records how an attempt ended, without outputs.
fn note(r: &Runner<'_>, s: &IrStep, name: &str, attempt: u32, state: StepState, message: Option<&str>) {
    r.event(Some(name), state.as_str(), Some(attempt), message);
    let end = AttemptEnd {
        attempt,
        state: state.as_str(),
        outputs: None,
        message,
        emitted: None,
    };
    record_end(r, s, name, &end);
}

/// The end of a step instance that did not succeed.
fn ended(r: &Runner<'_>, s: &IrStep, name: &str, attempt: u32, state: StepState, message: Option<&str>) -> Attempt {
    note(r, s, name, attempt, state, message);
    Attempt {
        state,
        attempts: attempt,
        outputs: None,
    }
}

/// Whether a step runs a process (`run`, `exec`): only those attempts have log files.
fn runs_process(s: &IrStep) -> bool {
    matches!(s.action, Action::Run(_) | Action::Exec(_))
}

/// Whether a step does something outside `maestroc`; if not, its records can wait for the
/// next commit (see `Store::defer`).
fn has_effects(s: &IrStep) -> bool {
    !matches!(s.action, Action::None) || s.emit.is_some()
}

/// Records that an attempt starts (with the next commit: see `store/deferred.rs`).
fn record_start(r: &Runner<'_>, s: &IrStep, name: &str, attempt: u32, prefix: Option<&std::path::Path>) {
    if !has_effects(s) {
        return;
    }
    let prefix = prefix.map(|p| p.display().to_string());
    if let Err(e) = r.store.attempt_started(&r.run_id, name, attempt, prefix.as_deref()) {
        r.store_failed(&e);
    }
}

/// Commits how an attempt ended (its outputs and signal with it).
fn record_end(r: &Runner<'_>, s: &IrStep, name: &str, end: &AttemptEnd<'_>) {
    let written = if has_effects(s) {
        r.store.attempt_ended(&r.run_id, name, end)
    } else {
        r.store.defer(&r.run_id, name, end.state, end.attempt)
    };
    if let Err(e) = written {
        r.store_failed(&e);
    }
}

fn outputs_json(outputs: &[(String, Value)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        outputs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
    serde_json::Value::Object(map).to_string()
}

/// The name and payload (a JSON object of strings) of a step's `emit signal`.
fn signal_payload(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    frame: &Arc<Frame>,
    emit: &crate::ir::IrEmit,
) -> Result<(String, String), Failure> {
    let env = r.env(inst);
    let mut budget = r.budget();
    let name = eval::eval(&env, Some(frame), &emit.signal, &mut budget)?.to_text();
    let mut payload = serde_json::Map::new();
    for (key, expr) in &emit.fields {
        let value = eval::eval(&env, Some(frame), expr, &mut budget)?.to_text();
        payload.insert(key.clone(), serde_json::Value::String(value));
    }
    Ok((name, serde_json::Value::Object(payload).to_string()))
}

/// Where an attempt's files go: `logs/N-SLUG.ATTEMPT` (`logs/rE-N-SLUG.ATTEMPT` in the
/// `E`th resume of the run) + `.stdout.log`, `.stderr.log` and `.outputs`, all in one
/// directory made when the run starts (no directory per attempt: on a 10,000-step run those
/// were the runtime's costliest system calls). `N` numbers attempts in the order they start,
/// so names are unique (`a/b` and `a_b` never share files) and short however long or deeply
/// nested the instance name is. The run directory is absolute, and so is the prefix.
fn attempt_prefix(r: &Runner<'_>, name: &str, attempt: u32) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let epoch = match r.resume.epoch {
        0 => String::new(),
        e => format!("r{e}-"),
    };
    r.run_dir
        .join("logs")
        .join(format!("{epoch}{n}-{}.{attempt}", slug(name)))
}

/// `prefix` + `suffix`, as a path.
fn with_suffix(prefix: &std::path::Path, suffix: &str) -> PathBuf {
    let mut path = prefix.as_os_str().to_owned();
    path.push(suffix);
    PathBuf::from(path)
}

async fn attempt_once(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    s: &IrStep,
    frame: &Arc<Frame>,
    name: &str,
    attempt: u32,
    prefix: Option<&std::path::Path>,
) -> Try {
    match prepare_and_run(r, inst, s, frame, name, attempt, prefix).await {
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
    prefix: Option<&std::path::Path>,
) -> Result<Try, Failure> {
    let env = r.env(inst);
    let mut budget = r.budget();
    let program = match &s.action {
        Action::None => return Ok(Try::Succeeded(Vec::new())),
        Action::Wait { signal, filter, .. } => {
            let timeout = match &s.timeout {
                Some(t) => Some(Duration::from_millis(
                    u64::try_from(duration_of(r, inst, frame, t)?.max(0)).unwrap_or(0),
                )),
                None => None,
            };
            let what = super::wait::WaitFor {
                instance: name,
                signal,
                filter: filter.as_ref(),
                timeout,
            };
            return super::wait::wait(r, inst, s, frame, what).await;
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
            let forced = inst.forced || r.resume.forced.contains(&s.id);
            return Ok(super::call::run_call(r, *workflow, given, name, forced, s.span).await);
        }
        Action::Run(parts) => ProcessProgram::Shell(eval::render_command(&env, Some(frame), parts, &mut budget)?),
        Action::Exec(e) => {
            let argv = match eval::eval(&env, Some(frame), e, &mut budget)? {
                Value::List(items) => items.iter().map(Value::to_text).collect::<Vec<_>>(),
                other @ (Value::Int(_)
                | Value::Float(_)
                | Value::Bool(_)
                | Value::Str(_)
                | Value::Duration(_)
                | Value::Date(_)
                | Value::Map(_)
                | Value::Record(_)
                | Value::None) => vec![other.to_text()],
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
    if let Some(d) = &dir {
        match tokio::fs::metadata(d).await {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Ok(Try::Failed(format!("its `dir` {} is not a directory", d.display()))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Try::Failed(format!("its `dir` {} does not exist", d.display())));
            }
            Err(e) => return Ok(Try::Failed(format!("its `dir` {} cannot be used: {e}", d.display()))),
        }
    }
    let timeout = step_timeout(r, inst, s, frame)?;
    let prefix = prefix.map_or_else(|| attempt_prefix(r, name, attempt), std::path::Path::to_path_buf);
    let prefix = prefix.as_path();
    let outputs_path = with_suffix(prefix, ".outputs");
    vars.push(("MFLOW_RUN_ID".into(), r.run_id.clone()));
    vars.push(("MFLOW_STEP".into(), name.to_string()));
    vars.push(("MFLOW_ATTEMPT".into(), attempt.to_string()));
    vars.push(("MFLOW_OUTPUTS".into(), outputs_path.display().to_string()));
    let spec = Spec {
        program,
        env: vars,
        dir,
        stdout: with_suffix(prefix, ".stdout.log"),
        stderr: with_suffix(prefix, ".stderr.log"),
        timeout,
        grace: r.options.grace,
    };
    let place = match r.executor.kind() {
        Kind::Local => Placement::default(),
        Kind::Slurm => placement(r, inst, s, frame)?,
    };
    r.reporter.step_started(name);
    let at = AttemptRef {
        store: r.store,
        run_id: &r.run_id,
        run_dir: &r.run_dir,
        name,
        attempt,
        prefix,
    };
    let logs = [spec.stdout.clone(), spec.stderr.clone()];
    let finished = streamed(
        r,
        name,
        logs,
        Box::pin(r.executor.run(spec, &place, &at, r.cancel_receiver())),
    )
    .await;
    Ok(conclude(r, s, name, attempt, prefix, finished).await)
}

/// A step's `timeout`, evaluated.
fn step_timeout(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    s: &IrStep,
    frame: &Arc<Frame>,
) -> Result<Option<Duration>, Failure> {
    Ok(match &s.timeout {
        Some(t) => Some(Duration::from_millis(
            u64::try_from(duration_of(r, inst, frame, t)?.max(0)).unwrap_or(0),
        )),
        None => None,
    })
}

/// Waits for an attempt, streaming its logs line by line, prefixed by its name, when the
/// reporter shows output.
async fn streamed(
    r: &Runner<'_>,
    name: &str,
    logs: [PathBuf; 2],
    run: impl std::future::Future<Output = Finished>,
) -> Finished {
    if !r.reporter.streams() {
        return run.await;
    }
    let mut tail = Tail::new(logs.to_vec());
    tokio::pin!(run);
    let result = loop {
        tokio::select! {
            result = &mut run => break result,
            () = tokio::time::sleep(Duration::from_millis(100)) => tail.poll(&mut |line| r.reporter.step_output(name, line)),
        }
    };
    tail.finish(&mut |line| r.reporter.step_output(name, line));
    result
}

/// Takes up the job of an attempt a killed `maestroc` left behind, and concludes it like any
/// attempt.
async fn reattach_once(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    s: &IrStep,
    frame: &Arc<Frame>,
    name: &str,
    attempt: u32,
    job: &JobRow,
) -> Try {
    let timeout = match step_timeout(r, inst, s, frame) {
        Ok(t) => t,
        Err(failure) => {
            r.report_failure(name, &failure);
            return Try::Failed(failure.error.to_string());
        }
    };
    let prefix = PathBuf::from(&job.log_prefix);
    r.reporter.step_started(name);
    let at = AttemptRef {
        store: r.store,
        run_id: &r.run_id,
        run_dir: &r.run_dir,
        name,
        attempt,
        prefix: &prefix,
    };
    let logs = [with_suffix(&prefix, ".stdout.log"), with_suffix(&prefix, ".stderr.log")];
    let finished = streamed(
        r,
        name,
        logs,
        Box::pin(r.executor.reattach(job, timeout, &at, r.cancel_receiver())),
    )
    .await;
    conclude(r, s, name, attempt, &prefix, finished).await
}

/// What the cluster is asked for: the step's `image`, `resources` and profile, evaluated.
fn placement(r: &Runner<'_>, inst: &Instance<'_>, s: &IrStep, frame: &Arc<Frame>) -> Result<Placement, Failure> {
    let env = r.env(inst);
    let mut budget = r.budget();
    let mut place = Placement {
        profile: crate::runtime::executor::launch::step_profile(s).map(str::to_string),
        ..Placement::default()
    };
    if let Some(image) = &s.image {
        place.image = Some(eval::eval(&env, Some(frame), image, &mut budget)?.to_text());
    }
    for (key, expr) in &s.resources {
        let value = eval::eval(&env, Some(frame), expr, &mut budget)?;
        let bad = |what: &str| Failure {
            error: super::error::EvalError::Invalid(format!("`resources {{ {key} }}` must be {what}")),
            span: expr.span,
        };
        match key.as_str() {
            "cpu" | "cpus" => place.cpus = Some(count(&value).ok_or_else(|| bad("a whole number of at least 1"))?),
            "gpu" | "gpus" => place.gpus = Some(count(&value).ok_or_else(|| bad("a whole number of at least 1"))?),
            "memory" | "mem" => {
                let text = match &value {
                    Value::Int(mb) => format!("{mb}M"),
                    other @ (Value::Float(_)
                    | Value::Bool(_)
                    | Value::Str(_)
                    | Value::Duration(_)
                    | Value::Date(_)
                    | Value::List(_)
                    | Value::Map(_)
                    | Value::Record(_)
                    | Value::None) => other.to_text(),
                };
                place.memory = Some(
                    crate::runtime::executor::config::memory(&text)
                        .ok_or_else(|| bad("an amount of memory such as \"4Gi\" or \"512M\""))?,
                );
            }
            // Other needs are for other targets (`compile --target`): not Slurm's.
            _ => {}
        }
    }
    Ok(place)
}

/// A count of CPUs or GPUs: a positive int (a float is rounded up).
fn count(v: &Value) -> Option<u32> {
    match v {
        Value::Int(n) => u32::try_from(*n).ok().filter(|n| *n >= 1),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Value::Float(f) if *f >= 1.0 && *f <= f64::from(u32::MAX) => Some(f.ceil() as u32),
        Value::Float(_)
        | Value::Bool(_)
        | Value::Str(_)
        | Value::Duration(_)
        | Value::Date(_)
        | Value::List(_)
        | Value::Map(_)
        | Value::Record(_)
        | Value::None => None,
    }
}

/// How an attempt's end reads to the scheduler: its outputs when it exited 0.
async fn conclude(
    r: &Runner<'_>,
    s: &IrStep,
    name: &str,
    attempt: u32,
    prefix: &std::path::Path,
    finished: Finished,
) -> Try {
    let outputs_path = with_suffix(prefix, ".outputs");
    let ended = match finished {
        Finished::Ended(o) => o,
        Finished::Failed(message) => return Try::Failed(message),
    };
    if ended.leftovers > 0 {
        let message = format!(
            "warning: step `{name}` left {} process{} running after it ended; stopped {}",
            ended.leftovers,
            if ended.leftovers == 1 { "" } else { "es" },
            if ended.leftovers == 1 { "it" } else { "them" },
        );
        r.reporter.message(&message);
        r.event(Some(name), "warning", Some(attempt), Some(&message));
    }
    match ended.outcome {
        Outcome::Exited(0) => match outputs::read(outputs_path, &s.outputs, r.options.max_outputs_bytes).await {
            Ok(values) => Try::Succeeded(values),
            Err(e) => Try::Failed(e.to_string()),
        },
        Outcome::Exited(code) => Try::Failed(format!(
            "exited with status {code}{}",
            log_tail(&with_suffix(prefix, ".stderr.log")).await
        )),
        Outcome::Signaled(sig) => Try::Failed(format!("killed by signal {sig}")),
        Outcome::TimedOut => Try::TimedOut,
        Outcome::Cancelled => Try::Cancelled,
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs_are_short_readable_hints() {
        assert_eq!(slug("load[3]"), "load[3]");
        assert_eq!(slug("a/b"), "a+b");
        assert_eq!(slug("a b\u{e9}"), "a_b_");
        let long = "x".repeat(300) + "tail";
        assert_eq!(slug(&long).len(), 40);
        assert!(slug(&long).ends_with("tail"));
    }
}
