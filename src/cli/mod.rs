//! The command line: one file per subcommand.

mod cancel;
mod check;
mod compile;
mod completions;
mod explain;
mod graph;
mod logs;
mod man;
mod report;
mod resume;
mod run;
mod runs;
mod signal;

use std::io::{IsTerminal as _, Write as _};

use clap::{Parser, Subcommand, ValueEnum};

use crate::diagnostics::render::RenderOptions;

#[derive(Debug, Parser)]
#[command(name = "maestroc", version, about = "Check, compile and run MFlow workflows")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
    /// When to use colour in human output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
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
    /// Send or list signals (`wait signal` steps wait for them).
    Signal(signal::SignalArgs),
    /// Draw the step graph of a workflow (DOT, Mermaid or JSON).
    Graph(graph::GraphArgs),
    /// Compile a file to another form (`--emit ir`).
    Compile(compile::CompileArgs),
    /// Explain a diagnostic code, like `maestroc explain E0104`.
    Explain(explain::ExplainArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::CompletionsArgs),
    /// Print the manual page (roff), or write one per command with `--out DIR`.
    Man(man::ManArgs),
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

/// Runs the command line and returns the process exit code.
#[must_use]
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    let color = cli.color.stderr();
    match cli.command {
        Command::Check(args) => check::run(&args, &RenderOptions { color, width: 100 }),
        Command::Run(args) => run::run(&args, color),
        Command::Resume(args) => resume::run(&args, color),
        Command::Runs(args) => runs::run(&args),
        Command::Logs(args) => logs::run(&args),
        Command::Cancel(args) => cancel::run(&args),
        Command::Signal(args) => signal::run(&args),
        Command::Graph(args) => graph::run(&args, color),
        Command::Compile(args) => compile::run(&args, color),
        Command::Explain(args) => explain::run(&args),
        Command::Completions(args) => completions::run(&args),
        Command::Man(args) => man::run(&args),
    }
}

/// Writes generated text to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> i32 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write to stdout: {e}");
            2
        }
    }
}

/// Runs the front end on a thread with a large stack: the parser bounds nesting, this is
/// a second line of defence for deep but legal programs.
fn front_end(files: Vec<String>) -> crate::driver::Analysis {
    let worker = std::thread::Builder::new()
        .stack_size(256 * 1024 * 1024)
        .spawn(move || crate::driver::analyze(&crate::loader::FsLoader, &files));
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(analysis)) => analysis,
        _ => {
            eprintln!("error: internal error in maestroc's front end; this is a bug, please report it");
            std::process::exit(70);
        }
    }
}

/// Parses, checks and lowers one file for `run`, `graph` and `compile`; prints the
/// problems and returns the exit code on failure.
fn compile_file(file: &str, color: bool) -> Result<(crate::driver::Analysis, crate::ir::Ir), i32> {
    let analysis = front_end(vec![file.to_string()]);
    if !analysis.unreadable.is_empty() {
        report::human(&analysis, &RenderOptions { color, width: 100 });
        return Err(2);
    }
    let Some(ir) = analysis.checked().map(|checked| crate::ir::lower::lower(&checked)) else {
        report::human(&analysis, &RenderOptions { color, width: 100 });
        eprintln!(
            "error: could not compile `{file}` ({} error{})",
            analysis.problems.error_count(),
            if analysis.problems.error_count() == 1 { "" } else { "s" }
        );
        return Err(2);
    };
    Ok((analysis, ir))
}

/// The workflow to use: `-w NAME`, or the only workflow of the root file.
fn pick_workflow(analysis: &crate::driver::Analysis, name: Option<&str>) -> Result<crate::check::WorkflowId, String> {
    let Some(root) = analysis.roots.first() else {
        return Err("no file to use".into());
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
                    format!(
                        "the workflows are {}",
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    )
                });
                format!("there is no workflow `{n}` in this file\n  help: {hint}")
            })?,
        None => match candidates.as_slice() {
            [(i, _)] => *i,
            [] => return Err("this file defines no workflow".into()),
            _ => {
                return Err(format!(
                    "this file defines several workflows; choose one with `-w`\n  help: the workflows are {}",
                    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ))
            }
        },
    };
    Ok(crate::check::WorkflowId(u32::try_from(found).unwrap_or(u32::MAX)))
}
