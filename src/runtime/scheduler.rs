//! The scheduler: runs a workflow's body graph on tokio, instantiating loop bodies per
//! iteration, bounding concurrency, retrying, and applying failure modes.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{FuturesUnordered, StreamExt as _};
use tokio::sync::{watch, Semaphore};

use super::builtins::EvalContext;
use super::eval::{self, Env, Failure, Locations};
use super::events::{now_ms, Event, EventLog};
use super::frame::{Frame, NodeResult, StepResult};
use super::limits::{Budget, Limits};
use super::report::Reporter;
use super::resume::Resume;
use super::state::{RunState, StepState};
use super::step::{self, Attempt};
use super::value::Value;
use crate::base::source::SourceMap;
use crate::ir::FailureMode;
use crate::ir::{Action, Body, Ir, IrWorkflow, Node};
use crate::ir::{BindingId, Symbols as Program, WorkflowId};
use crate::store::Store;

/// How a run is carried out.
#[derive(Debug, Clone)]
pub struct Options {
    /// At most this many steps running at once in the whole run (`--max-parallel`).
    pub max_parallel: Option<usize>,
    pub limits: Limits,
    /// Grace period between SIGTERM and SIGKILL when a step is stopped.
    pub grace: Duration,
    /// The most bytes read from a step's `$MFLOW_OUTPUTS` (`--max-outputs-size`).
    pub max_outputs_bytes: u64,
    /// Where step attempts run (`--executor`, settings from `mflow.toml`).
    pub executor: super::executor::Choice,
}

/// What a finished run reports.
pub struct RunReport {
    pub run_id: String,
    pub workflow: String,
    pub state: RunState,
    pub outputs: Vec<(String, Value)>,
    pub run_dir: PathBuf,
    /// Why the run's strategy refused it (`first_only`), if it did.
    pub refused: Option<String>,
    /// The store the run was recorded in: its result object is read from there.
    pub store: Store,
}

/// Shared state of one run.
pub(super) struct Runner<'a> {
    pub ir: &'a Ir,
    pub program: &'a Program,
    pub sources: &'a SourceMap,
    pub locations: Locations,
    pub context: EvalContext,
    pub options: Options,
    pub run_id: String,
    pub run_dir: PathBuf,
    pub events: EventLog,
    pub reporter: Reporter,
    /// Where every state change is committed.
    pub store: &'a Store,
    /// What an earlier run of this run id recorded (empty for a new run).
    pub resume: Resume,
    max_parallel: Option<Semaphore>,
    /// Set when no new step may start (a failure under `fail_after_running`, a cancel).
    stop: AtomicBool,
    /// Set when running steps must be stopped too (`fail_fast`, timeout, signal).
    cancel: watch::Sender<bool>,
    failed: AtomicBool,
    /// Step instances created so far, called workflows included (`--max-instances`).
    instances: AtomicU64,
    /// Set once the instance limit was reported, so it is reported once.
    instances_reported: AtomicBool,
    /// Set by SIGINT/SIGTERM from another thread: a long evaluation stops (`Budget`).
    pub interrupted: Arc<AtomicBool>,
    /// Paused (`maestroc pause`, `--break`): no new step instance starts.
    pub(super) pause: super::pause::Pause,
    /// Starts, observes and stops step attempts (`local`, `slurm`).
    pub executor: super::executor::Executor,
}

/// One running instance of a workflow (the launched one, or one called by a step).
pub(super) struct Instance<'a> {
    pub wf: &'a IrWorkflow,
    pub globals: HashMap<BindingId, Value>,
    concurrency: Option<Semaphore>,
    /// Prefix of step instance names (`call_step/` for a called workflow).
    pub prefix: String,
    /// Every step of this instance runs again on resume (its `call` step was `--from`'d).
    pub forced: bool,
}

/// Why the run ended early, if it did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Interrupt {
    TimedOut,
    Cancelled,
}

