//! Checked expressions: resolved names, arguments in parameter order, a type on each node.

use super::{BinaryOp, UnaryOp};
use crate::base::ids::{BindingId, FnId, StepId};
use crate::base::span::Span;
use crate::check::builtins::Builtin;
use crate::check::ty::Type;

/// A checked expression.
#[derive(Clone, Debug)]
pub struct TExpr {
    pub kind: TExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum TExprKind {
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// A raw string.
    Str(String),
    /// A quoted string, as written (interpolations included).
    Interp(Vec<TStrPart>),
    /// Milliseconds.
    Duration(i64),
    /// `YYYY-MM-DD`.
    Date(String),
    List(Vec<TExpr>),
    Map(Vec<(TExpr, TExpr)>),
    Record(Vec<(String, TExpr)>),
    Var(BindingId),
    /// The outputs of a step (a record).
    Step(StepId),
    Field(Box<TExpr>, String),
    Index(Box<TExpr>, Box<TExpr>),
    /// A user function, with one argument per parameter in parameter order.
    CallFn(FnId, Vec<TExpr>),
    /// A built-in, positional arguments then named ones in parameter order.
    CallBuiltin(Builtin, Vec<TExpr>),
    Unary(UnaryOp, Box<TExpr>),
    Binary(BinaryOp, Box<TExpr>, Box<TExpr>),
    If(Box<TExpr>, Box<TExpr>, Box<TExpr>),
    Comprehension {
        var: BindingId,
        iter: Box<TExpr>,
        elem: Box<TExpr>,
        cond: Option<Box<TExpr>>,
    },
    /// Where the checker reported an error; never in a tree handed out by `Checked`.
    Invalid,
}

/// A piece of a quoted string.
#[derive(Clone, Debug)]
pub enum TStrPart {
    Lit(String),
    /// An interpolation; `raw` for `${raw(x)}` (inserted without quoting), whose `expr` is `x`.
    Value {
        expr: TExpr,
        raw: bool,
    },
}

impl TExpr {
    /// A node for where the checker reported an error.
    #[must_use]
    pub fn invalid(span: Span) -> Self {
        Self {
            kind: TExprKind::Invalid,
            ty: Type::Error,
            span,
        }
    }
}
