//! One run from start to end: run directory, event log, timeout, signals, result.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::error::RuntimeError;
use super::eval::{self, Failure};
use super::events::EventLog;
use super::frame::Frame;
use super::report::{Mode, Reporter};
use super::resume::Resume;
use super::scheduler::{Instance, Options, RunReport, Runner};
use super::state::RunState;
use super::value::Value;
use crate::base::source::SourceMap;
use crate::ir::{BindingId, Symbols as Program, WorkflowId};
use crate::ir::{Ir, IrStrategy, IrWorkflow};
use crate::store::admission::{Admission, Strategy};
use crate::store::lease::Lease;
use crate::store::runs::{NewRun, ParamChange, RunRow};
use crate::store::versions::Version;
use crate::store::{Durability, Store};

/// The directory holding run state: `$MFLOW_HOME`, else the nearest `.mflow/` with a
/// store in this directory or a parent, else `./.mflow` (see [`super::home::find`]); always
/// absolute (every path given to a step or recorded in the store is absolute).
#[must_use]
pub fn home() -> PathBuf {
    let env = std::env::var_os("MFLOW_HOME");
    match std::env::current_dir() {
        Ok(cwd) => super::home::find(env.as_deref(), &cwd),
        Err(_) => {
            let home = env.map_or_else(|| PathBuf::from(".mflow"), PathBuf::from);
            std::path::absolute(&home).unwrap_or(home)
        }
    }
}

/// A new run id: UTC time plus a few random hex digits, sortable by start time.
#[must_use]
pub fn new_run_id() -> String {
    let now = jiff::Timestamp::now();
    let nanos = now.subsec_nanosecond().unsigned_abs();
    let salt = (u64::from(nanos) ^ (u64::from(std::process::id()) << 20)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    format!("{}-{:06x}", now.strftime("%Y%m%dT%H%M%SZ"), salt >> 40)
}

/// What to run.
pub struct Launch<'a> {
    pub ir: &'a Ir,
    pub program: &'a Program,
    pub sources: &'a SourceMap,
    pub workflow: WorkflowId,
    pub params: HashMap<BindingId, Value>,
    /// The `.mflow` file as an absolute path: recorded so `resume` can find it again, and
    /// part of the key that groups runs of one workflow for its strategy.
    pub file: String,
    /// The definition run: every file loaded and the IR's hash (recorded with a new run,
    /// or with a resume that upgrades).
    pub version: Option<&'a Version>,
    /// The workflow's tags.
    pub tags: Vec<String>,
    /// Steps whose first instance pauses the run before it starts (`--break`).
    pub breakpoints: Vec<String>,
    /// The run a `maestroc restart` restarts.
    pub restarted_from: Option<String>,
}

/// A new run, or an earlier run taken up again.
pub enum Start {
    New,
    Resume(Box<Resumed>),
}

/// A run taken up again: its record, and what its step instances recorded.
pub struct Resumed {
    pub run: RunRow,
    pub resume: Resume,
    /// The launch params `resume -p` changed, recorded with the resume.
    pub changed: Vec<ParamChange>,
    /// `resume --upgrade`: the run moves to the launch's version.
    pub upgrade: bool,
}

/// How often a running or queued run looks for a cancel request in the store.
const CANCEL_POLL: Duration = Duration::from_millis(200);

