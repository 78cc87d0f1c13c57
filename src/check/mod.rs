//! Checking: name resolution, types, dependency graph and warnings (E01xx–E03xx, W0xxx).

pub mod ty;
