//! IR expressions: names resolved to ids, calls resolved to functions or built-ins.

use serde::Serialize;

use super::ops::{BinaryOp, UnaryOp};
use super::Builtin;
use crate::base::span::Span;
use crate::check::{BindingId, FnId, ScopeLevel, StepId};

#[derive(Clone, Debug, Serialize)]
pub struct IrExpr {
    pub kind: IrExprKind,
    #[serde(skip)]
    pub span: Span,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IrExprKind {
    Int(i64),
    Float(f64),
    Bool(bool),
    None,
    /// A string without interpolation.
    Str(String),
    /// A string with interpolations.
    Interp(Vec<IrStrPart>),
    /// Milliseconds.
    Duration(i64),
    /// ISO date.
    Date(String),
    List(Vec<IrExpr>),
    Map(Vec<(IrExpr, IrExpr)>),
    Record(Vec<(String, IrExpr)>),
    /// The value of a binding (param, const, let, loop or `while` variable, function
    /// parameter, comprehension variable, `signal` payload).
    Var(BindingId),
    /// The outputs of a step, as a record, seen from where the expression is: go `up`
    /// body levels from the current one, then down through `path` (gathering lists over
    /// loop iterations, `none` for untaken branches) to the step.
    Step {
        step: StepId,
        up: u32,
        path: Vec<PathLevel>,
    },
    Field(Box<IrExpr>, String),
    Index(Box<IrExpr>, Box<IrExpr>),
    /// A user function; arguments in parameter order.
    CallFn(FnId, Vec<IrExpr>),
    /// A built-in; arguments in parameter order.
    CallBuiltin(#[serde(serialize_with = "ser_builtin")] Builtin, Vec<IrExpr>),
    Unary(#[serde(serialize_with = "ser_unary")] UnaryOp, Box<IrExpr>),
    Binary(
        #[serde(serialize_with = "ser_binary")] BinaryOp,
        Box<IrExpr>,
        Box<IrExpr>,
    ),
    If(Box<IrExpr>, Box<IrExpr>, Box<IrExpr>),
    Comprehension {
        var: BindingId,
        iter: Box<IrExpr>,
        elem: Box<IrExpr>,
        cond: Option<Box<IrExpr>>,
    },
}

/// One level on the way down from a body to a step in a nested scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PathLevel {
    /// All iterations of this `foreach`, gathered in iteration order.
    Foreach(u32),
    /// All iterations of this `while`, gathered in order.
    While(u32),
    /// Branch `n` of this `if` (`none` when another branch was taken).
    Branch(u32, u32),
}

impl From<ScopeLevel> for PathLevel {
    fn from(level: ScopeLevel) -> Self {
        match level {
            ScopeLevel::Foreach(s) => PathLevel::Foreach(s.0),
            ScopeLevel::While(s) => PathLevel::While(s.0),
            ScopeLevel::Branch(s, n) => PathLevel::Branch(s.0, n),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IrStrPart {
    Lit(String),
    /// An interpolated value; `raw` when written `${raw(…)}` (inserted verbatim in `run`).
    Value {
        expr: IrExpr,
        raw: bool,
    },
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn ser_builtin<S: serde::Serializer>(b: &Builtin, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(b.name())
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn ser_unary<S: serde::Serializer>(op: &UnaryOp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(op.symbol())
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn ser_binary<S: serde::Serializer>(op: &BinaryOp, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(op.symbol())
}
