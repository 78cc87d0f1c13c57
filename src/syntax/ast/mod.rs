//! The abstract syntax tree of MFlow. Every node carries its [`Span`].

mod expr;
mod item;
mod step;
mod ty;

pub use expr::*;
pub use item::*;
pub use step::*;
pub use ty::*;

use super::span::Span;

/// An identifier as written, with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}
