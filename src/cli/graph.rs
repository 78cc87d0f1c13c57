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

/// The state of each step of the run's workflow among `views`, by node id.
fn run_states<'v>(text: &str, views: &'v [graph::View], file: &str) -> Result<Vec<(&'v str, &'static str)>, CliError> {
    let (store, run_id) = super::runs::store_with_run(text)?;
    let run = store.run(&run_id)?;
    let Some(view) = views.iter().find(|v| v.workflow == run.workflow) else {
        return Err(CliError::RunNotInFile {
            run_id,
            workflow: run.workflow,
            file: file.to_string(),
            run_file: run.file,
        });
    };
    let steps = store.step_summaries(&run_id)?;
    Ok(super::graph_states::node_states(view, &steps, &run.state))
}

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
    /// Colour the steps by their state in this run (an id, a unique prefix, or `last`).
    #[arg(long, value_name = "RUN", add = clap_complete::engine::ArgValueCompleter::new(super::complete::run_ids))]
    run: Option<String>,
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
    let states = match &args.run {
        Some(text) => run_states(text, &views, &args.file)?,
        None => Vec::new(),
    };
    let mut out = Out::new();
    match args.format {
        Format::Dot => {
            let text = dot::dot(&views);
            let body = text.strip_suffix("}\n").unwrap_or(&text);
            out.text(body);
            if text.len() != body.len() {
                out.text(&super::graph_states::dot(&states));
                out.text("}\n");
            }
        }
        Format::Mermaid => {
            out.text(&mermaid::mermaid(&views));
            out.text(&super::graph_states::mermaid(&states));
        }
        Format::Json => {
            let mut json = graph::to_json(&views);
            if args.run.is_some() {
                let map: serde_json::Map<String, serde_json::Value> =
                    states.iter().map(|(id, s)| ((*id).to_string(), (*s).into())).collect();
                if let Some(obj) = json.as_object_mut() {
                    obj.insert("states".into(), serde_json::Value::Object(map));
                }
            }
            out.json(&json);
        }
    }
    out.finish()?;
    Ok(0)
}
