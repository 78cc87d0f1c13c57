//! Resuming a run (docs/store.md, "Resume"): which step instances keep their recorded result and
//! which run again. A step instance is reused when the store has it as `succeeded` and
//! `--from` does not name it or something it depends on; everything else runs again.

use std::collections::{HashMap, HashSet};

use petgraph::graph::NodeIndex;
use petgraph::visit::Dfs;

use crate::ir::StepId;
use crate::ir::{Body, IrWorkflow, Node};
use crate::store::steps::StepRow;

/// What an earlier run of the same run id left behind.
#[derive(Debug, Default)]
pub struct Resume {
    /// Step instances recorded by earlier attempts of the run, by instance name.
    pub previous: HashMap<String, StepRow>,
    /// Steps of the launched workflow that run again whatever they recorded (`--from`).
    pub forced: HashSet<StepId>,
    /// Which resume of the run this is (0 for a new run): the files of its attempts are
    /// named apart from those of earlier processes (see `step::attempt_prefix`).
    pub epoch: i64,
    /// The cluster job of each instance's latest attempt (`store/jobs.rs`), for an executor
    /// that can re-attach to a job a killed `maestroc` left behind.
    pub jobs: HashMap<String, crate::store::jobs::JobRow>,
}

impl Resume {
    /// The recorded result of a step instance that succeeded and may be reused.
    #[must_use]
    pub fn reusable(&self, name: &str, step: StepId, forced_scope: bool) -> Option<&StepRow> {
        if forced_scope || self.forced.contains(&step) {
            return None;
        }
        self.previous.get(name).filter(|r| r.state == "succeeded")
    }

    /// Whether an operator skipped the instance (`maestroc skip` without outputs) and it
    /// is not run again by `--from`.
    #[must_use]
    pub fn skipped(&self, name: &str, step: StepId, forced_scope: bool) -> bool {
        !forced_scope
            && !self.forced.contains(&step)
            && self.previous.get(name).is_some_and(|r| {
                r.state == "skipped" && r.message.as_deref() == Some(crate::store::control::SKIPPED_BY_OPERATOR)
            })
    }

    /// How many attempts the instance made before; new attempts are numbered after them so
    /// their logs do not overwrite the old ones.
    #[must_use]
    pub fn attempts_before(&self, name: &str) -> u32 {
        self.previous.get(name).map_or(0, |r| r.attempts)
    }

    /// The job of an instance's latest attempt when that attempt never recorded its end
    /// (`maestroc` was killed while it ran, and the next `maestroc` marked it failed with
    /// `store::runs::DIED`): the one a resume takes up again.
    #[must_use]
    pub fn unfinished_job(&self, name: &str) -> Option<&crate::store::jobs::JobRow> {
        let row = self.previous.get(name).filter(|r| {
            r.state == "running" || (r.state == "failed" && r.message.as_deref() == Some(crate::store::runs::DIED))
        })?;
        self.jobs.get(name).filter(|j| j.attempt == row.attempts)
    }
}

/// The steps that `--from STEP` runs again: STEP and every step that depends on it, directly
/// or through the scope (foreach, while, if) that holds it. `None` when there is no such step.
#[must_use]
pub fn downstream(wf: &IrWorkflow, from: &str) -> Option<HashSet<StepId>> {
    let mut path = Vec::new();
    if !find(&wf.body, from, &mut path) {
        return None;
    }
    let mut forced = HashSet::new();
    let mut body = &wf.body;
    let mut levels = Vec::with_capacity(path.len());
    for (depth, (node, branch)) in path.iter().enumerate() {
        levels.push((body, *node));
        if depth + 1 < path.len() {
            body = scope_body(&body.graph[*node], *branch)?;
        }
    }
    // Innermost first: the step and its dependents; then, at each enclosing level, what
    // depends on the scope that holds it (not the whole scope).
    for (level, (body, node)) in levels.iter().rev().enumerate() {
        let mut dfs = Dfs::new(&body.graph, *node);
        while let Some(n) = dfs.next(&body.graph) {
            if level > 0 && n == *node {
                continue;
            }
            collect(&body.graph[n], &mut forced);
        }
    }
    Some(forced)
}

/// The names of every step of a workflow, nested ones included (for "did you mean").
#[must_use]
pub fn step_names(wf: &IrWorkflow) -> Vec<String> {
    fn walk(body: &Body, out: &mut Vec<String>) {
        for node in body.graph.node_weights() {
            match node {
                Node::Step(s) => out.push(s.name.clone()),
                other @ (Node::Foreach(_) | Node::While(_) | Node::If(_)) => {
                    for inner in bodies(other) {
                        walk(inner, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    walk(&wf.body, &mut out);
    out
}

/// The path from `body` to the step named `name`: node indices, with the branch taken at
/// each `if`.
fn find(body: &Body, name: &str, path: &mut Vec<(NodeIndex, usize)>) -> bool {
    for idx in body.graph.node_indices() {
        match &body.graph[idx] {
            Node::Step(s) if s.name == name => {
                path.push((idx, 0));
                return true;
            }
            Node::Step(_) => {}
            node @ (Node::Foreach(_) | Node::While(_) | Node::If(_)) => {
                for (branch, inner) in bodies(node).into_iter().enumerate() {
                    path.push((idx, branch));
                    if find(inner, name, path) {
                        return true;
                    }
                    path.pop();
                }
            }
        }
    }
    false
}

fn bodies(node: &Node) -> Vec<&Body> {
    match node {
        Node::Step(_) => Vec::new(),
        Node::Foreach(f) => vec![&f.body],
        Node::While(w) => vec![&w.body],
        Node::If(x) => x.branches.iter().map(|b| &b.body).chain(x.else_body.as_ref()).collect(),
    }
}

fn scope_body(node: &Node, branch: usize) -> Option<&Body> {
    bodies(node).into_iter().nth(branch)
}

fn collect(node: &Node, out: &mut HashSet<StepId>) {
    match node {
        Node::Step(s) => {
            out.insert(s.id);
        }
        other @ (Node::Foreach(_) | Node::While(_) | Node::If(_)) => {
            for body in bodies(other) {
                for n in body.graph.node_weights() {
                    collect(n, out);
                }
            }
        }
    }
}
