//! The command line: one file per subcommand.

mod cancel;
mod check;
mod compile;
mod complete;
mod completions;
pub mod error;
mod explain;
mod fixed;
mod fmt;
mod graph;
mod graph_states;
mod logs;
mod lsp;
mod man;
pub mod out;
mod pause;
mod report;
mod restart;
mod resume;
mod run;
mod run_ref;
mod runs;
mod runs_show;
mod serve;
mod show_source;
mod signal;
mod skip;
mod sources;
mod timeline;
mod unpause;
mod version;

use std::io::IsTerminal as _;

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::render::RenderOptions;
use error::{CliError, CliResult};
use out::Out;

#[derive(Debug, Parser)]
#[command(name = "maestroc", version, about = "Check, compile and run MFlow workflows")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colour in human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
    #[command(flatten)]
    sources: SourceArgs,
}

/// How source files are read (every command that reads `.mflow` files).
#[derive(Debug, Clone, clap::Args)]
pub struct SourceArgs {
    /// Largest source file (bytes) to read; larger files are refused (E0002).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = crate::loader::DEFAULT_MAX_SOURCE_BYTES)]
    max_source_size: u64,
    /// The project root imports must stay inside (default: the directory of each file
    /// named on the command line).
    #[arg(long, global = true, value_name = "DIR")]
    project_root: Option<String>,
    /// Allow imports outside the project root, and absolute import paths.
    #[arg(long, global = true)]
    allow_imports_outside_root: bool,
}

