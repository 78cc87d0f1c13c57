//! Frames: one per body instance (the workflow, one foreach or while iteration, one
//! taken if-branch), holding its variables and the results of its nodes.

use std::sync::{Arc, OnceLock};

use super::state::StepState;
use super::value::Value;
use crate::ir::BindingId;

/// The result of one node of a body instance.
#[derive(Debug)]
pub enum NodeResult {
    Step(StepResult),
    /// The iterations of a `foreach` or `while`, in order (only those that started).
    Loop(Vec<Arc<Frame>>),
    /// The branch an `if` took, if any.
    Branch(Option<(u32, Arc<Frame>)>),
}

#[derive(Debug, Clone)]
pub struct StepResult {
    pub state: StepState,
    /// The outputs by name, when the step succeeded.
    pub outputs: Option<Arc<Vec<(String, Value)>>>,
}

#[derive(Debug)]
pub struct Frame {
    pub parent: Option<Arc<Frame>>,
    /// Loop, `while` and body-`let` values of this instance.
    pub vars: Vec<(BindingId, Value)>,
    /// Per node of the body (by node index): its result once it is done.
    pub nodes: Vec<OnceLock<NodeResult>>,
    /// The instance suffix of step names in this frame: `""`, `"[3]"`, `"[3][0]"`.
    pub suffix: String,
}

impl Frame {
    #[must_use]
    pub fn new(parent: Option<Arc<Frame>>, vars: Vec<(BindingId, Value)>, nodes: usize, suffix: String) -> Self {
        Self {
            parent,
            vars,
            nodes: (0..nodes).map(|_| OnceLock::new()).collect(),
            suffix,
        }
    }

    /// The value of a variable in this frame or an enclosing one.
    #[must_use]
    pub fn var(&self, id: BindingId) -> Option<&Value> {
        let mut frame = Some(self);
        while let Some(f) = frame {
            if let Some((_, v)) = f.vars.iter().rev().find(|(b, _)| *b == id) {
                return Some(v);
            }
            frame = f.parent.as_deref();
        }
        None
    }

    /// The frame `up` levels out.
    #[must_use]
    pub fn ancestor(self: &Arc<Self>, up: u32) -> Option<Arc<Frame>> {
        let mut frame = self.clone();
        for _ in 0..up {
            frame = frame.parent.clone()?;
        }
        Some(frame)
    }
}