impl<'a> Runner<'a> {
    #[allow(clippy::too_many_arguments)] // one run's parts, assembled once in `run::execute`
    pub(super) fn new(
        ir: &'a Ir,
        program: &'a Program,
        sources: &'a SourceMap,
        options: Options,
        run_id: String,
        run_dir: PathBuf,
        events: EventLog,
        reporter: Reporter,
        store: &'a Store,
        resume: Resume,
    ) -> Self {
        let mut locations = Locations::default();
        for wf in &ir.workflows {
            index_body(&wf.body, &mut locations);
        }
        let max_parallel = options.max_parallel.map(Semaphore::new);
        let (cancel, _) = watch::channel(false);
        let executor = super::executor::Executor::new(&options.executor);
        Self {
            ir,
            program,
            sources,
            locations,
            context: EvalContext::capture(),
            options,
            run_id,
            run_dir,
            events,
            reporter,
            store,
            resume,
            max_parallel,
            stop: AtomicBool::new(false),
            cancel,
            failed: AtomicBool::new(false),
            instances: AtomicU64::new(0),
            instances_reported: AtomicBool::new(false),
            interrupted: Arc::new(AtomicBool::new(false)),
            pause: super::pause::Pause::new(&[]),
            executor,
        }
    }

    /// Counts `n` more step instances; false (and the run stops, reported once) when that
    /// passes `--max-instances`.
    pub(super) fn count_instances(&self, n: u64, what: &str, span: crate::base::span::Span) -> bool {
        let limit = self.options.limits.max_instances;
        let before = self.instances.fetch_add(n, Ordering::SeqCst);
        if before.saturating_add(n) <= limit {
            return true;
        }
        self.instances.fetch_sub(n, Ordering::SeqCst);
        self.too_many_instances(what, "the instance past the limit", span);
        false
    }

    /// Whether `n` more step instances would pass `--max-instances` (checked before a loop
    /// expands, when its size is known); reported once when they would.
    pub(super) fn room_for_instances(&self, n: u64, what: &str, span: crate::base::span::Span) -> bool {
        let used = self.instances.load(Ordering::SeqCst);
        if used.saturating_add(n) <= self.options.limits.max_instances {
            return true;
        }
        self.too_many_instances(what, &format!("{n} step instances at least"), span);
        false
    }

    fn too_many_instances(&self, what: &str, label: &str, span: crate::base::span::Span) {
        self.mark_failed();
        self.stop_starting();
        if !self.instances_reported.swap(true, Ordering::SeqCst) {
            self.reporter.error(
                self.sources,
                super::error::RuntimeError::TooManyInstances {
                    what: what.to_string(),
                    limit: self.options.limits.max_instances,
                    span,
                    label: label.to_string(),
                },
            );
        }
    }

    /// Whether SIGINT or SIGTERM arrived.
    pub(super) fn was_interrupted(&self) -> bool {
        self.interrupted.load(Ordering::SeqCst)
    }

