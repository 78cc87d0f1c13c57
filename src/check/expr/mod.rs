//! Type-checking expressions and resolving the names in them.

mod call;
mod ops;
mod resolve;

use super::builtins::{self, Arg, Builtin};
use super::error::CheckError;
use super::ty::Type;
use super::types::{assignable, is_interpolable, is_ordered, join};
use super::{BindingKind, Checker, Edge, FnId, Node, Resolution, ScopeLevel, StepId, Target, WfEnv};
use crate::base::ids::ModuleId;
use crate::base::span::Span;
use crate::diagnostics::suggest::did_you_mean;
use crate::syntax::ast::{BinaryOp, Expr, ExprKind, Ident, StrPart, UnaryOp};

/// Whether step outputs may be used where an expression is, and who depends on them.
#[derive(Clone, Copy, Debug)]
pub(super) enum StepRefs {
    /// Not here; the text says where "here" is (`a param default`).
    Forbidden(&'static str),
    /// Allowed; a reference makes the node (if any) depend on the step.
    Allowed(Option<Node>),
}

/// The context an expression is checked in.
#[derive(Debug)]
pub(super) struct Ctx {
    pub module: ModuleId,
    pub fn_id: Option<FnId>,
    /// Loop, `while`, comprehension and body-`let` bindings, innermost last.
    pub locals: Vec<(String, super::BindingId)>,
    /// The scopes the expression sits in, outermost first.
    pub levels: Vec<ScopeLevel>,
    pub steps: StepRefs,
}

impl Ctx {
    pub(super) fn new(module: ModuleId, steps: StepRefs) -> Self {
        Self {
            module,
            fn_id: None,
            locals: Vec::new(),
            levels: Vec::new(),
            steps,
        }
    }
}
impl Checker<'_> {
    /// Checks `e` and requires its type to fit `expected`; returns the found type.
    pub(in crate::check) fn expect(
        &mut self,
        e: &Expr,
        expected: &Type,
        env: &WfEnv,
        ctx: &mut Ctx,
        what: &str,
    ) -> Type {
        let found = self.expr(e, env, ctx);
        self.require(&found, expected, e.span, what);
        found
    }

    /// Reports a mismatch if `found` does not fit `expected`.
    pub(in crate::check) fn require(&mut self, found: &Type, expected: &Type, span: Span, what: &str) {
        if assignable(found, expected) {
            return;
        }
        if let Type::Optional(inner) = found {
            if assignable(inner, expected) {
                self.error(CheckError::MaybeNone {
                    ty: found.to_string(),
                    span,
                    help: Some(format!(
                        "{what} must be a `{expected}`; give a default with `?? value`, or test it with `!= none`"
                    )),
                });
                return;
            }
        }
        let help = match (found, expected) {
            (Type::Int, Type::Float) => {
                Some("write the number with a decimal point (`1.0`), or convert with `float(…)`".to_string())
            }
            (Type::Float, Type::Int) => Some("convert with `int(…)`, which truncates".to_string()),
            (f, Type::String) if f.is_scalar() => {
                Some("convert it with `str(…)`, or interpolate it: `\"${…}\"`".to_string())
            }
            (Type::String, Type::Int) => Some("convert it with `int(…)`".to_string()),
            (Type::String, Type::Date) => {
                Some("write a date literal like `2026-11-23`, or use `parse_date(…)`".to_string())
            }
            (Type::String, Type::Duration) => {
                Some("write a duration literal like `30s`, `5m` or `1h30m` (no quotes)".to_string())
            }
            (Type::Int, Type::Duration) => Some("add a unit: `30s`, `5m`, `2h`, `1d`".to_string()),
            _ => None,
        };
        self.error(CheckError::Mismatch {
            expected: expected.to_string(),
            found: found.to_string(),
            span,
            label: format!("{what} must be `{expected}`"),
            help,
        });
    }

