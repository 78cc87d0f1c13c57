//! Checking workflows: declarations, settings, statements, steps and their clauses.

mod body;
mod declare;
mod schedule;
mod settings;
mod tags;
mod trigger;

use std::collections::HashMap;

use super::error::{CheckError, CheckWarning};
use super::expr::{Ctx, StepRefs};
use super::names::free_names;
use super::tree::{
    RetryOn, TBackoff, TBody, TBranch, TExpr, TExprKind, TForeach, TIf, TInit, TInitKind, TNode, TOutput, TRetry,
    TSettings, TStrategy, TWhile, TWorkflow,
};
use super::ty::Type;
use super::{
    cron, graph, types, BindingId, BindingKind, Checker, Edge, Node, ScopeId, ScopeInfo, ScopeKind, ScopeLevel,
    StepDefaults, StepId, StepInfo, Target, WfEnv, WorkflowId,
};
use crate::base::ids::ModuleId;
use crate::base::span::Span;
use crate::diagnostics::suggest::did_you_mean;
use crate::syntax::ast::{
    Backoff, ClauseKind, Expr, ExprKind, FailureMode, Ident, Retry, Step, Stmt, StmtKind, Strategy, UnaryOp, Workflow,
};

/// The `output` declarations of a workflow, with their declared types.
pub(super) fn declared_outputs(wf: &Workflow, errors: &mut Vec<CheckError>) -> Vec<(String, Type)> {
    let mut out: Vec<(String, Type)> = Vec::new();
    let mut spans: HashMap<&str, Span> = HashMap::new();
    for stmt in &wf.body {
        if let StmtKind::Output { name, ty, .. } = &stmt.kind {
            if let Some(first) = spans.get(name.name.as_str()) {
                errors.push(CheckError::Duplicate {
                    name: name.name.clone(),
                    span: name.span,
                    first: *first,
                    help: Some("each output of a workflow needs its own name".into()),
                });
                continue;
            }
            spans.insert(&name.name, name.span);
            out.push((name.name.clone(), types::resolve(ty, errors)));
        }
    }
    out
}

/// Where a body is, for what it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Place {
    Workflow,
    Foreach,
    While,
    Branch,
}

impl Place {
    fn describe(self) -> &'static str {
        match self {
            Place::Workflow => "at the top of a workflow",
            Place::Foreach => "inside a `foreach`",
            Place::While => "inside a `while`",
            Place::Branch => "inside an `if`",
        }
    }
}

fn each_step<'s>(body: &'s [Stmt], f: &mut dyn FnMut(&'s Step)) {
    for stmt in body {
        match &stmt.kind {
            StmtKind::Step(step) => f(step),
            StmtKind::Foreach(l) => each_step(&l.body, f),
            StmtKind::While(l) => each_step(&l.body, f),
            StmtKind::If(i) => {
                for b in &i.branches {
                    each_step(&b.body, f);
                }
                if let Some(e) = &i.else_body {
                    each_step(e, f);
                }
            }
            StmtKind::Param { .. }
            | StmtKind::Const { .. }
            | StmtKind::Let { .. }
            | StmtKind::Output { .. }
            | StmtKind::Concurrency(_)
            | StmtKind::Timeout(_)
            | StmtKind::Retry(_)
            | StmtKind::OnFailure(_)
            | StmtKind::Strategy(_)
            | StmtKind::Schedule(..)
            | StmtKind::Trigger(_)
            | StmtKind::Tags(_)
            | StmtKind::Next(_)
            | StmtKind::Error { .. } => {}
        }
    }
}

fn workflow_failure_mode(wf: &Workflow) -> Option<FailureMode> {
    wf.body.iter().find_map(|s| match &s.kind {
        StmtKind::OnFailure(m) => Some(m.node),
        StmtKind::Param { .. }
        | StmtKind::Const { .. }
        | StmtKind::Let { .. }
        | StmtKind::Output { .. }
        | StmtKind::Concurrency(_)
        | StmtKind::Timeout(_)
        | StmtKind::Retry(_)
        | StmtKind::Strategy(_)
        | StmtKind::Schedule(..)
        | StmtKind::Trigger(_)
        | StmtKind::Tags(_)
        | StmtKind::Step(_)
        | StmtKind::Foreach(_)
        | StmtKind::While(_)
        | StmtKind::If(_)
        | StmtKind::Next(_)
        | StmtKind::Error { .. } => None,
    })
}

impl Checker<'_> {
    /// Counts the workflow names `e` mentions as used: for an expression that is reported
    /// and not checked further, so its names are not also called unused.
    pub(in crate::check) fn mark_used(&mut self, e: &Expr, env: &WfEnv) {
        let mut names = Vec::new();
        free_names(e, &mut Vec::new(), &mut names);
        for (name, _) in names {
            if let Some((Target::Binding(b), _)) = env.names.get(name) {
                if let Some(u) = self.used.get_mut(b.0 as usize) {
                    *u = true;
                }
            }
        }
    }
}

fn contains_error(t: &Type) -> bool {
    match t {
        Type::Error => true,
        Type::List(i) | Type::Map(i) | Type::Optional(i) => contains_error(i),
        Type::Record(f) => f.iter().any(|(_, t)| contains_error(t)),
        Type::Int | Type::Float | Type::Bool | Type::String | Type::Duration | Type::Date | Type::Unknown => false,
    }
}
