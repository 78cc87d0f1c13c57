//! `maestroc show-source RUN [FILE]`: the source a run ran, as the run store recorded it
//! when the run started (or was upgraded), whatever the files hold now.

use clap::Args;

use super::error::{CliError, CliResult};
use super::runs::store_with_run;

#[derive(Debug, Args)]
pub(super) struct ShowSourceArgs {
    /// The run.
    run: String,
    /// One of the files it loaded (its path as recorded, or the end of it); by default
    /// the file the run was started with.
    file: Option<String>,
    /// List the files the run loaded instead of printing one.
    #[arg(long, conflicts_with = "file")]
    list: bool,
}

pub(super) fn run(args: &ShowSourceArgs) -> CliResult {
    let (store, run_id) = store_with_run(&args.run)?;
    let run = store.run(&run_id)?;
    let Some(version) = store.version(&run_id)? else {
        return Err(CliError::NoSource { run_id, file: run.file });
    };
    let paths: Vec<&str> = version.files.iter().map(|f| f.path.as_str()).collect();
    if args.list {
        let mut text = String::new();
        for f in &version.files {
            text.push_str(&f.path);
            text.push_str(if f.root { "  (root)\n" } else { "\n" });
        }
        return super::write_stdout(text.as_bytes());
    }
    let chosen = match &args.file {
        None => version.root(),
        Some(wanted) => {
            let exact = version.files.iter().find(|f| &f.path == wanted);
            let by_end: Vec<_> = version
                .files
                .iter()
                .filter(|f| f.path.ends_with(&format!("/{wanted}")))
                .collect();
            if let Some(f) = exact {
                Some(f)
            } else if let [f] = by_end.as_slice() {
                Some(*f)
            } else {
                return Err(CliError::NotFound {
                    message: format!("run `{run_id}` loaded no file `{wanted}`"),
                    help: Some(format!("it loaded {}", super::quoted_list(&paths))),
                    exit: super::error::EXIT_NOT_FOUND,
                });
            }
        }
    };
    let Some(file) = chosen else {
        return Err(CliError::Internal {
            what: "run store (a recorded version without its root file)".into(),
        });
    };
    if args.file.is_none() && version.files.len() > 1 {
        eprintln!(
            "note: run `{run_id}` also loaded {}; name one with `maestroc show-source {run_id} FILE`",
            super::quoted_list(&paths.iter().copied().filter(|p| *p != file.path).collect::<Vec<_>>())
        );
    }
    super::write_stdout(file.text.as_bytes())
}
