//! Type expressions as written in the source: `int`, `list<string>`, `{a: int}`, `T?`.

use super::Ident;
use crate::syntax::span::Span;

#[derive(Clone, Debug, PartialEq)]
pub struct TypeExpr {
    pub kind: TypeExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeExprKind {
    /// A named type: `int float bool string duration date`, or an unknown name
    /// (reported by the checker).
    Named(Ident),
    /// `list<T>` or `map<T>` (or an unknown generic name, reported by the checker).
    Generic(Ident, Vec<TypeExpr>),
    /// `{name: T, ...}`
    Record(Vec<(Ident, TypeExpr)>),
    /// `T?`
    Optional(Box<TypeExpr>),
}
