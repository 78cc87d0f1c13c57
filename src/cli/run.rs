//! `maestroc run FILE [-w WORKFLOW] [-p name=value]… [--params-file F.json]`

use std::time::Duration;

use clap::{Args, ValueEnum};

use super::error::{CliError, CliResult};
use super::out::Out;
use super::Ctx;
use crate::runtime::executor::error::ExecutorError;
use crate::runtime::executor::Kind;
use crate::runtime::limits::Limits;
use crate::runtime::report::Mode;
use crate::runtime::run::{execute, Launch, Start};
use crate::runtime::scheduler::Options;

#[derive(Debug, Args)]
pub(super) struct RunArgs {
    /// The `.mflow` file (`-` reads the program from standard input).
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
pub(super) struct HowArgs {
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
    /// Most bytes read from a step's `$MFLOW_OUTPUTS` file; a larger one fails the step.
    #[arg(long, value_name = "BYTES", default_value_t = crate::runtime::outputs::DEFAULT_MAX_BYTES)]
    max_outputs_size: u64,
    /// Step instances one run may create (loop iterations times their steps, called
    /// workflows included).
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_instances)]
    max_instances: u64,
    /// Pause the run before the first instance of this step starts (`maestroc unpause
    /// RUN` continues); may be given several times.
    #[arg(long = "break", value_name = "STEP")]
    pub breakpoints: Vec<String>,
    /// Where steps run: on this host (local, the default for `run`) or as Slurm jobs
    /// (slurm; settings in mflow.toml). `resume` uses the run's own unless given.
    #[arg(long, value_enum, value_name = "EXECUTOR")]
    pub executor: Option<ExecutorArg>,
}

/// `--executor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum ExecutorArg {
    Local,
    Slurm,
}

