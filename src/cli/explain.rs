//! `maestroc explain CODE`

use clap::Args;

use super::error::{CliError, CliResult};
use super::out::Out;
use crate::diagnostics::explain;

#[derive(Debug, Args)]
pub(super) struct ExplainArgs {
    /// A diagnostic code, like `E0104`.
    #[arg(required_unless_present = "list")]
    code: Option<String>,
    /// List every code.
    #[arg(long)]
    list: bool,
}

pub(super) fn run(args: &ExplainArgs) -> CliResult {
    let mut out = Out::new();
    if args.list {
        for code in explain::codes() {
            let title = explain::lookup(code)
                .and_then(|t| t.lines().next())
                .map(|l| l.trim_start_matches('#').trim().to_string())
                .unwrap_or_default();
            out.line(&title);
        }
        out.finish()?;
        return Ok(0);
    }
    let code = args.code.clone().unwrap_or_default();
    let Some(text) = explain::lookup(&code) else {
        let normalized = explain::normalize(&code);
        let codes: Vec<&str> = explain::codes().collect();
        let help = crate::diagnostics::suggest::did_you_mean(&normalized, codes.iter().copied())
            .unwrap_or_else(|| "`maestroc explain --list` lists every code".into());
        return Err(CliError::UnknownCode {
            code: normalized,
            help: Some(help),
        });
    };
    out.text(text);
    out.finish()?;
    Ok(0)
}
