//! What can stop `maestroc serve` from starting or serving (the E090x codes), and the errors
//! its HTTP API answers with (the E091x codes; docs/api.md, "Errors").

use miette::Diagnostic;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum ServeError {
    #[error("refusing to listen on `{addr}` without a token: it is not a loopback address")]
    #[diagnostic(
        code(E0900),
        help(
            "anyone who can reach `{addr}` could start and cancel runs; give a bearer token with `--token-file FILE` or `MFLOW_SERVE_TOKEN`, or listen on 127.0.0.1"
        )
    )]
    NeedsToken { addr: String },
    #[error("cannot listen on `{addr}`: {source}")]
    #[diagnostic(code(E0901), help("{}", bind_help(source)))]
    Bind {
        addr: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot read the token file `{path}`: {reason}")]
    #[diagnostic(
        code(E0902),
        help("the file holds the bearer token on its first line (at least 16 characters)")
    )]
    Token { path: String, reason: String },
    #[error("found no `.mflow` file in {paths}")]
    #[diagnostic(
        code(E0903),
        help("name the workflow files or directories to serve: `maestroc serve flows/`")
    )]
    NoFiles { paths: String },
    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error("cannot start the server: {0}")]
    #[diagnostic(code(E0904))]
    Start(String),
}

fn bind_help(e: &std::io::Error) -> String {
    let kind = e.kind();
    if kind == std::io::ErrorKind::AddrInUse {
        "another process listens there; choose another port with `--listen 127.0.0.1:PORT`".into()
    } else if kind == std::io::ErrorKind::PermissionDenied {
        "ports below 1024 need privileges; choose a port above 1024".into()
    } else if kind == std::io::ErrorKind::AddrNotAvailable {
        "this machine has no such address; use 127.0.0.1 or one of its own addresses".into()
    } else {
        "check the address, or choose another with `--listen ADDR:PORT`".into()
    }
}
