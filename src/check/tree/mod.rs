//! The checked tree: what the checker builds as it checks, and the only thing lowering reads.
//!
//! Every name is resolved to an id ([`BindingId`](crate::base::ids::BindingId),
//! [`StepId`](crate::base::ids::StepId), [`FnId`](crate::base::ids::FnId),
//! [`WorkflowId`](crate::base::ids::WorkflowId), [`Builtin`](super::builtins::Builtin)),
//! every expression carries its [`Type`](super::ty::Type), steps, bodies and scopes carry
//! their ids, and settings are interpreted (a step's retry and failure mode already include
//! the workflow's defaults). The checker returns each node alongside the type it already
//! computed; [`Checked`](super::Checked) hands the tree out only when the check found no
//! error, so an [`TExprKind::Invalid`] node (what the checker builds where it reported an
//! error) never reaches lowering.

mod expr;
mod step;
mod workflow;

pub use expr::{TExpr, TExprKind, TStrPart};
pub use step::{TAction, TBackoff, TEmit, TRetry, TStep};
pub use workflow::{
    CatchUp, TBody, TBranch, TFn, TForeach, TIf, TInit, TInitKind, TNode, TOutput, TSchedule, TSettings, TStrategy,
    TTrigger, TWhile, TWorkflow,
};

/// The operator and policy words of the language, as the checked tree names them (the
/// checker takes them over from the parser unchanged).
pub use crate::syntax::ast::{BinaryOp, FailureMode, RetryOn, UnaryOp};

/// Every checked workflow and function of a program, indexed by their ids.
#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// By [`WorkflowId`](crate::base::ids::WorkflowId).
    pub workflows: Vec<TWorkflow>,
    /// By [`FnId`](crate::base::ids::FnId).
    pub fns: Vec<TFn>,
}
