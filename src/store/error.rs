//! What can go wrong with the run store. Every message names the database (`state.db`)
//! and never quotes SQL: SQLite's own message only, not the statement it came from.

use miette::Diagnostic;
use thiserror::Error;

#[derive(Debug, Error, Diagnostic)]
pub enum StoreError {
    #[error("cannot create the run store directory `{path}`: {source}")]
    #[diagnostic(
        code(E0601),
        help("set MFLOW_HOME to a directory this user may write, or create `{path}` with write permission")
    )]
    CreateHome {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot open the run store `{path}`: {}", describe(source))]
    #[diagnostic(code(E0601), help("{}", open_help(source)))]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the run store `{path}` has schema version {found}, newer than this maestroc knows ({known})")]
    #[diagnostic(
        code(E0602),
        help("use the maestroc that wrote it (or a newer one), or point MFLOW_HOME at another directory")
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error("the run store `{path}` has schema version {found}, which no maestroc writes")]
    #[diagnostic(
        code(E0602),
        help(
            "`{path}` was not made by maestroc or is damaged; move it away, or point MFLOW_HOME at another directory"
        )
    )]
    UnknownVersion { path: String, found: i64 },
    #[error("cannot bring the run store `{path}` from schema version {from} to {to}: {reason}")]
    #[diagnostic(
        code(E0602),
        help(
            "`{path}` was not made by maestroc or is damaged; move it away, or point MFLOW_HOME at another directory"
        )
    )]
    Migrate {
        path: String,
        from: i64,
        to: i64,
        reason: String,
    },
    #[error("the run store (state.db) failed: {}", describe(.0))]
    #[diagnostic(code(E0601))]
    Sql(#[from] rusqlite::Error),
    #[error("the run store (state.db) failed: {0}")]
    #[diagnostic(code(E0601))]
    Io(#[from] std::io::Error),
    #[error("there is no run `{0}` in this run store")]
    #[diagnostic(code(E0404), help("`maestroc runs` lists the runs"))]
    NoRun(String),
}

/// SQLite's message for an error, without the SQL text some errors carry.
#[must_use]
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "rusqlite::Error is non-exhaustive: every other error is described by SQLite's own text"
)]
pub fn describe(error: &rusqlite::Error) -> String {
    match error {
        rusqlite::Error::SqliteFailure(e, Some(msg)) if is_read_only_code(e.code) => {
            format!("it is read-only for this user ({msg})")
        }
        rusqlite::Error::SqliteFailure(e, None) if is_read_only_code(e.code) => "it is read-only for this user".into(),
        rusqlite::Error::SqliteFailure(_, Some(msg)) | rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}

fn is_read_only_code(code: rusqlite::ErrorCode) -> bool {
    matches!(
        code,
        rusqlite::ErrorCode::ReadOnly | rusqlite::ErrorCode::CannotOpen | rusqlite::ErrorCode::PermissionDenied
    )
}

fn open_help(error: &rusqlite::Error) -> &'static str {
    match error.sqlite_error_code() {
        Some(code) if is_read_only_code(code) => {
            "maestroc needs write access to the store's directory and files even to read them (SQLite's write-ahead log); run as their owner, or point MFLOW_HOME at a store this user may write"
        }
        _ => "check that the file is a maestroc run store and that the disk is not full",
    }
}

impl StoreError {
    /// Whether the database was locked by another process (worth trying again).
    #[must_use]
    pub fn is_busy(&self) -> bool {
        let code = match self {
            StoreError::Sql(e) | StoreError::Open { source: e, .. } => e.sqlite_error_code(),
            StoreError::CreateHome { .. }
            | StoreError::TooNew { .. }
            | StoreError::UnknownVersion { .. }
            | StoreError::Migrate { .. }
            | StoreError::Io(_)
            | StoreError::NoRun(_) => None,
        };
        matches!(
            code,
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
