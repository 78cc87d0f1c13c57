//! `compile --target maestro`: a Netflix Maestro workflow definition (JSON) from the IR.

pub mod build;
pub mod model;
pub mod sel;

pub use build::export;