    pub(super) fn env<'e>(&'e self, inst: &'e Instance<'_>) -> Env<'e> {
        Env {
            ir: self.ir,
            program: self.program,
            globals: &inst.globals,
            locations: &self.locations,
            context: &self.context,
        }
    }

    pub(super) fn budget(&self) -> Budget {
        Budget::interruptible(&self.options.limits, self.interrupted.clone())
    }

    pub(super) fn stopped(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    pub(super) fn cancel_receiver(&self) -> watch::Receiver<bool> {
        self.cancel.subscribe()
    }

    /// Stops starting new steps and stops running ones.
    pub(super) fn cancel_all(&self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = self.cancel.send(true);
    }

    /// No new step may start (`fail_after_running`).
    pub(super) fn stop_starting(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    pub(super) fn mark_failed(&self) {
        self.failed.store(true, Ordering::SeqCst);
    }

    /// A write to the run store failed: the run cannot promise to be resumable, so it stops.
    pub(super) fn store_failed(&self, error: &crate::store::StoreError) {
        self.reporter.message(&format!("error: {error}; stopping the run"));
        self.mark_failed();
        self.cancel_all();
    }

    pub(super) fn has_failed(&self) -> bool {
        self.failed.load(Ordering::SeqCst)
    }

    pub(super) fn event(&self, step: Option<&str>, state: &'static str, attempt: Option<u32>, message: Option<&str>) {
        self.events.record(&Event {
            ts: now_ms(),
            kind: if step.is_some() { "step" } else { "run" },
            step,
            state,
            attempt,
            message,
        });
    }

    /// Reports a failed evaluation with its span in the `.mflow` file (an evaluation
    /// stopped by SIGINT/SIGTERM is not an error of the expression: the run is cancelled).
    pub(super) fn report_failure(&self, instance: &str, failure: &Failure) {
        if failure.error == super::error::EvalError::Interrupted {
            self.cancel_all();
            return;
        }
        self.reporter.eval_error(self.sources, instance, failure);
    }

    /// Starts an instance of workflow `id` with launch values for its params.
    pub(super) fn instance(
        &self,
        id: WorkflowId,
        given: HashMap<BindingId, Value>,
        prefix: String,
        forced: bool,
    ) -> Result<Instance<'a>, Failure> {
        let ir: &'a Ir = self.ir;
        let wf = ir.workflow(id);
        let mut inst = Instance {
            wf,
            globals: given,
            concurrency: None,
            prefix,
            forced,
        };
        for init in &wf.init {
            if init.kind == crate::ir::InitKind::ParamDefault && inst.globals.contains_key(&init.binding) {
                continue;
            }
            let mut budget = self.budget();
            let value = eval::eval(&self.env(&inst), None, &init.value, &mut budget)?;
            inst.globals.insert(init.binding, value);
        }
        if let Some(c) = &wf.settings.concurrency {
            let mut budget = self.budget();
            if let Value::Int(n) = eval::eval(&self.env(&inst), None, c, &mut budget)? {
                inst.concurrency = Some(Semaphore::new(usize::try_from(n.max(1)).unwrap_or(1)));
            }
        }
        Ok(inst)
    }

    /// Runs a body instance; true when nothing in it failed (ignored failures aside).
    pub(super) async fn run_body(&self, inst: &Instance<'_>, body: &Body, frame: Arc<Frame>) -> bool {
        let n = body.graph.node_count();
        let mut waiting = vec![0usize; n];
        for e in body.graph.edge_indices() {
            if let Some((_, b)) = body.graph.edge_endpoints(e) {
                waiting[b.index()] += 1;
            }
        }
        let mut ready: VecDeque<usize> = (0..n).filter(|i| waiting[*i] == 0).collect();
        let mut started = vec![false; n];
        let mut running = FuturesUnordered::new();
        let mut ok = true;
        loop {
            while let Some(i) = ready.pop_front() {
                if self.stopped() {
                    continue;
                }
                started[i] = true;
                let frame = frame.clone();
                running.push(async move { (i, Box::pin(self.run_node(inst, body, i, frame)).await) });
            }
            let Some((i, satisfied)) = running.next().await else {
                break;
            };
            // A node that needed no process finished without waiting: give the run's
            // signal, timeout and cancel handling a turn, so loops of no-op steps stop.
            tokio::task::yield_now().await;
            if !satisfied {
                ok = false;
                continue;
            }
            for next in body.graph.neighbors(petgraph::graph::NodeIndex::new(i)) {
                let j = next.index();
                waiting[j] -= 1;
                if waiting[j] == 0 {
                    ready.push_back(j);
                }
            }
        }
        for (i, was_started) in started.iter().enumerate() {
            if !was_started {
                ok = false;
                self.record_not_started(inst, &body.graph[petgraph::graph::NodeIndex::new(i)], &frame);
            }
        }
        ok
    }

    fn record_not_started(&self, inst: &Instance<'_>, node: &Node, frame: &Frame) {
        if let Node::Step(s) = node {
            let name = format!("{}{}{}", inst.prefix, s.name, frame.suffix);
            if self.resume.skipped(&name, s.id, inst.forced) {
                // An operator's skip stays for the next resume.
                return;
            }
            if let Err(e) = self.store.defer(&self.run_id, &name, StepState::Pending.as_str(), 0) {
                self.store_failed(&e);
            }
        }
    }

    /// Runs one node of a body instance; true when its dependents may run.
    async fn run_node(&self, inst: &Instance<'_>, body: &Body, i: usize, frame: Arc<Frame>) -> bool {
        let node = &body.graph[petgraph::graph::NodeIndex::new(i)];
        let (result, satisfied) = match node {
            Node::Step(s) => {
                let result = self.run_step(inst, s, &frame).await;
                // A step skipped by `maestroc skip` lets its dependents go on.
                let satisfied = matches!(result.state, StepState::Succeeded | StepState::Skipped)
                    || (s.on_failure == FailureMode::Ignore
                        && matches!(result.state, StepState::Failed | StepState::TimedOut));
                (NodeResult::Step(result), satisfied)
            }
            Node::Foreach(f) => {
                let (frames, ok) = super::loops::run_foreach(self, inst, f, &frame).await;
                (NodeResult::Loop(frames), ok)
            }
            Node::While(w) => {
                let (frames, ok) = super::loops::run_while(self, inst, w, &frame).await;
                (NodeResult::Loop(frames), ok)
            }
            Node::If(x) => {
                let (taken, ok) = super::loops::run_if(self, inst, x, &frame).await;
                (NodeResult::Branch(taken), ok)
            }
        };
        let _ = frame.nodes[i].set(result);
        satisfied
    }

    async fn run_step(&self, inst: &Instance<'_>, s: &crate::ir::IrStep, frame: &Arc<Frame>) -> StepResult {
        let name = format!("{}{}{}", inst.prefix, s.name, frame.suffix);
        if let Some(result) = self.reuse(inst, s, &name) {
            return result;
        }
        if !self.count_instances(1, &format!("step `{name}`"), s.span) {
            if let Err(e) = self.store.defer(&self.run_id, &name, StepState::Failed.as_str(), 0) {
                self.store_failed(&e);
            }
            return StepResult {
                state: StepState::Failed,
                outputs: None,
            };
        }
        let needs_slot = !matches!(s.action, Action::None | Action::Call { .. } | Action::Wait { .. });
        let permits = if needs_slot {
            let mut cancel = self.cancel_receiver();
            let acquire = async {
                let a = match &inst.concurrency {
                    Some(sem) => sem.acquire().await.ok(),
                    None => None,
                };
                let b = match &self.max_parallel {
                    Some(sem) => sem.acquire().await.ok(),
                    None => None,
                };
                (a, b)
            };
            tokio::select! {
                permits = acquire => Some(permits),
                _ = cancel.wait_for(|c| *c) => None,
            }
        } else {
            Some((None, None))
        };
        // The one admission point of new instances: a paused run (or a breakpoint on this
        // step) holds them here, after their slot, so none slips past a pause while it
        // waited for a slot.
        let permits = match permits {
            Some(p) if self.wait_unpaused(&s.name, &name).await => Some(p),
            Some(_) | None => None,
        };
        if permits.is_none() || self.stopped() {
            if let Err(e) = self.store.defer(&self.run_id, &name, StepState::Cancelled.as_str(), 0) {
                self.store_failed(&e);
            }
            return StepResult {
                state: StepState::Cancelled,
                outputs: None,
            };
        }
        let started = Instant::now();
        let Attempt {
            state,
            attempts,
            outputs,
        } = step::run(self, inst, s, frame, &name).await;
        if matches!(state, StepState::Failed | StepState::TimedOut) && s.on_failure != FailureMode::Ignore {
            self.mark_failed();
            match s.on_failure {
                FailureMode::FailFast => self.cancel_all(),
                FailureMode::FailAfterRunning | FailureMode::Ignore => self.stop_starting(),
            }
        }
        // A `wait signal` step's end is shown like a process's: someone was waiting on it.
        let shown = needs_slot || matches!(s.action, Action::Wait { .. });
        self.reporter
            .step_done(&name, state, attempts, started.elapsed(), needs_slot, shown);
        StepResult { state, outputs }
    }

    /// Records every step of a body as skipped (an untaken branch).
    pub(super) fn skip_body(&self, inst: &Instance<'_>, body: &Body, suffix: &str) {
        let mut names = Vec::new();
        skipped_names(inst, body, suffix, &mut names);
        for name in names {
            if let Err(e) = self.store.defer(&self.run_id, &name, StepState::Skipped.as_str(), 0) {
                self.store_failed(&e);
            }
            self.event(Some(&name), StepState::Skipped.as_str(), None, None);
        }
    }

    /// On resume, the recorded result of a step instance that already succeeded.
    fn reuse(&self, inst: &Instance<'_>, s: &crate::ir::IrStep, name: &str) -> Option<StepResult> {
        if self.resume.skipped(name, s.id, inst.forced) {
            self.reporter.message(&format!("{name}: skipped (by `maestroc skip`)"));
            return Some(StepResult {
                state: StepState::Skipped,
                outputs: None,
            });
        }
        let row = self.resume.reusable(name, s.id, inst.forced)?;
        let json: serde_json::Value = serde_json::from_str(row.outputs.as_deref().unwrap_or("{}")).ok()?;
        let declared: Vec<(String, crate::ir::Type)> = match &s.action {
            Action::Call { workflow, .. } => self
                .ir
                .workflow(*workflow)
                .outputs
                .iter()
                .map(|o| (o.name.clone(), o.ty.clone()))
                .collect(),
            Action::None | Action::Run(_) | Action::Exec(_) | Action::Sleep(_) | Action::Wait { .. } => {
                s.outputs.clone()
            }
        };
        let mut outputs = Vec::with_capacity(declared.len());
        for (out, ty) in &declared {
            // A missing or changed output (the file was edited) means the step runs again.
            outputs.push((out.clone(), Value::from_json(json.get(out)?, ty).ok()?));
        }
        let outputs = Some(Arc::new(outputs));
        self.reporter.step_reused(name);
        Some(StepResult {
            state: StepState::Succeeded,
            outputs,
        })
    }
}

