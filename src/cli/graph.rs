//! `maestroc graph FILE [-w WORKFLOW] --format dot|mermaid|json`
//!
//! Without `-w`, every workflow of the file is drawn (one DOT `digraph` or Mermaid
//! `flowchart` with a cluster per workflow; JSON `{"workflows": [...]}` when there are
//! several). With `-w`, only that one (JSON: its object).

use clap::{Args, ValueEnum};

use crate::ir::{dot, graph, mermaid};

#[derive(Debug, Args)]
pub struct GraphArgs {
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

pub fn run(args: &GraphArgs, color: bool) -> i32 {
    let (analysis, ir) = match super::compile_file(&args.file, color) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let ids = match &args.workflow {
        Some(name) => match super::pick_workflow(&analysis, Some(name)) {
            Ok(id) => vec![id],
            Err(message) => {
                eprintln!("error: {message}");
                return 2;
            }
        },
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
        eprintln!("error: `{}` defines no workflow to draw", args.file);
        return 2;
    }
    let views: Vec<graph::View> = ids
        .iter()
        .filter_map(|id| ir.workflows.get(id.0 as usize))
        .map(|w| graph::view(w, &analysis.program, &analysis.sources))
        .collect();
    match args.format {
        Format::Dot => print!("{}", dot::dot(&views)),
        Format::Mermaid => print!("{}", mermaid::mermaid(&views)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&graph::to_json(&views)).unwrap_or_default()
        ),
    }
    0
}
