//! Expressions.

use super::Ident;
use crate::syntax::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// A string literal; interpolations are parts of it. A string without `${}`
    /// is a single `Lit` part (or no part when empty).
    Str(Vec<StrPart>),
    /// `r"..."`: no escapes, no interpolation.
    RawStr(String),
    /// A duration literal, in milliseconds.
    Duration(i64),
    /// A date literal, already validated.
    Date(jiff::civil::Date),
    List(Vec<Expr>),
    /// `{"key": value, ...}`; keys are expressions of type string (usually literals).
    /// `{}` is an empty map.
    Map(Vec<(Expr, Expr)>),
    /// `{name: value, ...}` with identifier keys.
    Record(Vec<(Ident, Expr)>),
    Name(Ident),
    /// `base.field`
    Field(Box<Expr>, Ident),
    /// `base[index]`
    Index(Box<Expr>, Box<Expr>),
    /// `callee(args, name: value)`
    Call {
        callee: Box<Expr>,
        args: Vec<Expr>,
        named: Vec<(Ident, Expr)>,
    },
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<Expr>, Box<Expr>),
    /// `if cond then a else b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `[elem for var in iter if cond]`
    Comprehension {
        elem: Box<Expr>,
        var: Ident,
        iter: Box<Expr>,
        cond: Option<Box<Expr>>,
    },
    /// Stands in for an expression that could not be built (an error was reported).
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StrPart {
    Lit(String),
    Interp(Expr),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Coalesce,
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Coalesce => "??",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }
}

impl UnaryOp {
    #[must_use]
    pub fn symbol(self) -> &'static str {
        match self {
            UnaryOp::Neg => "-",
            UnaryOp::Not => "not",
        }
    }
}
