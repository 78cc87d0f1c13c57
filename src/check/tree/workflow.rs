//! Checked workflows and functions: params, start-of-run values, settings, bodies and outputs.

use super::expr::TExpr;
use super::step::TStep;
use crate::base::ids::{BindingId, FnId, ScopeId, WorkflowId};
use crate::base::span::Span;
use crate::check::ty::Type;

#[derive(Clone, Debug)]
pub struct TFn {
    pub id: FnId,
    pub name: String,
    pub params: Vec<BindingId>,
    pub body: TExpr,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct TWorkflow {
    pub id: WorkflowId,
    /// The path of the module it is declared in.
    pub module: String,
    pub span: Span,
    /// Param defaults, consts and lets, in evaluation order.
    pub init: Vec<TInit>,
    pub settings: TSettings,
    pub body: TBody,
    pub outputs: Vec<TOutput>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TInitKind {
    ParamDefault,
    Const,
    Let,
}

#[derive(Clone, Debug)]
pub struct TInit {
    pub binding: BindingId,
    pub kind: TInitKind,
    pub value: TExpr,
}

#[derive(Clone, Debug, Default)]
pub struct TSettings {
    pub concurrency: Option<TExpr>,
    pub timeout: Option<TExpr>,
    pub schedule: Option<TSchedule>,
    pub strategy: Option<TStrategy>,
    /// `trigger on signal` clauses, in source order.
    pub triggers: Vec<TTrigger>,
    /// The `tags` of the workflow, in source order (non-empty, distinct).
    pub tags: Vec<String>,
}

/// A checked `schedule`: a valid cron expression that can fire, a known time zone.
#[derive(Clone, Debug)]
pub struct TSchedule {
    /// The cron text as written (5 fields or an `@daily`-style macro).
    pub cron: String,
    /// The IANA time zone name; `UTC` when no `in` is written.
    pub zone: String,
    /// The catch-up policy; `last` when none is written.
    pub catchup: CatchUp,
    pub span: Span,
}

/// What a schedule does about fire times missed while nothing was serving it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatchUp {
    /// Skip missed fire times.
    None,
    /// Start one run, for the latest missed fire time (the default).
    Last,
    /// Start one run per missed fire time, for at most the latest `max` of them.
    All { max: u32 },
}

/// A checked `trigger on signal "NAME" [where COND]`.
#[derive(Clone, Debug)]
pub struct TTrigger {
    pub signal: String,
    /// The span of the signal name's literal.
    pub span: Span,
    /// The `signal` binding (the payload as `map<string>`) and the condition. The
    /// condition may also read the workflow's params, bound from the payload's fields of
    /// the same name (converted to the param's type) or else from their defaults.
    pub filter: Option<(BindingId, TExpr)>,
}

#[derive(Clone, Debug)]
pub enum TStrategy {
    Parallel(Option<TExpr>),
    Sequential,
    StrictSequential,
    FirstOnly,
    LastOnly,
}

#[derive(Clone, Debug)]
pub struct TOutput {
    pub name: String,
    pub ty: Type,
    pub value: TExpr,
}

/// The steps and scopes of one body in source order, and the `let`s of a loop or branch
/// body in evaluation order.
#[derive(Clone, Debug, Default)]
pub struct TBody {
    pub nodes: Vec<TNode>,
    pub lets: Vec<(BindingId, TExpr)>,
}

impl TBody {
    /// The position the next node pushed will have.
    #[must_use]
    pub fn slot(&self) -> u32 {
        u32::try_from(self.nodes.len()).unwrap_or(u32::MAX)
    }
}

/// A node of a body; its position in [`TBody::nodes`] is the `slot` of its
/// [`StepInfo`](crate::check::StepInfo) or [`ScopeInfo`](crate::check::ScopeInfo).
#[derive(Clone, Debug)]
pub enum TNode {
    Step(Box<TStep>),
    Foreach(TForeach),
    While(TWhile),
    If(TIf),
}

#[derive(Clone, Debug)]
pub struct TForeach {
    pub id: ScopeId,
    pub span: Span,
    pub vars: Vec<(BindingId, TExpr)>,
    pub concurrency: Option<TExpr>,
    pub body: TBody,
}

#[derive(Clone, Debug)]
pub struct TWhile {
    pub id: ScopeId,
    pub span: Span,
    pub vars: Vec<(BindingId, TExpr)>,
    pub cond: TExpr,
    pub limit: Option<TExpr>,
    /// The `next` updates of the body, in source order.
    pub next: Vec<(BindingId, TExpr)>,
    pub body: TBody,
}

#[derive(Clone, Debug)]
pub struct TIf {
    pub id: ScopeId,
    pub span: Span,
    pub branches: Vec<TBranch>,
    pub else_body: Option<TBody>,
}

#[derive(Clone, Debug)]
pub struct TBranch {
    pub cond: TExpr,
    pub body: TBody,
}
