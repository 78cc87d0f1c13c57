//! maestroc: the compiler and interpreter of MFlow.

pub mod base;
pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod driver;
pub mod ir;
pub mod loader;
pub mod runtime;
pub mod source;
pub mod stdlib;
pub mod store;
pub mod syntax;
