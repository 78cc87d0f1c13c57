//! [`Checked`]: a program that checked without errors, the only input lowering accepts.

use super::module::Module;
use super::Program;
use crate::diagnostics::Problems;

/// The parsed modules and the checker's facts about them, together with the proof that the
/// check reported no error (warnings are fine). There is no other way to make one, so the IR
/// is never lowered from a program with errors.
#[derive(Clone, Copy, Debug)]
pub struct Checked<'a> {
    modules: &'a [Module],
    program: &'a Program,
}

impl<'a> Checked<'a> {
    /// `None` when `problems` holds an error.
    #[must_use]
    pub fn new(modules: &'a [Module], program: &'a Program, problems: &Problems) -> Option<Self> {
        (!problems.has_errors()).then_some(Self { modules, program })
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
