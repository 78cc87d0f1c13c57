//! What can go wrong with the run store.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("the run store `{path}` cannot be opened: {source}")]
    Open {
        path: String,
        #[source]
        source: rusqlite::Error,
    },
    #[error("the run store `{path}` has schema version {found}, newer than this maestroc knows ({known})")]
    TooNew { path: String, found: i64, known: i64 },
    #[error("the run store failed: {0}")]
    Sql(#[from] rusqlite::Error),
    #[error("the run store failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("there is no run `{0}` in this run store")]
    NoRun(String),
}

impl StoreError {
    /// Whether the database was locked by another process (worth trying again).
    #[must_use]
    pub fn is_busy(&self) -> bool {
        let code = match self {
            StoreError::Sql(e) | StoreError::Open { source: e, .. } => e.sqlite_error_code(),
            _ => None,
        };
        matches!(
            code,
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
