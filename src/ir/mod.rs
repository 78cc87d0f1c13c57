//! The IR: checked programs lowered to graphs the runtime interprets.
//!
//! A workflow's body is a petgraph graph of nodes (steps and `foreach`/`while`/`if`
//! scopes). Scope bodies are templates: compiled once, instantiated per iteration at
//! run time. Names are resolved to ids; every node and expression keeps its span.
//! Everything the runtime needs (types, ids, operators, failure policies, built-ins, the
//! names behind the ids) is reachable from here, so the runtime imports nothing from
//! `syntax` or `check`. See `docs/ir.md`.

pub mod expr;
pub mod lower;
pub mod node;
pub mod ops;
pub mod policy;
pub mod schedule;
pub mod symbols;
pub mod view;

pub use expr::*;
pub use node::*;
pub use ops::{BinaryOp, UnaryOp};
pub use policy::{FailureMode, RetryOn};
pub use schedule::{due_fire_times, next_fire_times, CatchUp, IrSchedule, IrTrigger};
pub use symbols::Symbols;
/// The views moved to [`view`]; these paths keep working for callers not yet updated.
pub use view::{dot, graph, json, mermaid};

pub use crate::base::ids::{BindingId, FnId, ModuleId, ScopeId, StepId, WorkflowId};
pub use crate::check::builtins::Builtin;
pub use crate::check::ty::Type;
