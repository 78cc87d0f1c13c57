//! `maestroc graph FILE [-w WORKFLOW] --format dot|mermaid|json`
//!
//! Without `-w`, every workflow of the file is drawn (one DOT `digraph` or Mermaid
//! `flowchart` with a cluster per workflow; JSON `{"workflows": [...]}` when there are
//! several). With `-w`, only that one (JSON: its object).

use clap::{Args, ValueEnum};

use super::error::{CliError, CliResult};
use super::out::Out;
use super::Ctx;
use crate::ir::{dot, graph, mermaid};

#[derive(Debug, Args)]
pub(super) struct GraphArgs {
    /// The `.mflow` file.
    file: String,
    /// Draw only this workflow (default: every workflow of the file).
    #[arg(short = 'w', long)]
    workflow: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// Graphviz DOT (`maestroc graph f.mflow | dot -Tsvg > f.svg`).
    Dot,
    /// A Mermaid `flowchart`.
    Mermaid,
    /// Nodes, clusters and edges as JSON.
    Json,
}

impl GraphArgs {
    pub(super) fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

pub(super) fn run(args: &GraphArgs, ctx: &Ctx) -> CliResult {
    let (analysis, ir) = super::compile_file(&args.file, ctx)?;
    let ids = match &args.workflow {
        Some(name) => vec![super::pick_workflow(&analysis, Some(name))?],
        None => {
            let root = analysis.roots.first().copied();
            ir.workflows
                .iter()
                .filter(|w| analysis.program.workflows.get(w.id.0 as usize).map(|i| i.module) == root)
                .map(|w| w.id)
                .collect()
        }
    };
    if ids.is_empty() {
        return Err(CliError::Workflow {
            message: format!("`{}` defines no workflow to draw", args.file),
            help: None,
        });
    }
    let views: Vec<graph::View> = ids
        .iter()
        .filter_map(|id| ir.workflows.get(id.0 as usize))
        .map(|w| graph::view(w, &analysis.program, &analysis.sources))
        .collect();
    let mut out = Out::new();
    match args.format {
        Format::Dot => out.text(&dot::dot(&views)),
        Format::Mermaid => out.text(&mermaid::mermaid(&views)),
        Format::Json => out.json(&graph::to_json(&views)),
    }
    out.finish()?;
    Ok(0)
}
