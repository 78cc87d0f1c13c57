//! [`Checked`]: a program that checked without errors, the only input lowering accepts.

use super::module::Module;
use super::tree::Tree;
use super::Program;
use crate::diagnostics::Problems;

/// The parsed modules, the checker's facts and its checked tree, together with the proof that the
/// check reported no error (warnings are fine). There is no other way to make one, so the IR
/// is never lowered from a program with errors.
#[derive(Clone, Copy, Debug)]
pub struct Checked<'a> {
    modules: &'a [Module],
    program: &'a Program,
    tree: &'a Tree,
}

impl<'a> Checked<'a> {
    /// `None` when `problems` holds an error (the checker built no tree then).
    #[must_use]
    pub fn new(modules: &'a [Module], program: &'a Program, problems: &Problems) -> Option<Self> {
        let tree = program.tree.as_ref()?;
        (!problems.has_errors()).then_some(Self { modules, program, tree })
    }

    /// The checked tree: every workflow and function, resolved and typed.
    #[must_use]
    pub fn tree(&self) -> &'a Tree {
        self.tree
    }

    #[must_use]
    pub fn modules(&self) -> &'a [Module] {
        self.modules
    }

    #[must_use]
    pub fn program(&self) -> &'a Program {
        self.program
    }
}
