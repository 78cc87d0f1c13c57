//! Choosing the executor at launch: `mflow.toml` read and validated, the executor's own
//! commands found, and every step the run can reach checked against what the executor can
//! do: a need it cannot meet is an error (`image` without a container runtime, an unknown
//! profile) or, for the local executor, a warning. All problems are reported, not the first.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use super::config;
use super::error::ExecutorError;
use super::{Choice, Kind};
use crate::ir::{Action, Body, Ir, IrStep, Node, WorkflowId};

/// What launching with an executor found: the choice, and its warnings.
pub struct Prepared {
    pub choice: Choice,
    pub warnings: Vec<ExecutorError>,
}

/// Prepares executor `kind` for running workflow `root` of `ir`, with `mflow.toml` found
/// beside the store at `home`.
pub fn prepare(kind: Kind, ir: &Ir, root: WorkflowId, home: &Path) -> Result<Prepared, Vec<ExecutorError>> {
    let mut errors = Vec::new();
    let config = match config::load(home) {
        Ok(c) => c,
        Err(mut e) => {
            errors.append(&mut e);
            config::Config::default()
        }
    };
    if kind == Kind::Slurm && !super::slurm::available() {
        errors.push(ExecutorError::SbatchMissing);
    }
    let mut warnings = Vec::new();
    for step in reachable_steps(ir, root) {
        check_step(kind, &config, step, &mut errors, &mut warnings);
    }
    if errors.is_empty() {
        Ok(Prepared {
            choice: Choice {
                kind,
                config: Arc::new(config),
            },
            warnings,
        })
    } else {
        Err(errors)
    }
}

fn check_step(
    kind: Kind,
    config: &config::Config,
    step: &IrStep,
    errors: &mut Vec<ExecutorError>,
    warnings: &mut Vec<ExecutorError>,
) {
    if !matches!(step.action, Action::Run(_) | Action::Exec(_)) {
        return;
    }
    let profile = step_profile(step);
    match kind {
        Kind::Local => {
            if let Some(image) = &step.image {
                warnings.push(ExecutorError::LocalImage {
                    step: step.name.clone(),
                    span: image.span,
                });
            }
            if let Some((_, first)) = step.resources.first() {
                warnings.push(ExecutorError::LocalResources {
                    step: step.name.clone(),
                    span: first.span,
                });
            }
            if let Some(name) = profile {
                warnings.push(ExecutorError::LocalProfile {
                    step: step.name.clone(),
                    profile: name.to_string(),
                    span: step.span,
                });
            }
        }
        Kind::Slurm => {
            if let (Some(image), None) = (&step.image, &config.slurm.container) {
                errors.push(ExecutorError::ImageWithoutRuntime {
                    step: step.name.clone(),
                    executor: "slurm",
                    span: image.span,
                    help: Some(
                        "set `container_runtime = \"apptainer\"` (or singularity, podman) under [slurm] in mflow.toml"
                            .into(),
                    ),
                });
            }
            if let Some(name) = profile {
                if !config.profiles.contains_key(name) {
                    let known = config.profiles.keys().map(String::as_str);
                    errors.push(ExecutorError::UnknownProfile {
                        step: step.name.clone(),
                        profile: name.to_string(),
                        span: step.span,
                        help: crate::diagnostics::suggest::did_you_mean(name, known)
                            .or_else(|| Some(format!("define it in mflow.toml as a [profiles.{name}] table"))),
                    });
                }
            }
        }
    }
}

/// The executor profile a step asks for (`profile "NAME"`).
#[must_use]
pub fn step_profile(step: &IrStep) -> Option<&str> {
    step.profile.as_deref()
}

/// Every step of `root` and of the workflows it calls, once each.
fn reachable_steps(ir: &Ir, root: WorkflowId) -> Vec<&IrStep> {
    let mut seen = HashSet::new();
    let mut todo = vec![root];
    let mut steps = Vec::new();
    while let Some(id) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        collect(&ir.workflow(id).body, &mut steps, &mut todo);
    }
    steps
}

fn collect<'a>(body: &'a Body, steps: &mut Vec<&'a IrStep>, calls: &mut Vec<WorkflowId>) {
    for node in body.graph.node_weights() {
        match node {
            Node::Step(s) => {
                if let Action::Call { workflow, .. } = &s.action {
                    calls.push(*workflow);
                }
                steps.push(s);
            }
            Node::Foreach(f) => collect(&f.body, steps, calls),
            Node::While(w) => collect(&w.body, steps, calls),
            Node::If(x) => {
                for b in &x.branches {
                    collect(&b.body, steps, calls);
                }
                if let Some(e) = &x.else_body {
                    collect(e, steps, calls);
                }
            }
        }
    }
}
