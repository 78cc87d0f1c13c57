//! The leaf of the crate: spans, the source map, the small ids every stage shares, and
//! plain values (durations) shared by the front end and the runtime. Nothing here imports
//! from the rest of the crate.

pub mod duration;
pub mod ids;
pub mod source;
pub mod span;