impl ExecutorArg {
    pub(super) fn kind(self) -> Kind {
        match self {
            ExecutorArg::Local => Kind::Local,
            ExecutorArg::Slurm => Kind::Slurm,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum Format {
    Human,
    Json,
}

impl HowArgs {
    pub(super) fn wants_json(&self) -> bool {
        self.format == Format::Json
    }
}

pub(super) fn run(args: &RunArgs, ctx: &Ctx) -> CliResult {
    let (analysis, ir) = super::compile_file(&args.file, ctx)?;
    let workflow = super::pick_workflow(&analysis, args.workflow.as_deref())?;
    let cli_params = split_params(&args.params)?;
    let file_params = args.params_file.as_deref().map(read_params_file).transpose()?;
    let wf = ir.workflow(workflow);
    super::version::check_breakpoints(&ir, wf, &args.how.breakpoints)?;
    let params = resolve_params(wf, &ir.symbols, &cli_params, file_params.as_ref(), ctx)?;
    let version = super::version::version_of(&analysis, &ir);
    let launch = Launch {
        ir: &ir,
        program: &ir.symbols,
        sources: &analysis.sources,
        workflow,
        params,
        file: absolute(&args.file),
        version: Some(&version),
        tags: wf.settings.tags.clone(),
        breakpoints: args.how.breakpoints.clone(),
        restarted_from: None,
    };
    let executor = args.how.executor.map_or(Kind::Local, ExecutorArg::kind);
    start(&launch, &args.how, ctx.color, Start::New, executor)
}

/// Launch params after `-p` and the params file. When several are wrong, all but the
/// last are printed here and the last is returned.
pub(super) fn resolve_params(
    wf: &crate::ir::IrWorkflow,
    program: &crate::ir::Symbols,
    cli: &[(String, String)],
    file: Option<&serde_json::Map<String, serde_json::Value>>,
    ctx: &Ctx,
) -> Result<std::collections::HashMap<crate::check::BindingId, crate::runtime::value::Value>, CliError> {
    crate::runtime::params::resolve(wf, program, cli, file).map_err(|errors| {
        let mut errors: Vec<CliError> = errors
            .into_iter()
            .map(|e| CliError::Param {
                message: e.message,
                help: e.help,
            })
            .collect();
        let last = errors.pop().unwrap_or_else(|| CliError::Param {
            message: "the launch parameters cannot be used".into(),
            help: None,
        });
        for e in &errors {
            eprint!("{}", crate::diagnostics::render::render(e, None, &ctx.render()));
        }
        last
    })
}

/// `-p name=value` pairs.
pub(super) fn split_params(given: &[String]) -> Result<Vec<(String, String)>, CliError> {
    given
        .iter()
        .map(|p| match p.split_once('=') {
            Some((k, v)) => Ok((k.trim().to_string(), v.to_string())),
            None => Err(CliError::Param {
                message: format!("`-p {p}` is not `name=value`"),
                help: Some(format!("write `-p {p}=VALUE`")),
            }),
        })
        .collect()
}

fn read_params_file(path: &str) -> Result<serde_json::Map<String, serde_json::Value>, CliError> {
    let fail = |reason: String| CliError::Param {
        message: format!("cannot read params file `{path}`: {reason}"),
        help: None,
    };
    let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
    if let serde_json::Value::Object(map) =
        serde_json::from_str::<serde_json::Value>(&text).map_err(|e| fail(e.to_string()))?
    {
        Ok(map)
    } else {
        Err(CliError::Param {
            message: format!("`{path}` must hold one JSON object of params"),
            help: Some("write it as `{\"name\": value, …}`".into()),
        })
    }
}

/// The executor with its `mflow.toml` settings, its warnings printed; when it cannot run
/// this workflow, every problem is printed (exit 2), or the last is the JSON error.
fn prepare_executor(
    launch: &Launch<'_>,
    args: &HowArgs,
    color: bool,
    kind: Kind,
) -> Result<crate::runtime::executor::Choice, CliResult> {
    let home = crate::runtime::run::home();
    let show = |e: &ExecutorError| {
        if args.format == Format::Human {
            eprint!("{}", e.render(launch.sources, color));
        }
    };
    match crate::runtime::executor::launch::prepare(kind, launch.ir, launch.workflow, &home) {
        Ok(prepared) => {
            for w in &prepared.warnings {
                show(w);
            }
            Ok(prepared.choice)
        }
        Err(mut errors) => {
            let last = errors.pop().unwrap_or(ExecutorError::SbatchMissing);
            for e in &errors {
                show(e);
            }
            if args.format == Format::Human {
                eprint!("{}", last.render(launch.sources, color));
                return Err(Ok(super::error::EXIT_USAGE));
            }
            Err(Err(CliError::Executor(Box::new(last))))
        }
    }
}

/// The file as an absolute path (as given when it cannot be resolved).
fn absolute(file: &str) -> String {
    std::fs::canonicalize(file).map_or_else(|_| file.to_string(), |p| p.display().to_string())
}

/// Runs (or resumes) and prints the result; returns the exit code (§10).
pub(super) fn start(launch: &Launch<'_>, args: &HowArgs, color: bool, how: Start, executor: Kind) -> CliResult {
    let executor = match prepare_executor(launch, args, color, executor) {
        Ok(choice) => choice,
        Err(result) => return result,
    };
    let options = Options {
        max_parallel: args.max_parallel.map(|n| n as usize),
        limits: Limits {
            max_list_len: args.max_list_len,
            max_string_len: args.max_string_len,
            max_steps: args.max_eval_steps,
            max_instances: args.max_instances,
        },
        grace: Duration::from_secs(2),
        max_outputs_bytes: args.max_outputs_size,
        executor,
    };
    let mode = match args.format {
        Format::Human => Mode::Human { color },
        Format::Json => Mode::Quiet,
    };
    let report = match execute(launch, options, mode, how) {
        Ok(report) => report,
        Err(error) => {
            // With a span and human output, the error is drawn with its `.mflow` line;
            // otherwise it goes the way every CLI error goes (JSON object or header).
            if let (Some(span), Format::Human) = (error.span(), args.format) {
                let code = error.exit_code();
                eprintln!(
                    "{}",
                    crate::runtime::report::render(launch.sources, span, error, color).trim_end()
                );
                return Ok(code);
            }
            return Err(CliError::Runtime(Box::new(error)));
        }
    };
    let mut out = Out::new();
    match args.format {
        Format::Json => {
            if let Err(e) = report.write_json(&mut out) {
                return Err(super::out::output_error("the result", &e));
            }
        }
        Format::Human => {
            for (name, value) in &report.outputs {
                out.line(&format!("{name} = {}", value.to_json()));
            }
        }
    }
    out.finish()?;
    if report.refused.is_some() {
        // Not interrupted: refused by the strategy before it started.
        return Ok(1);
    }
    Ok(report.state.exit_code())
}
