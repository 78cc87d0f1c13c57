//! The IR: checked programs lowered to graphs the runtime interprets.
//!
//! A workflow's body is a petgraph graph of nodes (steps and `foreach`/`while`/`if`
//! scopes). Scope bodies are templates: compiled once, instantiated per iteration at
//! run time. Names are resolved to ids; every node and expression keeps its span.
//! See `docs/ir.md`.

pub mod dot;
pub mod expr;
pub mod graph;
pub mod json;
pub mod lower;
pub mod mermaid;
pub mod node;

pub use expr::*;
pub use node::*;
