//! maestroc: the compiler and interpreter of MFlow.

pub mod base;
pub mod check;
#[allow(clippy::disallowed_methods, reason = "an I/O edge of the crate")]
pub mod cli;
pub mod diagnostics;
pub mod driver;
pub mod export;
pub mod format;
pub mod imports;
pub mod ir;
#[allow(clippy::disallowed_methods, reason = "an I/O edge of the crate")]
pub mod loader;
#[allow(clippy::disallowed_methods, reason = "an I/O edge of the crate")]
pub mod lsp;
#[allow(clippy::disallowed_methods, reason = "an I/O edge of the crate")]
pub mod runtime;
#[allow(clippy::disallowed_methods, reason = "an I/O edge of the crate")]
pub mod serve;
pub mod stdlib;
#[allow(clippy::disallowed_methods, reason = "an I/O edge of the crate")]
pub mod store;
pub mod syntax;

/// The source map lives in the leaf `base`; re-exported so `crate::source` keeps working.
pub use base::source;
