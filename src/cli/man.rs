//! `maestroc man [--out DIR]`: the roff manual page of `maestroc` on stdout, or one page
//! per command (`maestroc.1`, `maestroc-check.1`, …) written to a directory.

use std::path::PathBuf;

use clap::{Args, CommandFactory as _};

use super::error::CliResult;
use super::out::output_error;

#[derive(Debug, Args)]
pub(super) struct ManArgs {
    /// Write `maestroc.1` and one page per subcommand into this directory instead.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub(super) fn run(args: &ManArgs) -> CliResult {
    let command = super::Cli::command();
    match &args.out {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(command, dir))
                .map_err(|e| output_error(&format!("the manual pages to `{}`", dir.display()), &e))?;
            Ok(0)
        }
        None => {
            let mut out = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut out)
                .map_err(|e| output_error("the manual page", &e))?;
            super::write_stdout(&out)
        }
    }
}
