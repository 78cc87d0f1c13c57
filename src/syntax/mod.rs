//! Syntax: source text → AST with spans, and the syntax diagnostics (E00xx).

pub mod ast;
pub mod grammar;
pub mod span;
pub mod parse;

pub use parse::parse;