impl SourceArgs {
    fn options(&self) -> crate::driver::Options {
        crate::driver::Options {
            project_root: self.project_root.clone(),
            allow_outside_root: self.allow_imports_outside_root,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Parse, resolve and type-check files without running anything.
    Check(check::CheckArgs),
    /// Run a workflow on this machine.
    Run(run::RunArgs),
    /// Run again what did not succeed in a run, reusing what did.
    Resume(resume::ResumeArgs),
    /// List the runs in the run store, or show one.
    Runs(runs::RunsArgs),
    /// Print the logs of a run's steps.
    Logs(logs::LogsArgs),
    /// Stop a running run from another terminal.
    Cancel(cancel::CancelArgs),
    /// Start a run again from the beginning: its version and params, as a new run.
    Restart(restart::RestartArgs),
    /// Mark a failed or unstarted step instance as skipped (or succeeded with `--outputs`).
    Skip(skip::SkipArgs),
    /// Pause a running run from any terminal: no new step starts, running ones finish.
    Pause(pause::PauseArgs),
    /// Let a paused run (by `pause` or at a `--break` breakpoint) go on.
    Unpause(unpause::UnpauseArgs),
    /// Print the source a run ran, as recorded when it started.
    ShowSource(show_source::ShowSourceArgs),
    /// Send or list signals (`wait signal` steps wait for them).
    Signal(signal::SignalArgs),
    /// Draw the step graph of a workflow (DOT, Mermaid or JSON).
    Graph(graph::GraphArgs),
    /// Lay `.mflow` files out in the one canonical way (`--check`: only report).
    Fmt(fmt::FmtArgs),
    /// Compile a file to another form (`--emit ir`).
    Compile(compile::CompileArgs),
    /// Explain a diagnostic code, like `maestroc explain E0104`.
    Explain(explain::ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one per command with `--out DIR`.
    Man(man::ManArgs),
    /// Fire schedules and signal triggers, and serve the HTTP API and web view of runs.
    Serve(serve::ServeArgs),
    /// Start the language server (LSP on stdin/stdout) for editors.
    Lsp(lsp::LspArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour what goes to stderr: `auto` when stderr is a terminal and
    /// `NO_COLOR` is unset or empty.
    fn stderr(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // no-color.org: `NO_COLOR` set to a non-empty value turns colour off.
            ColorChoice::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

/// What every command gets besides its own arguments.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// Colour on stderr.
    pub color: bool,
    pub sources: SourceArgs,
}

impl Ctx {
    #[must_use]
    pub fn render(&self) -> RenderOptions {
        RenderOptions {
            color: self.color,
            width: 100,
        }
    }
}

/// Runs the command line and returns the process exit code.
#[must_use]
pub fn main() -> i32 {
    ignore_file_size_signal();
    // `COMPLETE=bash maestroc` prints the dynamic completion script; the shell then calls
    // back with `COMPLETE` set to complete run ids and workflow names from the store.
    clap_complete::CompleteEnv::with_factory(<Cli as clap::CommandFactory>::command)
        .bin("maestroc")
        .complete();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            if !e.use_stderr() {
                return 0;
            }
            if json_asked() {
                // The command could not be parsed, but the caller reads JSON from stdout.
                let message = e.to_string();
                let first = message.lines().next().unwrap_or_default();
                let usage = CliError::Usage {
                    message: first.strip_prefix("error: ").unwrap_or(first).to_string(),
                };
                let mut out = Out::new();
                out.json(&usage.to_json());
                let _ = out.finish();
            }
            return error::EXIT_USAGE;
        }
    };
    let ctx = Ctx {
        color: cli.color.stderr(),
        sources: cli.sources.clone(),
    };
    let json = cli.command.wants_json();
    let result = match &cli.command {
        Command::Check(args) => check::run(args, &ctx),
        Command::Run(args) => run::run(args, &ctx),
        Command::Resume(args) => resume::run(args, &ctx),
        Command::Runs(args) => runs::run(args),
        Command::Logs(args) => logs::run(args),
        Command::Cancel(args) => cancel::run(args),
        Command::Restart(args) => restart::run(args, &ctx),
        Command::Skip(args) => skip::run(args, &ctx),
        Command::Pause(args) => pause::run(args),
        Command::Unpause(args) => unpause::run(args),
        Command::ShowSource(args) => show_source::run(args),
        Command::Signal(args) => signal::run(args),
        Command::Graph(args) => graph::run(args, &ctx),
        Command::Compile(args) => compile::run(args, &ctx),
        Command::Fmt(args) => fmt::run(args, &ctx),
        Command::Explain(args) => explain::run(args),
        Command::Completions(args) => completions::run(args),
        Command::Man(args) => man::run(args),
        Command::Serve(args) => Ok(serve::run(args, &ctx)),
        Command::Lsp(args) => lsp::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => report(&e, json, &ctx),
    }
}

/// Whether the raw arguments ask for `--format json` (for errors found before they parse).
fn json_asked() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|a| a == "--format=json") || args.windows(2).any(|w| w[0] == "--format" && w[1] == "json")
}

impl Command {
    /// Whether the command was asked for JSON (`--format json`): its errors are then a
    /// JSON object on stdout too.
    fn wants_json(&self) -> bool {
        match self {
            Command::Check(a) => a.wants_json(),
            Command::Run(a) => a.how.wants_json(),
            Command::Resume(a) => a.wants_json(),
            Command::Runs(a) => a.wants_json(),
            Command::Logs(a) => a.wants_json(),
            Command::Signal(a) => a.wants_json(),
            Command::Graph(a) => a.wants_json(),
            Command::Restart(a) => a.wants_json(),
            Command::Compile(_)
            | Command::Skip(_)
            | Command::Pause(_)
            | Command::Unpause(_)
            | Command::ShowSource(_)
            | Command::Fmt(_)
            | Command::Cancel(_)
            | Command::Explain(_)
            | Command::Completions(_)
            | Command::Man(_)
            | Command::Serve(_)
            | Command::Lsp(_) => false,
        }
    }
}

/// Prints an error the way the command's output asks (the diagnostic on stderr, or a
/// JSON object on stdout) and returns its exit code.
pub fn report(error: &CliError, json: bool, ctx: &Ctx) -> i32 {
    if json {
        let mut out = Out::new();
        out.json(&error.to_json());
        let _ = out.finish();
    } else {
        eprint!("{}", crate::diagnostics::render::render(error, None, &ctx.render()));
    }
    error.exit_code()
}

/// Under `ulimit -f`, a write past the limit raises SIGXFSZ, which kills the process
/// without a word. With the signal handled, the write fails with `EFBIG` instead, and that
/// error is reported. (tokio's handler stays installed for the life of the process; the
/// signal needs no other action.)
fn ignore_file_size_signal() {
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread().enable_io().build() else {
        return;
    };
    runtime.block_on(async {
        let kind = tokio::signal::unix::SignalKind::from_raw(nix::sys::signal::Signal::SIGXFSZ as i32);
        let _ = tokio::signal::unix::signal(kind);
    });
}

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> CliResult {
    let mut out = Out::new();
    std::io::Write::write_all(&mut out, bytes).map_err(|e| out::output_error("to standard output", &e))?;
    out.finish()?;
    Ok(0)
}

/// Runs the front end on a thread with a large stack: the parser bounds nesting, this is
/// a second line of defence for deep but legal programs.
fn front_end(files: Vec<String>, ctx: &Ctx) -> Result<crate::driver::Analysis, CliError> {
    let loader = crate::loader::FsLoader::with_limit(ctx.sources.max_source_size);
    front_end_with(files, loader, ctx.sources.options())
}

/// [`front_end`] reading through `loader` (a run's recorded sources) with `options`.
fn front_end_with(
    files: Vec<String>,
    loader: impl crate::loader::Loader + Send + 'static,
    options: crate::driver::Options,
) -> Result<crate::driver::Analysis, CliError> {
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || crate::driver::analyze_with(&loader, &files, &options));
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(analysis)) => Ok(analysis),
        _ => Err(CliError::Internal {
            what: "front end".into(),
        }),
    }
}

