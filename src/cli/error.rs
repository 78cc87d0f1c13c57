//! What can go wrong on the command line outside the program itself: launching, the run
//! store, writing the output. Each error is a diagnostic with a stable code (documented in
//! `docs/errors/`) and the exit status it ends the process with (`docs/cli.md`).

use miette::Diagnostic;
use thiserror::Error;

use crate::store::StoreError;

/// Exit status of usage and launch errors (the status clap uses too).
pub const EXIT_USAGE: i32 = 2;
/// Exit status of a command whose subject (a run, a step) does not exist.
pub const EXIT_NOT_FOUND: i32 = 1;
/// Exit status of an internal error (sysexits' `EX_SOFTWARE`).
pub const EXIT_INTERNAL: i32 = 70;

#[derive(Debug, Error, Diagnostic)]
pub enum CliError {
    /// A file named on the command line cannot be read.
    #[error("cannot read `{path}`: {reason}")]
    #[diagnostic(code(E0002))]
    Unreadable {
        path: String,
        reason: String,
        #[help]
        help: Option<String>,
    },

    /// A `-p`, `--params-file` entry, or a signal's field that cannot be used.
    #[error("{message}")]
    #[diagnostic(code(E0401))]
    Param {
        message: String,
        #[help]
        help: Option<String>,
    },

    /// The front end found errors (they were printed before this summary).
    #[error("could not compile `{file}` ({errors} error{})", if *errors == 1 { "" } else { "s" })]
    #[diagnostic(code(E0402))]
    Compile { file: String, errors: usize },

    /// `-w` names no workflow of the file, or the file has none or several.
    #[error("{message}")]
    #[diagnostic(code(E0403))]
    Workflow {
        message: String,
        #[help]
        help: Option<String>,
    },

    /// A run or a step of a run that does not exist.
    #[error("{message}")]
    #[diagnostic(code(E0404))]
    NotFound {
        message: String,
        #[help]
        help: Option<String>,
        /// 1 when a command looked something up (`logs RUN STEP`), 2 when a launch option
        /// names it (`resume --from STEP`).
        exit: i32,
    },

    /// The run is in a state that does not allow what was asked.
    #[error("{message}")]
    #[diagnostic(code(E0405))]
    RunState {
        message: String,
        #[help]
        help: Option<String>,
        exit: i32,
    },

    /// `resume -p` on a run that succeeded: nothing would run again, so the new params
    /// would be silently dropped.
    #[error("run `{run_id}` succeeded, so nothing would run again with the new params ({params})")]
    #[diagnostic(
        code(E0406),
        help(
            "to run steps again with these params, add `--from STEP`; for a fresh run, use `maestroc run {file}{workflow} {params}`"
        )
    )]
    ResumeParams {
        run_id: String,
        params: String,
        file: String,
        workflow: String,
    },

    /// Standard output (or a file to write) failed for another reason than a closed pipe.
    #[error("cannot write {what}: {reason}")]
    #[diagnostic(code(E0407))]
    Output {
        what: String,
        reason: String,
        #[help]
        help: Option<String>,
    },

    /// A bug in maestroc.
    #[error("internal error in maestroc's {what}; this is a bug, please report it")]
    #[diagnostic(code(E0408))]
    Internal { what: String },

    /// The runtime refused or failed the run (its own code: E0210, E054x).
    #[error(transparent)]
    #[diagnostic(transparent)]
    Runtime(Box<crate::runtime::error::RuntimeError>),

    /// `maestroc explain` of a code that does not exist.
    #[error("there is no diagnostic code `{code}`")]
    #[diagnostic(code(E0410))]
    UnknownCode {
        code: String,
        #[help]
        help: Option<String>,
    },

    /// The command line itself is wrong (clap's message: an unknown flag, a missing
    /// argument). Only its JSON form is built here; clap prints the human one.
    #[error("{message}")]
    #[diagnostic(code(E0411), help("`maestroc help COMMAND` shows the command's arguments"))]
    Usage { message: String },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] StoreError),

    /// The executor cannot run the workflow (E07xx): `mflow.toml`, `sbatch`, a step's needs.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Executor(Box<crate::runtime::executor::error::ExecutorError>),
}

impl CliError {
    /// The process exit status this error ends with (`docs/cli.md`).
    #[must_use]
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Store(StoreError::NoRun(_)) => EXIT_NOT_FOUND,
            CliError::RunState { exit, .. } | CliError::NotFound { exit, .. } => *exit,
            CliError::Internal { .. } => EXIT_INTERNAL,
            CliError::Runtime(error) => error.exit_code(),
            CliError::Unreadable { .. }
            | CliError::Param { .. }
            | CliError::Compile { .. }
            | CliError::Workflow { .. }
            | CliError::ResumeParams { .. }
            | CliError::Output { .. }
            | CliError::UnknownCode { .. }
            | CliError::Usage { .. }
            | CliError::Executor(_)
            | CliError::Store(_) => EXIT_USAGE,
        }
    }

    /// The error as the JSON object `--format json` prints on stdout:
    /// `{"error": {"code", "message", "help", "exit"}}`.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "error": {
                "code": self.code().map(|c| c.to_string()),
                "message": self.to_string(),
                "help": self.help().map(|h| h.to_string()),
                "exit": self.exit_code(),
            }
        })
    }
}

/// The result of a command: its exit status, or the error that ends it.
pub type CliResult = Result<i32, CliError>;
