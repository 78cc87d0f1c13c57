//! The views of a lowered program: the JSON of `compile --emit ir` and the graphs of
//! `graph` (a view model, rendered as DOT, Mermaid or JSON).

pub mod dot;
pub mod graph;
pub mod json;
pub mod mermaid;
