//! `maestroc serve [PATHS…] [--listen ADDR:PORT] [--token-file FILE] [--grace SECS]`:
//! fires the schedules and signal triggers of the workflows in PATHS and serves the HTTP
//! API and web view of the run store (docs/serve.md).

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::Ctx;
use crate::serve::{Config, ServeError};

/// The environment variable a token may come from (when `--token-file` is not given).
const TOKEN_VAR: &str = "MFLOW_SERVE_TOKEN";
/// Shortest token accepted.
const MIN_TOKEN: usize = 16;

#[derive(Debug, Args)]
pub(super) struct ServeArgs {
    /// Workflow files, or directories searched for `.mflow` files (default: `.`).
    paths: Vec<PathBuf>,
    /// The address to listen on; a non-loopback address needs a token.
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:8717")]
    listen: String,
    /// A file whose first line is the API's bearer token (else `$MFLOW_SERVE_TOKEN`).
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Seconds running runs may go on after SIGTERM/SIGINT before they are cancelled.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    grace: u64,
}

fn token(args: &ServeArgs) -> Result<Option<String>, ServeError> {
    let (text, path) = match &args.token_file {
        Some(path) => {
            let shown = path.display().to_string();
            let text = crate::loader::read_source(&shown, 4096).map_err(|e| ServeError::Token {
                path: shown.clone(),
                reason: e.reason(),
            })?;
            (text, shown)
        }
        None => match std::env::var(TOKEN_VAR) {
            Ok(t) if !t.trim().is_empty() => (t, format!("${TOKEN_VAR}")),
            _ => return Ok(None),
        },
    };
    let token = text.lines().next().unwrap_or("").trim().to_string();
    if token.len() < MIN_TOKEN || token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ServeError::Token {
            path,
            reason: format!("the token must be at least {MIN_TOKEN} characters, without spaces"),
        });
    }
    Ok(Some(token))
}

/// Prints why `serve` could not start or go on (its own error kinds, the E090x codes); the
/// exit status is 2 for what the command line or its files got wrong, 1 otherwise.
fn fail(e: &ServeError, ctx: &Ctx) -> i32 {
    eprint!("{}", crate::diagnostics::render::render(e, None, &ctx.render()));
    match e {
        ServeError::NeedsToken { .. }
        | ServeError::Token { .. }
        | ServeError::NoFiles { .. }
        | ServeError::Bind { .. } => super::error::EXIT_USAGE,
        ServeError::Store(_) | ServeError::Start(_) => 1,
    }
}

/// Serves until stopped; the exit status.
pub(super) fn run(args: &ServeArgs, ctx: &Ctx) -> i32 {
    let token = match token(args) {
        Ok(t) => t,
        Err(e) => return fail(&e, ctx),
    };
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return fail(&ServeError::Start(format!("cannot find the maestroc binary: {e}")), ctx),
    };
    let paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    let config = Config {
        paths,
        listen: args.listen.clone(),
        token,
        grace: Duration::from_secs(args.grace),
        exe,
        home: crate::runtime::run::home(),
        sources: crate::serve::catalog::SourceOptions {
            max_source_bytes: ctx.sources.max_source_size,
            imports: ctx.sources.options(),
        },
    };
    match crate::serve::serve(config) {
        Ok(code) => code,
        Err(e) => fail(&e, ctx),
    }
}