/// Parses, checks and lowers one file for `run`, `graph` and `compile`; prints the
/// problems and fails when there are errors.
fn compile_file(file: &str, ctx: &Ctx) -> Result<(crate::driver::Analysis, crate::ir::Ir), CliError> {
    let analysis = front_end(vec![file.to_string()], ctx)?;
    compile_analysis(file, analysis, ctx)
}

/// The second half of [`compile_file`]: reports the problems of an analysis or lowers it.
fn compile_analysis(
    file: &str,
    analysis: crate::driver::Analysis,
    ctx: &Ctx,
) -> Result<(crate::driver::Analysis, crate::ir::Ir), CliError> {
    if let Some(u) = analysis.unreadable.first() {
        eprint!(
            "{}",
            crate::diagnostics::render::human(&analysis.sources, &analysis.problems, &ctx.render())
        );
        return Err(report::unreadable_error(u));
    }
    if analysis.problems.has_errors() {
        report::human(&analysis, &ctx.render());
        return Err(CliError::Compile {
            file: file.to_string(),
            errors: analysis.problems.error_count(),
        });
    }
    let Some(checked) = analysis.checked() else {
        return Err(CliError::Internal {
            what: "front end (a program with no errors did not check)".into(),
        });
    };
    let ir = crate::ir::lower::lower(&checked);
    Ok((analysis, ir))
}

/// `` `a`, `b` `` for a list of names.
fn quoted_list(names: &[&str]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// The workflow to use: `-w NAME`, or the only workflow of the root file.
fn pick_workflow(analysis: &crate::driver::Analysis, name: Option<&str>) -> Result<crate::check::WorkflowId, CliError> {
    let file = analysis
        .roots
        .first()
        .and_then(|r| analysis.modules.get(r.0 as usize))
        .map(|m| analysis.sources.get(m.file).name.clone());
    let (Some(root), Some(file)) = (analysis.roots.first(), file) else {
        return Err(CliError::Workflow {
            message: "there is no file to take a workflow from".into(),
            help: None,
        });
    };
    let candidates: Vec<(usize, &crate::check::WorkflowInfo)> = analysis
        .program
        .workflows
        .iter()
        .enumerate()
        .filter(|(_, w)| w.module == *root)
        .collect();
    let names: Vec<&str> = candidates.iter().map(|(_, w)| w.name.as_str()).collect();
    let found = match name {
        Some(n) => candidates
            .iter()
            .find(|(_, w)| w.name == n)
            .map(|(i, _)| *i)
            .ok_or_else(|| {
                let hint = crate::diagnostics::suggest::did_you_mean(n, names.iter().copied()).unwrap_or_else(|| {
                    if names.is_empty() {
                        "this file defines no workflow".to_string()
                    } else {
                        format!("the workflows are {}", quoted_list(&names))
                    }
                });
                CliError::Workflow {
                    message: format!("there is no workflow `{n}` in `{file}`"),
                    help: Some(hint),
                }
            })?,
        None => match candidates.as_slice() {
            [(i, _)] => *i,
            [] => {
                return Err(CliError::Workflow {
                    message: format!("`{file}` defines no workflow"),
                    help: Some("a file to run needs a `workflow NAME { … }`".into()),
                })
            }
            _ => {
                return Err(CliError::Workflow {
                    message: format!("`{file}` defines several workflows; choose one with `-w`"),
                    help: Some(format!("the workflows are {}", quoted_list(&names))),
                })
            }
        },
    };
    Ok(crate::check::WorkflowId(u32::try_from(found).unwrap_or(u32::MAX)))
}
