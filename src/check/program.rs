//! What the checker hands to later stages: ids, per-workflow facts, and the checked tree.

use std::collections::HashMap;

/// A hash map for the checker's program-wide tables, keyed by spans and small ids. The Fx
/// hash is a multiply: keys collide in a table of 2^k buckets only when they are equal
/// modulo 2^k, and source offsets can be that far apart only a few times per file, so a
/// crafted file cannot make lookups degrade (`SipHash` was ~11% of the instructions of `check`).
pub type FastMap<K, V> = HashMap<K, V, rustc_hash::FxBuildHasher>;

use super::ty::Type;
pub use crate::base::ids::{BindingId, FnId, ModuleId, ScopeId, StepId, WorkflowId};
use crate::base::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BindingKind {
    Param,
    Const,
    Let,
    LoopVar,
    WhileVar,
    CompVar,
    FnParam,
    Signal,
}

#[derive(Clone, Debug)]
pub struct Binding {
    pub name: String,
    pub kind: BindingKind,
    pub span: Span,
    pub ty: Type,
}

/// What a name in an expression refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    Binding(BindingId),
    Step(StepId),
    Fn(FnId),
    Builtin(super::builtins::Builtin),
    Module(ModuleId),
}

/// One level of nesting a step sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ScopeLevel {
    Foreach(ScopeId),
    While(ScopeId),
    /// Branch `index` of an `if`; the `else` branch has index `branches.len()`.
    Branch(ScopeId, u32),
}

#[derive(Clone, Debug)]
pub struct StepInfo {
    pub name: String,
    pub workflow: WorkflowId,
    pub span: Span,
    /// Enclosing scopes, outermost first.
    pub scopes: Vec<ScopeLevel>,
    /// Declared outputs (for a `call`, the callee's outputs), as seen inside the step.
    pub outputs: Vec<(String, Type)>,
    /// `on_failure ignore` (set on the step or as the workflow default).
    pub ignore_failure: bool,
    /// Steps this step depends on (`after` and data references), deduplicated.
    pub deps: Vec<StepId>,
    /// The workflow called, for `call` steps.
    pub calls: Option<WorkflowId>,
    /// Its position among the steps and scopes of the body it is in.
    pub slot: u32,
}

#[derive(Clone, Debug)]
pub struct WorkflowInfo {
    pub name: String,
    pub module: ModuleId,
    pub span: Span,
    /// Index of the workflow item in its module's items.
    pub item: usize,
    /// Params in declaration order: binding, declared type, whether it has a default.
    pub params: Vec<(BindingId, bool)>,
    /// The params declared `fixed` (their values cannot change on resume or restart).
    pub fixed: Vec<BindingId>,
    pub consts: Vec<BindingId>,
    /// Workflow-level lets, consts and param defaults in an order where each comes after
    /// everything it references (evaluation order at run start).
    pub init_order: Vec<BindingId>,
    pub steps: Vec<StepId>,
    pub outputs: Vec<(String, Type)>,
}

#[derive(Clone, Debug)]
pub struct FnInfo {
    pub name: String,
    pub module: ModuleId,
    /// Index of the fn item in its module's items.
    pub item: usize,
    pub params: Vec<(BindingId, Type)>,
    pub ret: Type,
}

/// The checked program: facts about every module reachable from the roots.
#[derive(Clone, Debug, Default)]
pub struct Program {
    pub bindings: Vec<Binding>,
    pub steps: Vec<StepInfo>,
    pub workflows: Vec<WorkflowInfo>,
    pub fns: Vec<FnInfo>,
    /// Every `foreach`, `while` and `if`, by [`ScopeId`].
    pub scopes: Vec<ScopeInfo>,
    /// Every dependency of a step or scope header on a step.
    pub dependencies: Vec<Dependency>,
    /// The checked tree; only when the check reported no error (see [`super::Checked`]).
    pub(super) tree: Option<super::tree::Tree>,
}

/// What depends on a step.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dependent {
    Step(StepId),
    Scope(ScopeId),
}

/// `to` waits for step `from`; `span` is where `to` says so.
#[derive(Clone, Copy, Debug)]
pub struct Dependency {
    pub from: StepId,
    pub to: Dependent,
    pub span: Span,
    /// Written in `after` (else a data reference).
    pub after: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Foreach,
    While,
    If,
}

#[derive(Clone, Debug)]
pub struct ScopeInfo {
    pub kind: ScopeKind,
    pub workflow: WorkflowId,
    pub span: Span,
    /// The scopes it sits in, outermost first.
    pub levels: Vec<ScopeLevel>,
    /// Steps its header (iterables, condition, `with`/`next` values) refers to.
    pub deps: Vec<StepId>,
    /// Its position among the steps and scopes of the body it is in.
    pub slot: u32,
}

impl Program {
    #[must_use]
    pub fn binding(&self, id: BindingId) -> &Binding {
        &self.bindings[id.0 as usize]
    }

    #[must_use]
    pub fn step(&self, id: StepId) -> &StepInfo {
        &self.steps[id.0 as usize]
    }

    #[must_use]
    pub fn workflow(&self, id: WorkflowId) -> &WorkflowInfo {
        &self.workflows[id.0 as usize]
    }

    /// The workflow called `name` in module `module`.
    #[must_use]
    pub fn find_workflow(&self, module: ModuleId, name: &str) -> Option<WorkflowId> {
        self.workflows
            .iter()
            .position(|w| w.module == module && w.name == name)
            .map(|i| WorkflowId(u32::try_from(i).unwrap_or(u32::MAX)))
    }
}
