//! Settings whose values come from params (or consts) get the checks literals get at check
//! time (E0210), at launch, before anything runs: `concurrency c` with `-p c=0`,
//! `strategy parallel(n)`, `retry r` with -1, `timeout t` with 0s, a loop's `concurrency`
//! or `limit`. Settings that read loop variables or step outputs are only known later.

use std::collections::HashSet;

use super::error::RuntimeError;
use super::eval;
use super::scheduler::{Instance, Runner};
use super::value::{format_duration, Value};
use crate::ir::{Body, IrExpr, IrExprKind, IrStrPart, IrStrategy, Node};

/// What a setting must be.
#[derive(Clone, Copy)]
enum Rule {
    /// An int of at least 1.
    Positive,
    /// An int of at least 0.
    NotNegative,
    /// A duration above zero.
    PositiveDuration,
}

/// The settings of `inst`'s workflow that its params and consts decide, checked; the first
/// that can never work is the error.
pub(super) fn check(r: &Runner<'_>, inst: &Instance<'_>) -> Result<(), RuntimeError> {
    let mut todo: Vec<(&'static str, &IrExpr, Rule)> = Vec::new();
    let settings = &inst.wf.settings;
    if let Some(c) = &settings.concurrency {
        todo.push(("concurrency", c, Rule::Positive));
    }
    if let Some(IrStrategy::Parallel(Some(n))) = &settings.strategy {
        todo.push(("parallel", n, Rule::Positive));
    }
    if let Some(t) = &settings.timeout {
        todo.push(("timeout", t, Rule::PositiveDuration));
    }
    body_settings(&inst.wf.body, &mut todo);
    let mut seen = HashSet::new();
    for (setting, expr, rule) in todo {
        if !seen.insert(expr.span) || !closed(inst, expr) {
            continue;
        }
        let mut budget = r.budget();
        // An evaluation that fails is reported where the setting is used, as before.
        let Ok(value) = eval::eval(&r.env(inst), None, expr, &mut budget) else {
            continue;
        };
        if let Some(why) = violates(rule, &value) {
            return Err(RuntimeError::InvalidSetting {
                setting,
                value: describe(&value),
                why,
                span: expr.span,
                help: Some(source(inst, expr).map_or_else(
                    || "this value is computed at launch; make it a valid value".to_string(),
                    |param| format!("it comes from param `{param}`: pass a valid value with `-p {param}=…`"),
                )),
            });
        }
    }
    Ok(())
}

fn body_settings<'b>(body: &'b Body, todo: &mut Vec<(&'static str, &'b IrExpr, Rule)>) {
    for node in body.graph.node_weights() {
        match node {
            Node::Step(s) => {
                if let Some(retry) = &s.retry {
                    todo.push(("retry", &retry.count, Rule::NotNegative));
                }
                if let Some(t) = &s.timeout {
                    todo.push(("timeout", t, Rule::PositiveDuration));
                }
            }
            Node::Foreach(f) => {
                if let Some(c) = &f.concurrency {
                    todo.push(("concurrency", c, Rule::Positive));
                }
                body_settings(&f.body, todo);
            }
            Node::While(w) => {
                if let Some(l) = &w.limit {
                    todo.push(("limit", l, Rule::Positive));
                }
                body_settings(&w.body, todo);
            }
            Node::If(x) => {
                for b in &x.branches {
                    body_settings(&b.body, todo);
                }
                if let Some(e) = &x.else_body {
                    body_settings(e, todo);
                }
            }
        }
    }
}

fn violates(rule: Rule, v: &Value) -> Option<&'static str> {
    match (rule, v) {
        (Rule::Positive, Value::Int(n)) if *n < 1 => Some("it must be at least 1"),
        (Rule::NotNegative, Value::Int(n)) if *n < 0 => Some("a retry count cannot be negative"),
        (Rule::PositiveDuration, Value::Duration(ms)) if *ms <= 0 => Some("a timeout must be longer than zero"),
        _ => None,
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Duration(ms) => format_duration(*ms),
        other @ (Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::Str(_)
        | Value::Date(_)
        | Value::List(_)
        | Value::Map(_)
        | Value::Record(_)
        | Value::None) => other.to_text(),
    }
}

/// The param the setting is, when it is one by name.
fn source(inst: &Instance<'_>, expr: &IrExpr) -> Option<String> {
    let IrExprKind::Var(id) = &expr.kind else { return None };
    let param = inst.wf.params.iter().find(|p| p.binding == *id)?;
    Some(param.name.clone())
}

/// Whether `expr` reads nothing but the instance's params, consts and lets (iterative: an
/// expression may be deep).
fn closed(inst: &Instance<'_>, expr: &IrExpr) -> bool {
    let mut stack: Vec<&IrExpr> = vec![expr];
    while let Some(e) = stack.pop() {
        match &e.kind {
            IrExprKind::Int(_)
            | IrExprKind::Float(_)
            | IrExprKind::Bool(_)
            | IrExprKind::None
            | IrExprKind::Str(_)
            | IrExprKind::Duration(_)
            | IrExprKind::Date(_) => {}
            IrExprKind::Var(id) => {
                if !inst.globals.contains_key(id) {
                    return false;
                }
            }
            IrExprKind::Step { .. } | IrExprKind::Comprehension { .. } => return false,
            IrExprKind::Interp(parts) => {
                for p in parts {
                    if let IrStrPart::Value { expr, .. } = p {
                        stack.push(expr);
                    }
                }
            }
            IrExprKind::List(items) | IrExprKind::CallFn(_, items) | IrExprKind::CallBuiltin(_, items) => {
                stack.extend(items);
            }
            IrExprKind::Map(entries) => {
                for (k, v) in entries {
                    stack.push(k);
                    stack.push(v);
                }
            }
            IrExprKind::Record(fields) => stack.extend(fields.iter().map(|(_, v)| v)),
            IrExprKind::Field(b, _) | IrExprKind::Unary(_, b) => stack.push(b),
            IrExprKind::Index(a, b) | IrExprKind::Binary(_, a, b) => {
                stack.push(a);
                stack.push(b);
            }
            IrExprKind::If(c, a, b) => {
                stack.push(c);
                stack.push(a);
                stack.push(b);
            }
        }
    }
    true
}
