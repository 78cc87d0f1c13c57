//! Lowering of checked programs to the IR graph.
