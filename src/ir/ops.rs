//! The operators of the IR. The AST keeps its own `BinaryOp`/`UnaryOp` (what was
//! written); lowering maps them to these (what the runtime evaluates), so the runtime
//! needs nothing from `syntax`.

use crate::check::tree;

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

impl From<tree::UnaryOp> for UnaryOp {
    fn from(op: tree::UnaryOp) -> Self {
        match op {
            tree::UnaryOp::Neg => UnaryOp::Neg,
            tree::UnaryOp::Not => UnaryOp::Not,
        }
    }
}

impl From<tree::BinaryOp> for BinaryOp {
    fn from(op: tree::BinaryOp) -> Self {
        match op {
            tree::BinaryOp::Coalesce => BinaryOp::Coalesce,
            tree::BinaryOp::Or => BinaryOp::Or,
            tree::BinaryOp::And => BinaryOp::And,
            tree::BinaryOp::Eq => BinaryOp::Eq,
            tree::BinaryOp::Ne => BinaryOp::Ne,
            tree::BinaryOp::Lt => BinaryOp::Lt,
            tree::BinaryOp::Le => BinaryOp::Le,
            tree::BinaryOp::Gt => BinaryOp::Gt,
            tree::BinaryOp::Ge => BinaryOp::Ge,
            tree::BinaryOp::Add => BinaryOp::Add,
            tree::BinaryOp::Sub => BinaryOp::Sub,
            tree::BinaryOp::Mul => BinaryOp::Mul,
            tree::BinaryOp::Div => BinaryOp::Div,
            tree::BinaryOp::Rem => BinaryOp::Rem,
        }
    }
}
