//! Leaf modules that import nothing from the crate: plain values shared by every stage.

pub mod duration;
