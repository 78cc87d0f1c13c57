//! Values known when compiling: literals, and consts whose value is a literal. The back
//! ends need them for settings the targets take as constants (counts, durations).

use std::collections::HashMap;
use std::fmt::Write as _;

use serde_json::Value;

use crate::ir::{BindingId, InitKind, IrExpr, IrExprKind, IrWorkflow, UnaryOp};

/// The consts of a workflow, by binding.
#[derive(Debug, Default)]
pub struct Consts<'a> {
    values: HashMap<BindingId, &'a IrExpr>,
}

impl<'a> Consts<'a> {
    #[must_use]
    pub fn of(workflow: &'a IrWorkflow) -> Self {
        let values = workflow
            .init
            .iter()
            .filter(|i| i.kind == InitKind::Const)
            .map(|i| (i.binding, &i.value))
            .collect();
        Self { values }
    }

    /// The value of `expr` as JSON (durations in milliseconds, dates as ISO strings), when
    /// it is known at compile time.
    #[must_use]
    pub fn value(&self, expr: &IrExpr) -> Option<Value> {
        self.value_at(expr, 0)
    }

    fn value_at(&self, expr: &IrExpr, depth: usize) -> Option<Value> {
        if depth > 64 {
            return None;
        }
        let d = depth + 1;
        match &expr.kind {
            IrExprKind::Int(n) | IrExprKind::Duration(n) => Some(Value::from(*n)),
            IrExprKind::Float(f) => serde_json::Number::from_f64(*f).map(Value::Number),
            IrExprKind::Bool(b) => Some(Value::Bool(*b)),
            IrExprKind::None => Some(Value::Null),
            IrExprKind::Str(s) | IrExprKind::Date(s) => Some(Value::String(s.clone())),
            IrExprKind::List(items) => items
                .iter()
                .map(|i| self.value_at(i, d))
                .collect::<Option<Vec<_>>>()
                .map(Value::Array),
            IrExprKind::Map(pairs) => {
                let mut map = serde_json::Map::new();
                for (k, v) in pairs {
                    let Value::String(k) = self.value_at(k, d)? else {
                        return None;
                    };
                    map.insert(k, self.value_at(v, d)?);
                }
                Some(Value::Object(map))
            }
            IrExprKind::Record(fields) => {
                let mut map = serde_json::Map::new();
                for (k, v) in fields {
                    map.insert(k.clone(), self.value_at(v, d)?);
                }
                Some(Value::Object(map))
            }
            IrExprKind::Unary(UnaryOp::Neg, inner) => {
                let Value::Number(n) = self.value_at(inner, d)? else {
                    return None;
                };
                n.as_i64().and_then(i64::checked_neg).map(Value::from).or_else(|| {
                    n.as_f64()
                        .and_then(|f| serde_json::Number::from_f64(-f))
                        .map(Value::Number)
                })
            }
            IrExprKind::Var(b) => self.values.get(b).and_then(|e| self.value_at(e, d)),
            IrExprKind::Interp(_)
            | IrExprKind::Step { .. }
            | IrExprKind::Field(..)
            | IrExprKind::Index(..)
            | IrExprKind::CallFn(..)
            | IrExprKind::CallBuiltin(..)
            | IrExprKind::Unary(UnaryOp::Not, _)
            | IrExprKind::Binary(..)
            | IrExprKind::If(..)
            | IrExprKind::Comprehension { .. } => None,
        }
    }

    /// A whole number known at compile time.
    #[must_use]
    pub fn int(&self, expr: &IrExpr) -> Option<i64> {
        self.value(expr).and_then(|v| v.as_i64())
    }

    /// A string known at compile time.
    #[must_use]
    pub fn string(&self, expr: &IrExpr) -> Option<String> {
        if let Value::String(s) = self.value(expr)? {
            Some(s)
        } else {
            None
        }
    }
}

/// The text form of a value where a target passes every value as a string: scalars as
/// they print (`42`, `true`, `2026-11-23`), lists, maps and records as JSON.
#[must_use]
pub fn wire(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

/// Whole seconds of a duration in milliseconds, rounded up (a target's timeouts count
/// seconds; rounding down could make a timeout of 500ms zero, which means "none").
#[must_use]
pub fn seconds_up(ms: i64) -> i64 {
    if ms <= 0 {
        0
    } else {
        (ms + 999) / 1000
    }
}

/// A duration in milliseconds as Go's duration text (`1m30s`, `500ms`), which Argo reads.
#[must_use]
pub fn go_duration(ms: i64) -> String {
    if ms % 1000 != 0 {
        return format!("{ms}ms");
    }
    let mut s = ms / 1000;
    let mut out = String::new();
    let h = s / 3600;
    s %= 3600;
    let m = s / 60;
    s %= 60;
    if h > 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m}m");
    }
    if s > 0 || out.is_empty() {
        let _ = write!(out, "{s}s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_print_like_go() {
        assert_eq!(go_duration(500), "500ms");
        assert_eq!(go_duration(90_000), "1m30s");
        assert_eq!(go_duration(7_200_000), "2h");
        assert_eq!(go_duration(0), "0s");
        assert_eq!(seconds_up(500), 1);
        assert_eq!(seconds_up(30_000), 30);
    }
}
