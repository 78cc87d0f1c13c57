//! What a waiting `wait signal` step tells the person watching: the signal it waits for,
//! the payload fields its `where` pins down (`signal.day == str(day)` with `day` known), and
//! the command that sends a matching signal.

use std::fmt::Write as _;
use std::sync::Arc;

use super::eval;
use super::frame::Frame;
use super::scheduler::{Instance, Runner};
use crate::ir::ops::BinaryOp;
use crate::ir::{BindingId, IrExpr, IrExprKind, IrStrPart};

/// `waiting for signal 'ready' where day == 2026-11-30 — maestroc signal send ready day=2026-11-30`.
pub(super) fn describe(
    r: &Runner<'_>,
    inst: &Instance<'_>,
    frame: &Arc<Frame>,
    name: &str,
    filter: Option<&(BindingId, IrExpr)>,
) -> String {
    let mut pinned: Vec<(String, String)> = Vec::new();
    let mut other = false;
    if let Some((binding, cond)) = filter {
        let mut parts = Vec::new();
        conjuncts(cond, &mut parts);
        let env = r.env(inst);
        for part in parts {
            let known = equality(part, *binding).and_then(|(field, value)| {
                let mut budget = r.budget();
                eval::eval(&env, Some(frame), value, &mut budget)
                    .ok()
                    .and_then(|v| v.to_text_within(200))
                    .map(|v| (field.to_string(), v))
            });
            match known {
                Some(kv) => pinned.push(kv),
                None => other = true,
            }
        }
    }
    let quoted = super::quote::quote_word(name);
    let mut text = format!("waiting for signal '{name}'");
    if !pinned.is_empty() {
        let conds: Vec<String> = pinned.iter().map(|(k, v)| format!("{k} == {v}")).collect();
        let _ = write!(text, " where {}", conds.join(" and "));
    }
    if other {
        text.push_str(if pinned.is_empty() {
            " where its condition holds"
        } else {
            " (and more)"
        });
    }
    let _ = write!(text, " — maestroc signal send {quoted}");
    for (k, v) in &pinned {
        let _ = write!(text, " {}", super::quote::quote_word(&format!("{k}={v}")));
    }
    if other {
        text.push_str(" KEY=VALUE…");
    }
    text
}

/// The parts of `a && b && c`.
fn conjuncts<'e>(e: &'e IrExpr, out: &mut Vec<&'e IrExpr>) {
    if let IrExprKind::Binary(BinaryOp::And, a, b) = &e.kind {
        conjuncts(a, out);
        conjuncts(b, out);
    } else {
        out.push(e);
    }
}

/// `signal.FIELD == VALUE` (either way round) where VALUE does not read the payload.
fn equality(e: &IrExpr, signal: BindingId) -> Option<(&str, &IrExpr)> {
    let IrExprKind::Binary(BinaryOp::Eq, a, b) = &e.kind else {
        return None;
    };
    if let IrExprKind::Field(inner, f) = &a.kind {
        if matches!(inner.kind, IrExprKind::Var(v) if v == signal) && !mentions(b, signal) {
            return Some((f.as_str(), b));
        }
    }
    if let IrExprKind::Field(inner, f) = &b.kind {
        if matches!(inner.kind, IrExprKind::Var(v) if v == signal) && !mentions(a, signal) {
            return Some((f.as_str(), a));
        }
    }
    None
}

/// Whether `e` reads the binding `b`.
fn mentions(e: &IrExpr, b: BindingId) -> bool {
    let any = |xs: &[IrExpr]| xs.iter().any(|x| mentions(x, b));
    match &e.kind {
        IrExprKind::Int(_)
        | IrExprKind::Float(_)
        | IrExprKind::Bool(_)
        | IrExprKind::None
        | IrExprKind::Str(_)
        | IrExprKind::Duration(_)
        | IrExprKind::Date(_)
        | IrExprKind::Step { .. } => false,
        IrExprKind::Var(v) => *v == b,
        IrExprKind::Interp(parts) => parts.iter().any(|p| match p {
            IrStrPart::Lit(_) => false,
            IrStrPart::Value { expr, .. } => mentions(expr, b),
        }),
        IrExprKind::List(xs) | IrExprKind::CallFn(_, xs) | IrExprKind::CallBuiltin(_, xs) => any(xs),
        IrExprKind::Map(kv) => kv.iter().any(|(k, v)| mentions(k, b) || mentions(v, b)),
        IrExprKind::Record(fs) => fs.iter().any(|(_, v)| mentions(v, b)),
        IrExprKind::Field(x, _) | IrExprKind::Unary(_, x) => mentions(x, b),
        IrExprKind::Index(x, y) | IrExprKind::Binary(_, x, y) => mentions(x, b) || mentions(y, b),
        IrExprKind::If(c, t, f) => mentions(c, b) || mentions(t, b) || mentions(f, b),
        IrExprKind::Comprehension { iter, elem, cond, .. } => {
            mentions(iter, b) || mentions(elem, b) || cond.as_deref().is_some_and(|c| mentions(c, b))
        }
    }
}
