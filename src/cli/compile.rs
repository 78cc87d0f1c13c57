//! `maestroc compile FILE --emit ir`

use clap::{Args, ValueEnum};

use super::error::CliResult;
use super::out::Out;
use super::Ctx;

#[derive(Debug, Args)]
pub(super) struct CompileArgs {
    /// The `.mflow` file (`-` reads standard input).
    file: String,
    /// What to produce.
    #[arg(long, value_enum, default_value_t = Emit::Ir)]
    emit: Emit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Emit {
    /// The IR as deterministic JSON.
    Ir,
}

pub(super) fn run(args: &CompileArgs, ctx: &Ctx) -> CliResult {
    let (analysis, ir) = super::compile_file(&args.file, ctx)?;
    let mut out = Out::new();
    match args.emit {
        Emit::Ir => out.json(&crate::ir::json::to_json(&ir, &analysis.program, &analysis.sources)),
    }
    out.finish()?;
    Ok(0)
}
