//! Syntax: source text → AST with spans, and the syntax diagnostics (E00xx).

pub mod ast;
pub mod grammar;
pub mod parse;
pub mod span;

pub use parse::parse;