    pub(in crate::check) fn expr(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx) -> Type {
        match &e.kind {
            ExprKind::Int(_) => Type::Int,
            ExprKind::Float(_) => Type::Float,
            ExprKind::Bool(_) => Type::Bool,
            ExprKind::None => Type::optional(Type::Unknown),
            ExprKind::RawStr(_) => Type::String,
            ExprKind::Duration(_) => Type::Duration,
            ExprKind::Date(_) => Type::Date,
            ExprKind::Error => Type::Error,
            ExprKind::Str(parts) => {
                for part in parts {
                    if let StrPart::Interp(inner) = part {
                        let t = self.expr(inner, env, ctx);
                        self.check_interpolable(&t, inner.span);
                    }
                }
                Type::String
            }
            ExprKind::List(items) => {
                let mut elem = Type::Unknown;
                for item in items {
                    let t = self.expr(item, env, ctx);
                    match join(&elem, &t) {
                        Some(j) => elem = j,
                        None => self.error(CheckError::Mismatch {
                            expected: elem.to_string(),
                            found: t.to_string(),
                            span: item.span,
                            label: "list elements must all have one type".into(),
                            help: Some(format!("the elements before this one are `{elem}`")),
                        }),
                    }
                }
                Type::list(elem)
            }
            ExprKind::Map(entries) => {
                let mut elem = Type::Unknown;
                for (k, v) in entries {
                    self.expect(k, &Type::String, env, ctx, "a map key");
                    let t = self.expr(v, env, ctx);
                    match join(&elem, &t) {
                        Some(j) => elem = j,
                        None => self.error(CheckError::Mismatch {
                            expected: elem.to_string(),
                            found: t.to_string(),
                            span: v.span,
                            label: "map values must all have one type".into(),
                            help: Some(
                                "to mix types, use a record with identifier keys: `{name: \"a\", size: 1}`".into(),
                            ),
                        }),
                    }
                }
                Type::map(elem)
            }
            ExprKind::Record(fields) => Type::Record(
                fields
                    .iter()
                    .map(|(name, v)| (name.name.clone(), self.expr(v, env, ctx)))
                    .collect(),
            ),
            ExprKind::Name(id) => self.name(id, env, ctx),
            ExprKind::Field(base, field) => self.field(base, field, env, ctx),
            ExprKind::Index(base, index) => {
                let bt = self.expr(base, env, ctx);
                match bt {
                    Type::List(inner) => {
                        self.expect(index, &Type::Int, env, ctx, "a list index");
                        *inner
                    }
                    Type::Map(inner) => {
                        self.expect(index, &Type::String, env, ctx, "a map key");
                        *inner
                    }
                    Type::Error | Type::Unknown => {
                        self.expr(index, env, ctx);
                        Type::Error
                    }
                    Type::Optional(_) => {
                        self.expr(index, env, ctx);
                        self.error(CheckError::MaybeNone {
                            ty: bt.to_string(),
                            span: base.span,
                            help: Some("give a default before indexing: `(xs ?? [])[0]`".into()),
                        });
                        Type::Error
                    }
                    other => {
                        self.expr(index, env, ctx);
                        self.error(CheckError::NotIndexable {
                            ty: other.to_string(),
                            span: base.span,
                        });
                        Type::Error
                    }
                }
            }
            ExprKind::Call { callee, args, named } => self.call(e.span, callee, args, named, env, ctx),
            ExprKind::Unary(op, inner) => {
                let t = self.expr(inner, env, ctx);
                match (op, &t) {
                    (_, Type::Error | Type::Unknown) => Type::Error,
                    (UnaryOp::Neg, Type::Int | Type::Float | Type::Duration) | (UnaryOp::Not, Type::Bool) => t,
                    (_, Type::Optional(_)) => {
                        self.error(CheckError::MaybeNone {
                            ty: t.to_string(),
                            span: inner.span,
                            help: Some("give a default first: `x ?? value`".into()),
                        });
                        Type::Error
                    }
                    (UnaryOp::Neg, _) => {
                        self.require(&t, &Type::Int, inner.span, "the operand of `-`");
                        Type::Error
                    }
                    (UnaryOp::Not, _) => {
                        self.require(&t, &Type::Bool, inner.span, "the operand of `not`");
                        Type::Error
                    }
                }
            }
            ExprKind::Binary(op, l, r) => self.binary(*op, l, r, e.span, env, ctx),
            ExprKind::If(c, a, b) => {
                self.expect(c, &Type::Bool, env, ctx, "the condition");
                let ta = self.expr(a, env, ctx);
                let tb = self.expr(b, env, ctx);
                if let Some(t) = join(&ta, &tb) {
                    t
                } else {
                    self.error(CheckError::Mismatch {
                        expected: ta.to_string(),
                        found: tb.to_string(),
                        span: b.span,
                        label: "both branches must have one type".into(),
                        help: Some(format!("the `then` branch is `{ta}`")),
                    });
                    Type::Error
                }
            }
            ExprKind::Comprehension { elem, var, iter, cond } => {
                let it = self.expr(iter, env, ctx);
                let var_ty = self.element_type(&it, iter.span, "a comprehension");
                let b = self.new_binding(&var.name, BindingKind::CompVar, var.span, var_ty);
                self.used[b.0 as usize] = true;
                ctx.locals.push((var.name.clone(), b));
                if let Some(c) = cond {
                    self.expect(c, &Type::Bool, env, ctx, "the filter");
                }
                let t = self.expr(elem, env, ctx);
                ctx.locals.pop();
                Type::list(t)
            }
        }
    }

