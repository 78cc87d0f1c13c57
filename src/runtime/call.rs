//! Running a subworkflow for a `call` step: the callee's outputs become the step's.

use std::collections::HashMap;
use std::sync::Arc;

use super::error::RuntimeError;
use super::eval;
use super::frame::Frame;
use super::scheduler::Runner;
use super::step::Try;
use super::value::Value;
use crate::base::span::Span;
use crate::ir::{BindingId, WorkflowId};

/// Workflows nested at most this deep at run time (the checker's bound,
/// `check::depth::MAX_WORKFLOW_DEPTH`, is lower).
pub const MAX_CALL_DEPTH: usize = 128;

pub(super) async fn run_call(
    r: &Runner<'_>,
    workflow: WorkflowId,
    given: HashMap<BindingId, Value>,
    name: &str,
    forced: bool,
    step_span: Span,
) -> Try {
    // The checker bounds chains of `call`s (E0118); this bound is what keeps the runtime's
    // stack safe whatever reaches it.
    let depth = name.matches('/').count() + 1;
    if depth >= MAX_CALL_DEPTH {
        let error = RuntimeError::CallDepth {
            limit: MAX_CALL_DEPTH,
            span: step_span,
        };
        let message = error.to_string();
        r.reporter.error(r.sources, error);
        return Try::Failed(message);
    }
    let inst = match r.instance(workflow, given, format!("{name}/"), forced) {
        Ok(inst) => inst,
        Err(failure) => {
            r.report_failure(name, &failure);
            return Try::Failed(format!("could not start subworkflow: {}", failure.error));
        }
    };
    if let Err(error) = super::settings::check(r, &inst) {
        let message = error.to_string();
        r.reporter.error(r.sources, error);
        return Try::Failed(message);
    }
    let root = Arc::new(Frame::new(
        None,
        Vec::new(),
        inst.wf.body.graph.node_count(),
        String::new(),
    ));
    let ok = Box::pin(r.run_body(&inst, &inst.wf.body, root.clone())).await;
    if !ok {
        return if *r.cancel_receiver().borrow() {
            Try::Cancelled
        } else {
            Try::Failed(format!("subworkflow `{}` failed", inst.wf.name))
        };
    }
    let mut outputs = Vec::with_capacity(inst.wf.outputs.len());
    for output in &inst.wf.outputs {
        let mut budget = r.budget();
        match eval::eval(&r.env(&inst), Some(&root), &output.value, &mut budget) {
            Ok(v) => outputs.push((output.name.clone(), v)),
            Err(failure) => {
                r.report_failure(name, &failure);
                return Try::Failed(format!(
                    "output `{}` of subworkflow `{}` failed: {}",
                    output.name, inst.wf.name, failure.error
                ));
            }
        }
    }
    Try::Succeeded(outputs)
}
