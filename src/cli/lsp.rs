//! `maestroc lsp`: the language server on stdin/stdout (see `docs/editors.md`).

use clap::Args;

use super::error::{CliError, CliResult};

#[derive(Debug, Args)]
pub(super) struct LspArgs {
    /// Accepted for editors that pass it; stdio is the only transport.
    #[arg(long)]
    stdio: bool,
}

pub(super) fn run(_args: &LspArgs) -> CliResult {
    // The front end recurses over the AST; a large stack, like `check`'s worker thread.
    let worker = std::thread::Builder::new()
        .name("lsp".into())
        .stack_size(256 * 1024 * 1024)
        .spawn(crate::lsp::serve_stdio);
    match worker.map(std::thread::JoinHandle::join) {
        Ok(Ok(Ok(()))) => Ok(0),
        Ok(Ok(Err(e))) => {
            // stdout belongs to the protocol; the editor shows the server's stderr.
            eprintln!("{:?}", miette::Report::new(e));
            Ok(1)
        }
        _ => Err(CliError::Internal {
            what: "language server".into(),
        }),
    }
}
