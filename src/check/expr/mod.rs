//! Type-checking expressions and resolving the names in them.

mod call;
mod ops;
mod resolve;

use super::builtins::{self, Arg, Builtin};
use super::error::CheckError;
use super::tree::{TExpr, TExprKind, TStrPart};
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
    /// Checks `e` and requires its type to fit `expected`; returns its node (with the found type).
    pub(in crate::check) fn expect(
        &mut self,
        e: &Expr,
        expected: &Type,
        env: &WfEnv,
        ctx: &mut Ctx,
        what: &str,
    ) -> TExpr {
        let found = self.expr(e, env, ctx);
        self.require(&found.ty, expected, e.span, what);
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

    /// Checks `e`: its typed node, with the type it has.
    pub(in crate::check) fn expr(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx) -> TExpr {
        let (kind, ty) = self.expr_kind(e, env, ctx);
        TExpr { kind, ty, span: e.span }
    }

    fn expr_kind(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx) -> (TExprKind, Type) {
        match &e.kind {
            ExprKind::Int(n) => (TExprKind::Int(*n), Type::Int),
            ExprKind::Float(f) => (TExprKind::Float(*f), Type::Float),
            ExprKind::Bool(b) => (TExprKind::Bool(*b), Type::Bool),
            ExprKind::None => (TExprKind::None, Type::optional(Type::Unknown)),
            ExprKind::RawStr(s) => (TExprKind::Str(s.clone()), Type::String),
            ExprKind::Duration(ms) => (TExprKind::Duration(*ms), Type::Duration),
            ExprKind::Date(d) => (TExprKind::Date(d.to_string()), Type::Date),
            ExprKind::Error => (TExprKind::Invalid, Type::Error),
            ExprKind::Str(parts) => (TExprKind::Interp(self.str_parts(parts, env, ctx)), Type::String),
            ExprKind::List(items) => {
                let mut elem = Type::Unknown;
                let mut nodes = Vec::with_capacity(items.len());
                for item in items {
                    let node = self.expr(item, env, ctx);
                    match join(&elem, &node.ty) {
                        Some(j) => elem = j,
                        None => self.error(CheckError::Mismatch {
                            expected: elem.to_string(),
                            found: node.ty.to_string(),
                            span: item.span,
                            label: "list elements must all have one type".into(),
                            help: Some(format!("the elements before this one are `{elem}`")),
                        }),
                    }
                    nodes.push(node);
                }
                (TExprKind::List(nodes), Type::list(elem))
            }
            ExprKind::Map(entries) => {
                let mut elem = Type::Unknown;
                let mut nodes = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = self.expect(k, &Type::String, env, ctx, "a map key");
                    let value = self.expr(v, env, ctx);
                    match join(&elem, &value.ty) {
                        Some(j) => elem = j,
                        None => self.error(CheckError::Mismatch {
                            expected: elem.to_string(),
                            found: value.ty.to_string(),
                            span: v.span,
                            label: "map values must all have one type".into(),
                            help: Some(
                                "to mix types, use a record with identifier keys: `{name: \"a\", size: 1}`".into(),
                            ),
                        }),
                    }
                    nodes.push((key, value));
                }
                (TExprKind::Map(nodes), Type::map(elem))
            }
            ExprKind::Record(fields) => {
                let mut types = Vec::with_capacity(fields.len());
                let mut nodes = Vec::with_capacity(fields.len());
                for (name, v) in fields {
                    let node = self.expr(v, env, ctx);
                    types.push((name.name.clone(), node.ty.clone()));
                    nodes.push((name.name.clone(), node));
                }
                (TExprKind::Record(nodes), Type::Record(types.into()))
            }
            ExprKind::Name(id) => self.name(id, env, ctx),
            ExprKind::Field(base, field) => self.field(base, field, env, ctx),
            ExprKind::Index(base, index) => {
                let b = self.expr(base, env, ctx);
                let (i, ty) = match &b.ty {
                    Type::List(inner) => {
                        let inner = (**inner).clone();
                        (self.expect(index, &Type::Int, env, ctx, "a list index"), inner)
                    }
                    Type::Map(inner) => {
                        let inner = (**inner).clone();
                        (self.expect(index, &Type::String, env, ctx, "a map key"), inner)
                    }
                    Type::Error | Type::Unknown => (self.expr(index, env, ctx), Type::Error),
                    Type::Optional(_) => {
                        let i = self.expr(index, env, ctx);
                        self.error(CheckError::MaybeNone {
                            ty: b.ty.to_string(),
                            span: base.span,
                            help: Some("give a default before indexing: `(xs ?? [])[0]`".into()),
                        });
                        (i, Type::Error)
                    }
                    other @ (Type::Int
                    | Type::Float
                    | Type::Bool
                    | Type::String
                    | Type::Duration
                    | Type::Date
                    | Type::Record(_)) => {
                        let other = other.to_string();
                        let i = self.expr(index, env, ctx);
                        self.error(CheckError::NotIndexable {
                            ty: other,
                            span: base.span,
                        });
                        (i, Type::Error)
                    }
                };
                (TExprKind::Index(Box::new(b), Box::new(i)), ty)
            }
            ExprKind::Call { callee, args, named } => self.call(e.span, callee, args, named, env, ctx),
            ExprKind::Unary(op, inner) => {
                let node = self.expr(inner, env, ctx);
                let t = &node.ty;
                let ty = match (op, t) {
                    (_, Type::Error | Type::Unknown) => Type::Error,
                    (UnaryOp::Neg, Type::Int | Type::Float | Type::Duration) | (UnaryOp::Not, Type::Bool) => t.clone(),
                    (_, Type::Optional(_)) => {
                        self.error(CheckError::MaybeNone {
                            ty: t.to_string(),
                            span: inner.span,
                            help: Some("give a default first: `x ?? value`".into()),
                        });
                        Type::Error
                    }
                    (UnaryOp::Neg, _) => {
                        let t = t.clone();
                        self.require(&t, &Type::Int, inner.span, "the operand of `-`");
                        Type::Error
                    }
                    (UnaryOp::Not, _) => {
                        let t = t.clone();
                        self.require(&t, &Type::Bool, inner.span, "the operand of `not`");
                        Type::Error
                    }
                };
                (TExprKind::Unary(*op, Box::new(node)), ty)
            }
            ExprKind::Binary(op, l, r) => {
                let ln = self.expr(l, env, ctx);
                let rn = self.expr(r, env, ctx);
                let ty = self.binary(*op, l, r, &ln.ty, &rn.ty, e.span);
                (TExprKind::Binary(*op, Box::new(ln), Box::new(rn)), ty)
            }
            ExprKind::If(c, a, b) => {
                let cn = self.expect(c, &Type::Bool, env, ctx, "the condition");
                let an = self.expr(a, env, ctx);
                let bn = self.expr(b, env, ctx);
                let ty = if let Some(t) = join(&an.ty, &bn.ty) {
                    t
                } else {
                    self.error(CheckError::Mismatch {
                        expected: an.ty.to_string(),
                        found: bn.ty.to_string(),
                        span: b.span,
                        label: "both branches must have one type".into(),
                        help: Some(format!("the `then` branch is `{}`", an.ty)),
                    });
                    Type::Error
                };
                (TExprKind::If(Box::new(cn), Box::new(an), Box::new(bn)), ty)
            }
            ExprKind::Comprehension { elem, var, iter, cond } => {
                let it = self.expr(iter, env, ctx);
                let var_ty = self.element_type(&it.ty, iter.span, "a comprehension");
                let b = self.new_binding(&var.name, BindingKind::CompVar, var.span, var_ty);
                self.used[b.0 as usize] = true;
                ctx.locals.push((var.name.clone(), b));
                let cond = cond
                    .as_ref()
                    .map(|c| Box::new(self.expect(c, &Type::Bool, env, ctx, "the filter")));
                let elem = self.expr(elem, env, ctx);
                ctx.locals.pop();
                let ty = Type::list(elem.ty.clone());
                (
                    TExprKind::Comprehension {
                        var: b,
                        iter: Box::new(it),
                        elem: Box::new(elem),
                        cond,
                    },
                    ty,
                )
            }
        }
    }

    /// The parts of a quoted string; `${raw(x)}` becomes a raw part holding `x`.
    pub(in crate::check) fn str_parts(&mut self, parts: &[StrPart], env: &WfEnv, ctx: &mut Ctx) -> Vec<TStrPart> {
        let mut out = Vec::with_capacity(parts.len());
        for part in parts {
            match part {
                StrPart::Lit(s) => out.push(TStrPart::Lit(s.clone())),
                StrPart::Interp(inner) => {
                    let mut node = self.expr(inner, env, ctx);
                    self.check_interpolable(&node.ty, inner.span);
                    let positional = matches!(&inner.kind, ExprKind::Call { args, .. } if !args.is_empty());
                    if let (true, TExprKind::CallBuiltin(Builtin::Raw, args)) = (positional, &mut node.kind) {
                        if !args.is_empty() {
                            out.push(TStrPart::Value {
                                expr: args.swap_remove(0),
                                raw: true,
                            });
                            continue;
                        }
                    }
                    out.push(TStrPart::Value { expr: node, raw: false });
                }
            }
        }
        out
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
            other @ (Type::Int
            | Type::Float
            | Type::Bool
            | Type::String
            | Type::Duration
            | Type::Date
            | Type::Map(_)
            | Type::Record(_)) => {
                let help = match other {
                    Type::Map(_) => Some("iterate over `keys(m)` or `values(m)`".to_string()),
                    Type::Int => Some("iterate over `range(n)` to count".to_string()),
                    Type::Float
                    | Type::Bool
                    | Type::String
                    | Type::Duration
                    | Type::Date
                    | Type::List(_)
                    | Type::Record(_)
                    | Type::Optional(_)
                    | Type::Unknown
                    | Type::Error => None,
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
            Type::Int
            | Type::Float
            | Type::Bool
            | Type::String
            | Type::Duration
            | Type::Date
            | Type::Map(_)
            | Type::Record(_)
            | Type::Unknown
            | Type::Error => Some("interpolate a field, or convert the value with `to_json(…)`".to_string()),
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
        Type::Int
        | Type::Float
        | Type::Bool
        | Type::String
        | Type::Duration
        | Type::Date
        | Type::Map(_)
        | Type::Record(_)
        | Type::Unknown
        | Type::Error => false,
    }
}

/// The argument type with the optional layer of [`has_optional`] removed.
fn strip_optional(t: &Type) -> Type {
    match t {
        Type::Optional(inner) => (**inner).clone(),
        Type::List(inner) => Type::List(Box::new(inner.unwrap_optional().clone())),
        other @ (Type::Int
        | Type::Float
        | Type::Bool
        | Type::String
        | Type::Duration
        | Type::Date
        | Type::Map(_)
        | Type::Record(_)
        | Type::Unknown
        | Type::Error) => other.clone(),
    }
}