/// Runs a workflow to the end and reports what happened. The run is recorded in the store
/// under `$MFLOW_HOME` from before it starts to after it ends.
pub fn execute(launch: &Launch<'_>, options: Options, mode: Mode, start: Start) -> Result<RunReport, RuntimeError> {
    let home = home();
    let store = Store::open(&home, Durability::from_env())?;
    let wf = launch.ir.workflow(launch.workflow);
    let (run_id, run_dir, resume, started_at, changed, upgrade) = match start {
        Start::New => {
            let id = new_run_id();
            let dir = home.join("runs").join(&id);
            (id, dir, None, None, Vec::new(), false)
        }
        Start::Resume(resumed) => {
            let Resumed {
                run,
                mut resume,
                changed,
                upgrade,
            } = *resumed;
            resume.epoch = run.resumes + 1;
            let started = run
                .started_at
                .as_deref()
                .and_then(|t| t.parse::<jiff::Timestamp>().ok());
            (
                run.run_id,
                PathBuf::from(run.run_dir),
                Some(resume),
                started,
                changed,
                upgrade,
            )
        }
    };
    let lease = Lease::acquire(&home, &run_id).map_err(|_| RuntimeError::Start {
        message: format!("run `{run_id}` is still running in another process"),
        help: Some(format!("stop it first with `maestroc cancel {run_id}`")),
    })?;
    std::fs::create_dir_all(run_dir.join("logs"))
        .map_err(|e| RuntimeError::start(format_args!("cannot create {}: {e}", run_dir.display())))?;
    let events = EventLog::append(&run_dir.join("events.jsonl")).map_err(RuntimeError::start)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| RuntimeError::start(format_args!("cannot start the runtime: {e}")))?;
    let resumed = resume.is_some();
    let resume = match resume {
        Some(mut r) => {
            // The latest job of each instance: a resume re-attaches to those still unfinished.
            r.jobs = store
                .jobs(&run_id, None)?
                .into_iter()
                .map(|j| (j.name.clone(), j))
                .collect();
            Some(r)
        }
        None => None,
    };
    let mut runner = Runner::new(
        launch.ir,
        launch.program,
        launch.sources,
        options,
        run_id.clone(),
        run_dir.clone(),
        events,
        Reporter::new(mode),
        &store,
        resume.unwrap_or_default(),
    );
    if let Some(t) = started_at {
        // `today()` is the date the run first started, however late it is resumed.
        runner.context.start = t;
    }
    runner.pause = super::pause::Pause::new(&launch.breakpoints);
    let runner = runner;
    // A long expression is evaluated without awaiting, so the run's own signal listener
    // cannot see a signal then: a watcher thread sets the flag every evaluation looks at.
    let watcher = Watcher::start(runner.interrupted.clone());
    // The launched instance (its params, consts and lets) exists before the run is
    // recorded, so settings that params decide are checked before anything runs (E0210).
    let instance = runner.instance(launch.workflow, launch.params.clone(), String::new(), false);
    if let Ok(inst) = &instance {
        if let Err(e) = super::settings::check(&runner, inst) {
            drop(watcher);
            lease.release();
            if !resumed {
                // Only what `execute` created: the new run's empty directory.
                let _ = std::fs::remove_dir_all(&run_dir);
            }
            return Err(e);
        }
    }
    let params = params_json(wf, &launch.params);
    // Runs of one workflow share a strategy: the workflow in its file.
    let key = format!("{}::{}", launch.file, wf.name);
    let breakpoints = serde_json::Value::from(launch.breakpoints.clone()).to_string();
    let tags = serde_json::Value::from(launch.tags.clone()).to_string();
    if resumed {
        if let (true, Some(version)) = (upgrade, launch.version) {
            store.upgrade_version(&run_id, version, &tags)?;
        }
        store.resume_run(&run_id, &params, &breakpoints, &changed)?;
    } else {
        store.create_run(&NewRun {
            run_id: &run_id,
            workflow: &wf.name,
            file: &launch.file,
            workflow_key: &key,
            params: &params,
            strategy: "parallel",
            run_dir: &run_dir.display().to_string(),
            tags: &tags,
            restarted_from: launch.restarted_from.as_deref(),
            breakpoints: &breakpoints,
            version: launch.version,
        })?;
    }
    store.set_executor(&run_id, runner.executor.kind().as_str())?;
    let started = Instant::now();
    let (state, outputs, refused) = runtime.block_on(async {
        // Installed once for the whole run: a signal between waiting in the queue and
        // running the body is not lost.
        let mut signals = Signals::install();
        let inst = match instance {
            Ok(inst) => inst,
            Err(failure) => {
                runner.report_failure(&wf.name, &failure);
                if runner.was_interrupted() {
                    runner
                        .reporter
                        .message("interrupted while evaluating the workflow's values; nothing ran");
                }
                return (interrupted_or(&runner, RunState::Failed), Vec::new(), None);
            }
        };
        if !resumed {
            let strategy = match strategy(&runner, &inst) {
                Ok(s) => s,
                Err(failure) => {
                    runner.report_failure(&wf.name, &failure);
                    return (RunState::Failed, Vec::new(), None);
                }
            };
            match admit(&runner, &key, strategy, &mut signals).await {
                Ok(()) => {}
                Err(Stop::Refused(why)) => return (RunState::Cancelled, Vec::new(), Some(why)),
                Err(Stop::Cancelled) => return (RunState::Cancelled, Vec::new(), None),
                Err(Stop::Store(e)) => {
                    runner.reporter.message(&format!("error: {e}"));
                    return (RunState::Failed, Vec::new(), None);
                }
            }
        }
        runner.reporter.run_started(&run_id, &wf.name, &run_dir);
        runner.event(None, RunState::Running.as_str(), None, None);
        // A run paused while it was queued starts paused.
        runner.poll_pause();
        let (state, outputs) = body(&runner, &inst, &mut signals).await;
        (state, outputs, None)
    });
    drop(watcher);
    if refused.is_none() {
        runner.event(None, state.as_str(), None, None);
    }
    runner.events.flush();
    let outputs_json = (state == RunState::Succeeded).then(|| {
        let map: serde_json::Map<String, serde_json::Value> =
            outputs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        serde_json::Value::Object(map).to_string()
    });
    let finished = store.flush().and_then(|()| match &refused {
        // A refused run was recorded as `cancelled`, with its reason, when it was refused.
        Some(_) => Ok(()),
        None => store.finish_run(&run_id, state.as_str(), outputs_json.as_deref(), None),
    });
    if let Err(e) = finished {
        runner
            .reporter
            .message(&format!("error: could not record the end of the run: {e}"));
    }
    lease.release();
    super::contain::release_pool();
    if refused.is_none() && state != RunState::Succeeded {
        not_run(&runner.reporter, &store, &run_id, state);
    }
    if refused.is_none() {
        runner.reporter.run_finished(&run_id, state.as_str(), started.elapsed());
    }
    drop(runner);
    Ok(RunReport {
        run_id,
        workflow: wf.name.clone(),
        state,
        outputs,
        run_dir,
        refused,
        store,
    })
}

