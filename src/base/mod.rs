//! The leaf of the crate: spans, the source map and the small ids every stage shares.
//! Nothing here imports from the rest of the crate.

pub mod ids;
pub mod source;
pub mod span;
