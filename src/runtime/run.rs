//! One run from start to end: run directory, event log, timeout, signals, result.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::eval;
use super::events::EventLog;
use super::frame::Frame;
use super::report::{Mode, Reporter};
use super::scheduler::{Options, RunReport, Runner};
use super::state::RunState;
use super::value::Value;
use crate::check::{BindingId, Program, WorkflowId};
use crate::ir::Ir;
use crate::source::SourceMap;

/// The directory holding run state: `$MFLOW_HOME`, else `./.mflow`.
#[must_use]
pub fn home() -> PathBuf {
    std::env::var_os("MFLOW_HOME").map_or_else(|| PathBuf::from(".mflow"), PathBuf::from)
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
}

/// Runs a workflow to the end and reports what happened.
pub fn execute(launch: &Launch<'_>, options: Options, mode: Mode) -> std::io::Result<RunReport> {
    let run_id = new_run_id();
    let run_dir = home().join("runs").join(&run_id);
    std::fs::create_dir_all(&run_dir)?;
    let events = EventLog::create(&run_dir.join("events.jsonl"))?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let reporter = Reporter::new(mode);
    let wf = launch.ir.workflow(launch.workflow);
    let runner = Runner::new(
        launch.ir,
        launch.program,
        launch.sources,
        options,
        run_id.clone(),
        run_dir.clone(),
        events,
        reporter,
    );
    let started = Instant::now();
    runner.reporter.run_started(&run_id, &wf.name, &run_dir);
    runner.event(None, RunState::Running.as_str(), None, None);
    let (state, outputs) = runtime.block_on(async {
        let inst = match runner.instance(launch.workflow, launch.params.clone(), String::new()) {
            Ok(inst) => inst,
            Err(failure) => {
                runner.report_failure(&wf.name, &failure);
                return (RunState::Failed, Vec::new());
            }
        };
        let timeout = match &wf.settings.timeout {
            Some(t) => {
                let mut budget = runner.budget();
                match eval::eval(&runner.env(&inst), None, t, &mut budget) {
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
        let body = runner.run_body(&inst, &wf.body, root.clone());
        tokio::pin!(body);
        let deadline = tokio::time::sleep(timeout.unwrap_or(Duration::from_secs(u64::MAX / 4)));
        tokio::pin!(deadline);
        let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
        let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let mut interrupt: Option<RunState> = None;
        let ok = loop {
            tokio::select! {
                ok = &mut body => break ok,
                () = &mut deadline, if interrupt.is_none() && timeout.is_some() => {
                    runner.reporter.message(&format!("run timed out after {:.1}s; stopping its steps", timeout.unwrap_or_default().as_secs_f64()));
                    interrupt = Some(RunState::TimedOut);
                    runner.cancel_all();
                }
                Some(()) = recv(&mut sigint), if interrupt.is_none() => {
                    runner.reporter.message("interrupted; stopping running steps");
                    interrupt = Some(RunState::Cancelled);
                    runner.cancel_all();
                }
                Some(()) = recv(&mut sigterm), if interrupt.is_none() => {
                    runner.reporter.message("terminated; stopping running steps");
                    interrupt = Some(RunState::Cancelled);
                    runner.cancel_all();
                }
            }
        };
        if let Some(state) = interrupt {
            return (state, Vec::new());
        }
        if !ok || runner.has_failed() {
            return (RunState::Failed, Vec::new());
        }
        let mut outputs = Vec::with_capacity(wf.outputs.len());
        for output in &wf.outputs {
            let mut budget = runner.budget();
            match eval::eval(&runner.env(&inst), Some(&root), &output.value, &mut budget) {
                Ok(v) => outputs.push((output.name.clone(), v)),
                Err(failure) => {
                    runner.report_failure(&wf.name, &failure);
                    return (RunState::Failed, Vec::new());
                }
            }
        }
        (RunState::Succeeded, outputs)
    });
    runner.event(None, state.as_str(), None, None);
    runner.events.flush();
    runner.reporter.run_finished(state.as_str(), started.elapsed());
    Ok(RunReport {
        run_id,
        workflow: wf.name.clone(),
        state,
        outputs,
        steps: runner.take_records(),
        run_dir,
    })
}

async fn recv(signal: &mut Option<tokio::signal::unix::Signal>) -> Option<()> {
    match signal {
        Some(s) => s.recv().await,
        None => std::future::pending().await,
    }
}

impl RunReport {
    /// The result object of LANGUAGE.md §10.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        let outputs: serde_json::Map<String, serde_json::Value> =
            self.outputs.iter().map(|(k, v)| (k.clone(), v.to_json())).collect();
        let mut steps = serde_json::Map::new();
        for record in &self.steps {
            let outs: serde_json::Value = match &record.outputs {
                Some(o) => o
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect::<serde_json::Map<_, _>>()
                    .into(),
                None => serde_json::Value::Null,
            };
            steps.insert(
                record.name.clone(),
                serde_json::json!({
                    "state": record.state.as_str(),
                    "attempts": record.attempts,
                    "outputs": outs,
                }),
            );
        }
        serde_json::json!({
            "run_id": self.run_id,
            "workflow": self.workflow,
            "state": self.state.as_str(),
            "outputs": outputs,
            "steps": steps,
        })
    }
}