/// Says which step instances of an ended run never ran (they are still `pending`), and why.
fn not_run(reporter: &super::report::Reporter, store: &Store, run_id: &str, state: RunState) {
    let filter = crate::store::views::InstanceFilter {
        state: Some("pending".into()),
        limit: Some(5),
        ..Default::default()
    };
    let Ok(n) = store.count_instances(run_id, &filter) else {
        return;
    };
    if n == 0 {
        return;
    }
    let names = store
        .each_instance(run_id, &filter, |rows| rows.map(|r| r.name).collect::<Vec<_>>())
        .unwrap_or_default();
    let why = super::result::instance_state("pending", state.as_str())
        .1
        .unwrap_or("not started");
    let more = if n > 5 {
        format!(" and {} more", n - 5)
    } else {
        String::new()
    };
    reporter.message_human(&format!("- {}{more} not run ({why})", names.join(", ")));
}

/// The launch params of a run by name, as recorded for `resume`.
pub fn params_json<S: std::hash::BuildHasher>(wf: &IrWorkflow, given: &HashMap<BindingId, Value, S>) -> String {
    let map: serde_json::Map<String, serde_json::Value> = wf
        .params
        .iter()
        .filter_map(|p| given.get(&p.binding).map(|v| (p.name.clone(), v.to_json())))
        .collect();
    serde_json::Value::Object(map).to_string()
}