/// The instance names of every step in a body and its nested `if`s (loops inside an untaken
/// branch never instantiate, so they have no instances).
fn skipped_names(inst: &Instance<'_>, body: &Body, suffix: &str, out: &mut Vec<String>) {
    for node in body.graph.node_weights() {
        match node {
            Node::Step(s) => out.push(format!("{}{}{}", inst.prefix, s.name, suffix)),
            Node::If(x) => {
                for b in &x.branches {
                    skipped_names(inst, &b.body, suffix, out);
                }
                if let Some(e) = &x.else_body {
                    skipped_names(inst, e, suffix, out);
                }
            }
            Node::Foreach(_) | Node::While(_) => {}
        }
    }
}

fn index_body(body: &Body, locations: &mut Locations) {
    for idx in body.graph.node_indices() {
        match &body.graph[idx] {
            Node::Step(s) => {
                locations.steps.insert(s.id, idx.index());
            }
            Node::Foreach(f) => {
                locations.scopes.insert(f.id.0, idx.index());
                index_body(&f.body, locations);
            }
            Node::While(w) => {
                locations.scopes.insert(w.id.0, idx.index());
                index_body(&w.body, locations);
            }
            Node::If(x) => {
                locations.scopes.insert(x.id.0, idx.index());
                for b in &x.branches {
                    index_body(&b.body, locations);
                }
                if let Some(e) = &x.else_body {
                    index_body(e, locations);
                }
            }
        }
    }
}
