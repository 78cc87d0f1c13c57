//! The IR and its views: `compile --emit ir` JSON, `graph` DOT/Mermaid/JSON, lifted
//! edges, determinism, and templates that do not grow with iteration counts.

mod cli;
mod examples;
mod layers;
mod lifted;
mod operations;
mod render;
mod templates;

use maestroc::driver::{analyze, Analysis};
use maestroc::ir::{graph, lower::lower, Ir};
use maestroc::loader::MemLoader;

/// Checks and lowers one in-memory file, which must check without errors.
pub(crate) fn compile(text: &str) -> (Analysis, Ir) {
    let loader = MemLoader::new().with("test.mflow", text);
    let analysis = analyze(&loader, &["test.mflow".to_string()]);
    let Some(checked) = analysis.checked() else {
        panic!(
            "test program has errors: {:?}",
            analysis.problems.iter().collect::<Vec<_>>()
        );
    };
    let ir = lower(&checked);
    (analysis, ir)
}

/// The IR JSON, pretty-printed as `compile --emit ir` prints it.
pub(crate) fn ir_json(analysis: &Analysis, ir: &Ir) -> String {
    serde_json::to_string_pretty(&maestroc::ir::json::to_json(ir, &analysis.program, &analysis.sources)).unwrap()
}

/// The views of every workflow of the root file.
pub(crate) fn views(analysis: &Analysis, ir: &Ir) -> Vec<graph::View> {
    let root = analysis.roots.first().copied();
    ir.workflows
        .iter()
        .filter(|w| Some(analysis.program.workflow(w.id).module) == root)
        .map(|w| graph::view(w, &analysis.program, &analysis.sources))
        .collect()
}