/// The workflow's `strategy`, evaluated (`parallel` without a bound when it has none).
fn strategy(runner: &Runner<'_>, inst: &Instance<'_>) -> Result<Strategy, Failure> {
    Ok(match &inst.wf.settings.strategy {
        None | Some(IrStrategy::Parallel(None)) => Strategy::Parallel(None),
        Some(IrStrategy::Parallel(Some(n))) => {
            let mut budget = runner.budget();
            match eval::eval(&runner.env(inst), None, n, &mut budget)? {
                Value::Int(n) => Strategy::Parallel(Some(u64::try_from(n.max(1)).unwrap_or(1))),
                Value::Float(_)
                | Value::Bool(_)
                | Value::Str(_)
                | Value::Duration(_)
                | Value::Date(_)
                | Value::List(_)
                | Value::Map(_)
                | Value::Record(_)
                | Value::None => Strategy::Parallel(None),
            }
        }
        Some(IrStrategy::Sequential) => Strategy::Sequential,
        Some(IrStrategy::StrictSequential) => Strategy::StrictSequential,
        Some(IrStrategy::FirstOnly) => Strategy::FirstOnly,
        Some(IrStrategy::LastOnly) => Strategy::LastOnly,
    })
}

/// Why a queued run did not start.
enum Stop {
    Refused(String),
    Cancelled,
    Store(crate::store::StoreError),
}

/// Waits until the workflow's strategy lets this run start (docs/store.md, "Strategies across processes").
async fn admit(runner: &Runner<'_>, key: &str, strategy: Strategy, signals: &mut Signals) -> Result<(), Stop> {
    let mut said = String::new();
    loop {
        match runner.store.admit(&runner.run_id, key, strategy).map_err(Stop::Store)? {
            Admission::Start => return Ok(()),
            Admission::Refuse(why) => {
                runner
                    .reporter
                    .message(&format!("error: run `{}` refused: {why}", runner.run_id));
                return Err(Stop::Refused(why));
            }
            Admission::Wait(why) => {
                if why != said {
                    runner
                        .reporter
                        .message(&format!("run `{}` waits: {why}", runner.run_id));
                    said = why;
                }
            }
        }
        tokio::select! {
            () = tokio::time::sleep(CANCEL_POLL) => {}
            _ = signals.next() => return Err(Stop::Cancelled),
        }
        if runner.store.cancel_requested(&runner.run_id).unwrap_or(false) {
            runner.reporter.message("cancelled while queued");
            return Err(Stop::Cancelled);
        }
    }
}

