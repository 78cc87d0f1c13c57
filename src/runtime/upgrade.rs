//! `resume --upgrade` (docs/cli.md, "resume"): a run taken up with the file as it is now,
//! not the version it started with. Each step instance that already succeeded is reused,
//! so the new version must still have its step, with the same output types.

use std::collections::HashMap;

use crate::ir::{Action, Body, Ir, IrStep, Node, Type, WorkflowId};
use crate::store::steps::StepRow;

/// Why a succeeded step instance cannot be carried over to the new version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incompatible {
    /// The new version has no such step.
    Gone { instance: String },
    /// The step's outputs have other names or types now (`before`, `after` as written).
    Changed {
        instance: String,
        before: String,
        after: String,
    },
}

/// The step a step instance name (`load[3]`, `sub[0]/extract`) is an instance of, in
/// workflow `wf` of `ir`: each `/` enters the workflow a `call` step calls.
#[must_use]
pub fn step_of<'a>(ir: &'a Ir, wf: WorkflowId, instance: &str) -> Option<&'a IrStep> {
    let mut workflow = wf;
    let mut segments = instance.split('/').peekable();
    while let Some(segment) = segments.next() {
        let name = segment.split_once('[').map_or(segment, |(n, _)| n);
        let step = find(&ir.workflow(workflow).body, name)?;
        if segments.peek().is_none() {
            return Some(step);
        }
        match &step.action {
            Action::Call { workflow: called, .. } => workflow = *called,
            Action::None | Action::Run(_) | Action::Exec(_) | Action::Sleep(_) | Action::Wait { .. } => return None,
        }
    }
    None
}

/// The outputs a step's instances record: its own, or those of the workflow it calls.
#[must_use]
pub fn output_types(ir: &Ir, step: &IrStep) -> Vec<(String, Type)> {
    match &step.action {
        Action::Call { workflow, .. } => ir
            .workflow(*workflow)
            .outputs
            .iter()
            .map(|o| (o.name.clone(), o.ty.clone()))
            .collect(),
        Action::None | Action::Run(_) | Action::Exec(_) | Action::Sleep(_) | Action::Wait { .. } => {
            step.outputs.clone()
        }
    }
}

/// Whether a step of any workflow in `ir` has this name (`--break`).
#[must_use]
pub fn has_step(ir: &Ir, name: &str) -> bool {
    ir.workflows.iter().any(|wf| find(&wf.body, name).is_some())
}

/// The succeeded instances of `previous` that the new version cannot reuse, in name order.
/// With the old version at hand, their output types are compared; without it (a run
/// recorded before versions), their recorded outputs must convert to the new types.
#[must_use]
pub fn check<S: std::hash::BuildHasher>(
    old: Option<(&Ir, WorkflowId)>,
    new: (&Ir, WorkflowId),
    previous: &HashMap<String, StepRow, S>,
) -> Vec<Incompatible> {
    let mut names: Vec<&String> = previous
        .iter()
        .filter(|(_, row)| row.state == "succeeded")
        .map(|(name, _)| name)
        .collect();
    names.sort();
    let mut found = Vec::new();
    for name in names {
        let Some(after) = step_of(new.0, new.1, name) else {
            found.push(Incompatible::Gone { instance: name.clone() });
            continue;
        };
        let after = output_types(new.0, after);
        let Some(before) = old.and_then(|(ir, wf)| step_of(ir, wf, name).map(|s| output_types(ir, s))) else {
            let recorded = previous.get(name).and_then(|r| r.outputs.as_deref()).unwrap_or("{}");
            if !converts(recorded, &after) {
                found.push(Incompatible::Changed {
                    instance: name.clone(),
                    before: format!("the recorded outputs {recorded}"),
                    after: describe(&after),
                });
            }
            continue;
        };
        if before != after {
            found.push(Incompatible::Changed {
                instance: name.clone(),
                before: describe(&before),
                after: describe(&after),
            });
        }
    }
    found
}

/// Whether recorded outputs (a JSON object) convert to every declared output type.
fn converts(recorded: &str, declared: &[(String, Type)]) -> bool {
    let Ok(json) = serde_json::from_str::<serde_json::Value>(recorded) else {
        return false;
    };
    declared.iter().all(|(name, ty)| {
        json.get(name)
            .is_some_and(|v| super::value::Value::from_json(v, ty).is_ok())
    })
}

/// Outputs as written in MFlow: `(rows: int, path: string)`, `no outputs`.
#[must_use]
pub fn describe(outputs: &[(String, Type)]) -> String {
    if outputs.is_empty() {
        return "no outputs".into();
    }
    let list: Vec<String> = outputs.iter().map(|(n, t)| format!("{n}: {t}")).collect();
    format!("({})", list.join(", "))
}

/// The step named `name` anywhere in a body (nested scopes included).
fn find<'a>(body: &'a Body, name: &str) -> Option<&'a IrStep> {
    body.graph.node_weights().find_map(|node| match node {
        Node::Step(s) => (s.name == name).then_some(&**s),
        Node::Foreach(f) => find(&f.body, name),
        Node::While(w) => find(&w.body, name),
        Node::If(x) => x
            .branches
            .iter()
            .find_map(|b| find(&b.body, name))
            .or_else(|| x.else_body.as_ref().and_then(|e| find(e, name))),
    })
}
