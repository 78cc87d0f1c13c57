//! `maestroc compile FILE --emit ir`, `maestroc compile FILE --target argo|maestro`

use clap::{Args, ValueEnum};

use super::error::{CliError, CliResult};
use super::out::Out;
use super::Ctx;

#[derive(Debug, Args)]
pub(super) struct CompileArgs {
    /// The `.mflow` file (`-` reads standard input).
    file: String,
    /// What to produce (without `--target`).
    #[arg(long, value_enum, default_value_t = Emit::Ir, conflicts_with = "target")]
    emit: Emit,
    /// Compile for another engine: an Argo Workflows manifest (YAML) or a Netflix Maestro
    /// workflow definition (JSON). See `docs/export.md`.
    #[arg(long, value_enum)]
    target: Option<Target>,
    /// The workflow to compile, when the file has several.
    #[arg(short = 'w', long)]
    workflow: Option<String>,
    /// With `--target argo`: the kind of manifest.
    #[arg(long, value_enum, default_value_t = Kind::Workflow, requires = "target")]
    kind: Kind,
    /// The container image of command steps that name no `image`.
    #[arg(long, value_name = "IMAGE", requires = "target")]
    default_image: Option<String>,
    /// Warnings fail the compilation.
    #[arg(long)]
    deny_warnings: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// The IR as deterministic JSON.
    Ir,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Target {
    /// Argo Workflows: a `Workflow`, `CronWorkflow` (with `schedule`) or `WorkflowTemplate`.
    Argo,
    /// Netflix Maestro: the workflow definition its REST API takes.
    Maestro,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Kind {
    /// A `Workflow` (a `CronWorkflow` when the workflow has a `schedule`).
    Workflow,
    /// A `WorkflowTemplate`, to submit with `argo submit --from workflowtemplate/NAME`.
    Template,
}

pub(super) fn run(args: &CompileArgs, ctx: &Ctx) -> CliResult {
    let (analysis, ir) = super::compile_file(&args.file, ctx)?;
    let Some(target) = args.target else {
        let mut out = Out::new();
        match args.emit {
            Emit::Ir => out.json(&crate::ir::json::to_json(&ir, &analysis.program, &analysis.sources)),
        }
        out.finish()?;
        return Ok(0);
    };
    if target == Target::Maestro && args.kind == Kind::Template {
        return Err(CliError::Usage {
            message: "`--kind template` is an Argo manifest kind; Maestro has one kind of definition".into(),
        });
    }
    let workflow = super::pick_workflow(&analysis, args.workflow.as_deref())?;
    let options = crate::export::Options {
        default_image: args.default_image.clone(),
        template: args.kind == Kind::Template,
    };
    let exported = match target {
        Target::Argo => crate::export::argo::export(&ir, workflow, &options),
        Target::Maestro => crate::export::maestro::export(&ir, workflow, &options),
    };
    if !exported.problems.is_empty() {
        eprint!(
            "{}",
            crate::diagnostics::render::human(&analysis.sources, &exported.problems, &ctx.render())
        );
    }
    let errors = exported.problems.error_count();
    let warnings = exported.problems.len() - errors;
    match exported.text {
        Some(text) if errors == 0 && !(args.deny_warnings && warnings > 0) => super::write_stdout(text.as_bytes()),
        _ => Err(CliError::Compile {
            file: args.file.clone(),
            errors: errors.max(warnings),
        }),
    }
}
