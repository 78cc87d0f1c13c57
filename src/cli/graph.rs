//! `maestroc graph FILE [-w WORKFLOW] --format dot|mermaid|json`

use clap::{Args, ValueEnum};

use crate::ir::graph;

#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The `.mflow` file.
    file: String,
    /// Draw only this workflow (default: every workflow of the file).
    #[arg(short = 'w', long)]
    workflow: Option<String>,
    #[arg(long, value_enum, default_value_t = Format::Dot)]
    format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Dot,
    Mermaid,
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
                .filter(|w| Some(analysis.program.workflow(w.id).module) == root)
                .map(|w| w.id)
                .collect()
        }
    };
    let views: Vec<graph::View> = ids
        .iter()
        .map(|id| graph::view(ir.workflow(*id), &analysis.program, &analysis.sources))
        .collect();
    match args.format {
        Format::Dot => print!("{}", graph::dot(&views)),
        Format::Mermaid => print!("{}", graph::mermaid(&views)),
        Format::Json => println!(
            "{}",
            serde_json::to_string_pretty(&graph::to_json(&views)).unwrap_or_default()
        ),
    }
    0
}