/// Runs the workflow's body under its timeout, signals and cancel requests, then its outputs.
async fn body(runner: &Runner<'_>, inst: &Instance<'_>, signals: &mut Signals) -> (RunState, Vec<(String, Value)>) {
    let wf = inst.wf;
    let timeout = match &wf.settings.timeout {
        Some(t) => {
            let mut budget = runner.budget();
            match eval::eval(&runner.env(inst), None, t, &mut budget) {
                Ok(Value::Duration(ms)) => Some(Duration::from_millis(u64::try_from(ms.max(0)).unwrap_or(0))),
                Ok(_) => None,
                Err(failure) => {
                    runner.report_failure(&wf.name, &failure);
                    return (RunState::Failed, Vec::new());
                }
            }
        }
        None => None,
    };
    let root = Arc::new(Frame::new(None, Vec::new(), wf.body.graph.node_count(), String::new()));
    let body = runner.run_body(inst, &wf.body, root.clone());
    tokio::pin!(body);
    let deadline = tokio::time::sleep(timeout.unwrap_or(Duration::from_secs(u64::MAX / 4)));
    tokio::pin!(deadline);
    let mut poll = tokio::time::interval(CANCEL_POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut interrupt: Option<RunState> = None;
    let ok = loop {
        tokio::select! {
            ok = &mut body => break ok,
            () = &mut deadline, if interrupt.is_none() && timeout.is_some() => {
                // The first cause wins: a run already failing (`fail_fast` stopping its
                // steps) that runs past its timeout is failed, not timed out.
                interrupt = Some(if runner.has_failed() {
                    RunState::Failed
                } else {
                    runner.reporter.message(&format!("run timed out after {:.1}s; stopping its steps", timeout.unwrap_or_default().as_secs_f64()));
                    RunState::TimedOut
                });
                runner.cancel_all();
            }
            what = signals.next(), if interrupt.is_none() => {
                runner.reporter.message(&format!("{what}; stopping running steps"));
                interrupt = Some(RunState::Cancelled);
                runner.cancel_all();
            }
            _ = poll.tick(), if interrupt.is_none() => {
                // Starts of attempts become visible to `runs show` within one tick.
                if let Err(e) = runner.store.flush() {
                    runner.store_failed(&e);
                }
                if runner.store.cancel_requested(&runner.run_id).unwrap_or(false) {
                    runner.reporter.message("cancel requested from another process; stopping running steps");
                    interrupt = Some(RunState::Cancelled);
                    runner.cancel_all();
                }
                runner.poll_pause();
            }
        }
    };
    if let Some(state) = interrupt {
        return (state, Vec::new());
    }
    if runner.was_interrupted() {
        // The signal stopped an evaluation before the listener above saw it.
        runner.reporter.message("interrupted; stopping running steps");
        return (RunState::Cancelled, Vec::new());
    }
    if !ok || runner.has_failed() {
        return (RunState::Failed, Vec::new());
    }
    let mut outputs = Vec::with_capacity(wf.outputs.len());
    for output in &wf.outputs {
        let mut budget = runner.budget();
        match eval::eval(&runner.env(inst), Some(&root), &output.value, &mut budget) {
            Ok(v) => outputs.push((output.name.clone(), v)),
            Err(failure) => {
                runner.report_failure(&wf.name, &failure);
                return (RunState::Failed, Vec::new());
            }
        }
    }
    (RunState::Succeeded, outputs)
}

/// `state`, or `cancelled` when SIGINT/SIGTERM stopped the evaluation that failed.
fn interrupted_or(runner: &Runner<'_>, state: RunState) -> RunState {
    if runner.was_interrupted() {
        RunState::Cancelled
    } else {
        state
    }
}

/// A thread that sets a flag on SIGINT or SIGTERM while the run lasts (the run's own
/// listener, [`Signals`], hears the same signals).
struct Watcher {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Watcher {
    fn start(flag: Arc<std::sync::atomic::AtomicBool>) -> Self {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("maestroc-signals".into())
            .spawn(move || {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                rt.block_on(async move {
                    let mut signals = Signals::install();
                    tokio::select! {
                        _ = signals.next() => flag.store(true, std::sync::atomic::Ordering::SeqCst),
                        _ = stopped => {}
                    }
                });
            })
            .ok();
        Self {
            stop: Some(stop),
            thread,
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// SIGINT, SIGTERM and SIGHUP (the terminal closed: handled like SIGTERM), listened to
/// for the whole run.
struct Signals {
    interrupt: Option<tokio::signal::unix::Signal>,
    terminate: Option<tokio::signal::unix::Signal>,
    hangup: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Self {
        use tokio::signal::unix::{signal, SignalKind};
        Self {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
            hangup: signal(SignalKind::hangup()).ok(),
        }
    }

    /// The next SIGINT or SIGTERM, named as the user sees it.
    async fn next(&mut self) -> &'static str {
        async fn one(signal: &mut Option<tokio::signal::unix::Signal>) {
            if let Some(s) = signal {
                if s.recv().await.is_some() {
                    return;
                }
            }
            std::future::pending::<()>().await;
        }
        tokio::select! {
            () = one(&mut self.interrupt) => "interrupted",
            () = one(&mut self.terminate) => "terminated",
            () = one(&mut self.hangup) => "hung up",
        }
    }
}

impl RunReport {
    /// Writes the result object (docs/cli.md, "Runs"), read from the store as it is written.
    pub fn write_json(&self, out: &mut impl std::io::Write) -> std::io::Result<()> {
        let run = self.store.run(&self.run_id).map_err(std::io::Error::other)?;
        super::result::write(&self.store, &run, out)
    }
}
