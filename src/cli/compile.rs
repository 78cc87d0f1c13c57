//! `maestroc compile FILE --emit ir`

use clap::{Args, ValueEnum};

#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The `.mflow` file.
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

pub fn run(args: &CompileArgs, color: bool) -> i32 {
    let (analysis, ir) = match super::compile_file(&args.file, color) {
        Ok(x) => x,
        Err(code) => return code,
    };
    match args.emit {
        Emit::Ir => {
            let json = crate::ir::json::to_json(&ir, &analysis.program, &analysis.sources);
            println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        }
    }
    0
}
