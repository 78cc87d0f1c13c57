//! Syntax: source text → AST with spans, and the syntax diagnostics (E00xx).

pub mod ast;
pub mod build;
pub mod error;
pub mod expected;
pub mod fast;
pub mod grammar;
pub mod parse;
pub mod scan;
/// Spans live in the leaf `base`; re-exported so `crate::syntax::span` keeps working.
pub use crate::base::span;

pub use parse::{parse, parse_expr, parse_pest};
