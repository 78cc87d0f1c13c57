//! `maestroc run FILE [-w WORKFLOW] [-p name=value]… [--params-file F.json]`

use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::runtime::limits::Limits;
use crate::runtime::report::Mode;
use crate::runtime::run::{execute, Launch, Start};
use crate::runtime::scheduler::Options;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The `.mflow` file.
    file: String,
    /// The workflow to run (optional when the file has one).
    #[arg(short = 'w', long)]
    workflow: Option<String>,
    /// A launch parameter, parsed by the param's type (lists, maps, records as JSON).
    #[arg(short = 'p', long = "param", value_name = "NAME=VALUE")]
    params: Vec<String>,
    /// A JSON object of launch parameters (`-p` wins over it).
    #[arg(long, value_name = "FILE")]
    params_file: Option<String>,
    #[command(flatten)]
    pub how: HowArgs,
}

/// How a run is carried out and shown: shared by `run` and `resume`.
#[derive(Debug, Args)]
pub struct HowArgs {
    /// Output: progress lines (human) or one JSON result object on stdout (json).
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// At most this many steps running at once in the whole run.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    max_parallel: Option<u32>,
    /// Longest list an expression may build.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_list_len)]
    max_list_len: usize,
    /// Longest string (bytes) an expression may build.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_string_len)]
    max_string_len: usize,
    /// Evaluation steps one expression may take.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_steps)]
    max_eval_steps: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
}

pub fn run(args: &RunArgs, color: bool) -> i32 {
    let (analysis, ir) = match super::compile_file(&args.file, color) {
        Ok(x) => x,
        Err(code) => return code,
    };
    let workflow = match super::pick_workflow(&analysis, args.workflow.as_deref()) {
        Ok(w) => w,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let Some(cli_params) = split_params(&args.params) else {
        return 2;
    };
    let file_params = match &args.params_file {
        Some(path) => match read_params_file(path) {
            Ok(map) => Some(map),
            Err(message) => {
                eprintln!("error: {message}");
                return 2;
            }
        },
        None => None,
    };
    let wf = ir.workflow(workflow);
    let Some(params) = resolve_params(wf, &ir.symbols, &cli_params, file_params.as_ref()) else {
        return 2;
    };
    let launch = Launch {
        ir: &ir,
        program: &ir.symbols,
        sources: &analysis.sources,
        workflow,
        params,
        file: absolute(&args.file),
    };
    start(&launch, &args.how, color, Start::New)
}

/// Launch params after `-p` and the params file, or `None` once the errors are printed.
pub fn resolve_params(
    wf: &crate::ir::IrWorkflow,
    program: &crate::ir::Symbols,
    cli: &[(String, String)],
    file: Option<&serde_json::Map<String, serde_json::Value>>,
) -> Option<std::collections::HashMap<crate::check::BindingId, crate::runtime::value::Value>> {
    match crate::runtime::params::resolve(wf, program, cli, file) {
        Ok(p) => Some(p),
        Err(errors) => {
            for e in errors {
                eprintln!("error[E0401]: {}", e.message);
                if let Some(help) = e.help {
                    eprintln!("  help: {help}");
                }
            }
            None
        }
    }
}

/// `-p name=value` pairs, or `None` once the error is printed.
pub fn split_params(given: &[String]) -> Option<Vec<(String, String)>> {
    let mut out = Vec::with_capacity(given.len());
    for p in given {
        match p.split_once('=') {
            Some((k, v)) => out.push((k.trim().to_string(), v.to_string())),
            None => {
                eprintln!("error: `-p {p}` is not `name=value`\n  help: write `-p {p}=VALUE`");
                return None;
            }
        }
    }
    Some(out)
}

fn read_params_file(path: &str) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).map_err(|e| e.to_string()))
    {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(format!("`{path}` must hold one JSON object of params")),
        Err(e) => Err(format!("cannot read params file `{path}`: {e}")),
    }
}

/// The file as an absolute path (as given when it cannot be resolved).
fn absolute(file: &str) -> String {
    std::fs::canonicalize(file).map_or_else(|_| file.to_string(), |p| p.display().to_string())
}

/// Runs (or resumes) and prints the result; returns the exit code (§10).
pub fn start(launch: &Launch<'_>, args: &HowArgs, color: bool, how: Start) -> i32 {
    let options = Options {
        max_parallel: args.max_parallel.map(|n| n as usize),
        limits: Limits {
            max_list_len: args.max_list_len,
            max_string_len: args.max_string_len,
            max_steps: args.max_eval_steps,
        },
        grace: Duration::from_secs(2),
    };
    let mode = match args.format {
        Format::Human => Mode::Human { color },
        Format::Json => Mode::Quiet,
    };
    match execute(launch, options, mode, how) {
        Ok(report) => {
            match args.format {
                Format::Json => {
                    let mut out = std::io::stdout().lock();
                    if let Err(e) = report.write_json(&mut out) {
                        eprintln!("error: cannot print the result: {e}");
                    }
                }
                Format::Human => {
                    for (name, value) in &report.outputs {
                        println!("{name} = {}", value.to_json());
                    }
                }
            }
            if report.refused.is_some() {
                // Not interrupted: refused by the strategy before it started.
                return 1;
            }
            report.state.exit_code()
        }
        Err(e) => {
            eprintln!("error: cannot start the run: {e}");
            2
        }
    }
}
