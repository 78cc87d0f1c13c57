//! Running a subworkflow for a `call` step: the callee's outputs become the step's.

use std::collections::HashMap;
use std::sync::Arc;

use super::eval;
use super::frame::Frame;
use super::scheduler::Runner;
use super::step::Try;
use super::value::Value;
use crate::ir::{BindingId, WorkflowId};

pub(super) async fn run_call(
    r: &Runner<'_>,
    workflow: WorkflowId,
    given: HashMap<BindingId, Value>,
    name: &str,
    forced: bool,
) -> Try {
    let inst = match r.instance(workflow, given, format!("{name}/"), forced) {
        Ok(inst) => inst,
        Err(failure) => {
            r.report_failure(name, &failure);
            return Try::Failed(format!("could not start subworkflow: {}", failure.error));
        }
    };
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
