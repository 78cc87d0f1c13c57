//! Syntax: source text → AST with spans, and the syntax diagnostics (E00xx).

pub mod ast;
pub mod build;
pub mod error;
pub mod expected;
pub mod fast;
pub mod grammar;
pub mod hint;
pub mod keywords;
pub mod literal;
pub mod oracle;
pub mod parse;
pub mod scan;
/// Spans live in the leaf `base`; re-exported so `crate::syntax::span` keeps working.
pub use crate::base::span;
pub mod words;

pub use parse::{parse, parse_expr, parse_pest};
