//! maestroc: the compiler and interpreter of MFlow.

pub mod base;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod driver;
pub mod ir;
pub mod loader;
pub mod runtime;
pub mod stdlib;
pub mod store;
pub mod syntax;

/// The source map lives in the leaf `base`; re-exported so `crate::source` keeps working.
pub use base::source;
