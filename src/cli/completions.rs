//! `maestroc completions SHELL`: a completion script for bash, zsh, fish, elvish or
//! PowerShell on stdout, generated from the command line's definition.

use clap::{Args, CommandFactory as _};
use clap_complete::Shell;

#[derive(Debug, Args)]
pub(super) struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

pub(super) fn run(args: &CompletionsArgs) -> super::error::CliResult {
    let mut command = super::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "maestroc", &mut out);
    super::write_stdout(&out)
}