    /// The element type of something iterated over (must be a list).
    pub(in crate::check) fn element_type(&mut self, t: &Type, span: Span, what: &str) -> Type {
        match t {
            Type::List(inner) => (**inner).clone(),
            Type::Error | Type::Unknown => Type::Error,
            Type::Optional(_) => {
                self.error(CheckError::MaybeNone {
                    ty: t.to_string(),
                    span,
                    help: Some("give a default first: `xs ?? []`".into()),
                });
                Type::Error
            }
            other => {
                let help = match other {
                    Type::Map(_) => Some("iterate over `keys(m)` or `values(m)`".to_string()),
                    Type::Int => Some("iterate over `range(n)` to count".to_string()),
                    _ => None,
                };
                self.error(CheckError::Mismatch {
                    expected: "list<…>".into(),
                    found: other.to_string(),
                    span,
                    label: format!("{what} needs a list"),
                    help,
                });
                Type::Error
            }
        }
    }

    pub(in crate::check) fn check_interpolable(&mut self, t: &Type, span: Span) {
        if is_interpolable(t) {
            return;
        }
        if let Type::Optional(inner) = t {
            if is_interpolable(inner) {
                self.error(CheckError::MaybeNone {
                    ty: t.to_string(),
                    span,
                    help: Some("give a default: `${x ?? \"none\"}`".into()),
                });
                return;
            }
        }
        let help = match t {
            Type::Optional(_) => Some("give a default: `${x ?? \"none\"}`".to_string()),
            Type::List(_) => Some(
                "only lists of scalars interpolate (one word per element); use `to_json(…)` or a comprehension"
                    .to_string(),
            ),
            _ => Some("interpolate a field, or convert the value with `to_json(…)`".to_string()),
        };
        self.error(CheckError::NotInterpolable {
            ty: t.to_string(),
            span,
            help,
        });
    }
}

fn is_numeric_pair(a: &Type, b: &Type) -> bool {
    matches!((a, b), (Type::Int | Type::Float, Type::Int | Type::Float))
}

/// Arithmetic on numbers: `int` with `int` is `int`; with a `float` anywhere, `float`.
fn numeric(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Int, Type::Int) => Some(Type::Int),
        (Type::Int | Type::Float, Type::Int | Type::Float) => Some(Type::Float),
        _ => None,
    }
}

/// Whether a built-in argument is optional, or a list of optionals (a gathered branch output).
fn has_optional(t: &Type) -> bool {
    match t {
        Type::Optional(_) => true,
        Type::List(inner) => matches!(**inner, Type::Optional(_)),
        _ => false,
    }
}

/// The argument type with the optional layer of [`has_optional`] removed.
fn strip_optional(t: &Type) -> Type {
    match t {
        Type::Optional(inner) => (**inner).clone(),
        Type::List(inner) => Type::List(Box::new(inner.unwrap_optional().clone())),
        other => other.clone(),
    }
}
