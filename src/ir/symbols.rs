//! The names and types behind the ids the IR uses: what the runtime needs to know about a
//! binding or a step besides the graph (a binding's name for messages, a step's declared
//! outputs to build the record `step.output` reads). Copied from the checked program once
//! at lowering, so the runtime reads only the IR.

use crate::base::ids::{BindingId, StepId};
use crate::check::ty::Type;
use crate::check::Program;

#[derive(Clone, Debug)]
pub struct BindingSymbol {
    pub name: String,
    pub ty: Type,
}

#[derive(Clone, Debug)]
pub struct StepSymbol {
    pub name: String,
    /// Declared outputs (for a `call`, the callee's outputs), as seen inside the step.
    pub outputs: Vec<(String, Type)>,
}

/// Every binding and step of the program, by id.
#[derive(Clone, Debug, Default)]
pub struct Symbols {
    pub bindings: Vec<BindingSymbol>,
    pub steps: Vec<StepSymbol>,
}

impl Symbols {
    #[must_use]
    pub fn of(program: &Program) -> Self {
        Self {
            bindings: program
                .bindings
                .iter()
                .map(|b| BindingSymbol {
                    name: b.name.clone(),
                    ty: b.ty.clone(),
                })
                .collect(),
            steps: program
                .steps
                .iter()
                .map(|s| StepSymbol {
                    name: s.name.clone(),
                    outputs: s.outputs.clone(),
                })
                .collect(),
        }
    }

    #[must_use]
    pub fn binding(&self, id: BindingId) -> &BindingSymbol {
        &self.bindings[id.0 as usize]
    }

    #[must_use]
    pub fn step(&self, id: StepId) -> &StepSymbol {
        &self.steps[id.0 as usize]
    }
}
