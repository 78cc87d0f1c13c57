//! `compile --target argo`: an Argo Workflows manifest (YAML) from the IR.

pub mod build;
pub mod expr;
pub mod model;
pub mod shim;
pub mod yaml;

pub use build::export;
