//! `maestroc man [--out DIR]`: the roff manual page of `maestroc` on stdout, or one page
//! per command (`maestroc.1`, `maestroc-check.1`, …) written to a directory.

use std::path::PathBuf;

use clap::{Args, CommandFactory as _};

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `maestroc.1` and one page per subcommand into this directory instead.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

pub fn run(args: &ManArgs) -> i32 {
    let command = super::Cli::command();
    match &args.out {
        Some(dir) => {
            let written = std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(command, dir));
            match written {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("error: cannot write manual pages to `{}`: {e}", dir.display());
                    2
                }
            }
        }
        None => {
            let mut out = Vec::new();
            if let Err(e) = clap_mangen::Man::new(command).render(&mut out) {
                eprintln!("error: cannot render the manual page: {e}");
                return 2;
            }
            super::write_stdout(&out)
        }
    }
}
