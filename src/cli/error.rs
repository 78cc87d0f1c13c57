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

    /// `resume --upgrade`: a step instance that succeeded has no step in the new version.
    #[error("cannot upgrade run `{run_id}`: step instance `{instance}` succeeded, but `{file}` has no step `{step}` any more")]
    #[diagnostic(
        code(E0420),
        help("resume without `--upgrade` to finish the run with the version it started with, or start a new run of the new version with `maestroc run`")
    )]
    UpgradeGone {
        run_id: String,
        instance: String,
        step: String,
        file: String,
    },

    /// `resume --upgrade`: a step instance that succeeded would now have other outputs.
    #[error("cannot upgrade run `{run_id}`: step instance `{instance}` succeeded with outputs {before}, but its step now has {after}")]
    #[diagnostic(
        code(E0421),
        help("its recorded outputs cannot feed the new version; resume without `--upgrade`, or run the step again with `--upgrade --from {step}`")
    )]
    UpgradeChanged {
        run_id: String,
        instance: String,
        step: String,
        before: String,
        after: String,
    },

    /// `resume -p`/`restart -p` of a param declared `fixed`.
    #[error("param `{name}` is fixed: `{command} -p` cannot change it ({was})")]
    #[diagnostic(
        code(E0422),
        help(
            "a fixed param keeps the value the run started with; start a new run with `maestroc run FILE -p {name}=…`"
        )
    )]
    FixedParam {
        name: String,
        command: String,
        /// What the run has: "run `…` has day = "2026-11-30"", "run `…` used its default".
        was: String,
    },

    /// `maestroc skip` of a step instance in a state that cannot be skipped.
    #[error("cannot skip step instance `{instance}` of run `{run_id}`: it {why}")]
    #[diagnostic(code(E0423))]
    SkipState {
        run_id: String,
        instance: String,
        why: String,
        #[help]
        help: Option<String>,
    },

    /// `maestroc skip --outputs` whose JSON does not match the step's declared outputs.
    #[error("`--outputs` for step instance `{instance}`: {message}")]
    #[diagnostic(code(E0424))]
    SkipOutputs {
        instance: String,
        message: String,
        #[help]
        help: Option<String>,
    },

    /// A run recorded before runs kept their source (`show-source`).
    #[error("run `{run_id}` was recorded before runs kept their source, so there is none to show")]
    #[diagnostic(
        code(E0425),
        help("runs started with this version of maestroc record every file they load; the run's file was `{file}`")
    )]
    NoSource { run_id: String, file: String },

    #[error(transparent)]
    #[diagnostic(transparent)]
    Store(#[from] StoreError),

    /// A run id prefix that more than one run has.
    #[error("`{text}` is the start of several run ids: {}", candidates.join(", "))]
    #[diagnostic(
        code(E0450),
        help("type more of the id (newest first above), or `last` for the newest run")
    )]
    AmbiguousRun { text: String, candidates: Vec<String> },

    /// `check DIR` of a directory with no `.mflow` file under it.
    #[error("there is no `.mflow` file under `{dir}`")]
    #[diagnostic(
        code(E0451),
        help("name the files to check, or a directory holding some (hidden directories are not searched)")
    )]
    NoSources { dir: String },

    /// `graph FILE --run RUN` where the run is of no workflow drawn from FILE.
    #[error("run `{run_id}` is of workflow `{workflow}`, which `{file}` does not define")]
    #[diagnostic(
        code(E0452),
        help("the run's workflow is in `{run_file}`; draw that file, or name it with `-w`")
    )]
    RunNotInFile {
        run_id: String,
        workflow: String,
        file: String,
        run_file: String,
    },
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
            CliError::Store(StoreError::NoRun(_)) | CliError::NoSource { .. } => EXIT_NOT_FOUND,
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
            | CliError::UpgradeGone { .. }
            | CliError::UpgradeChanged { .. }
            | CliError::FixedParam { .. }
            | CliError::SkipState { .. }
            | CliError::SkipOutputs { .. }
            | CliError::AmbiguousRun { .. }
            | CliError::NoSources { .. }
            | CliError::RunNotInFile { .. }
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
