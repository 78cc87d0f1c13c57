//! The run store: one SQLite database (`$MFLOW_HOME/state.db`, WAL mode) shared by every
//! `maestroc` process on the machine. It holds runs, step instances, attempts, outputs and
//! signals; see `docs/store.md` for the schema and how to query it with `sqlite3`.
//!
//! Every write is its own transaction, committed before the caller goes on, so what a run
//! has recorded survives the `maestroc` process being killed at any moment.

pub mod admission;
pub mod control;
mod deferred;
pub mod error;
pub mod jobs;
pub mod lease;
mod lookup;
pub mod pages;
pub mod runs;
pub mod schema;
pub mod signals;
pub mod steps;
pub mod triggers;
pub mod versions;
pub mod views;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

pub use error::{Result, StoreError};

/// How hard each commit tries to survive a crash (`MFLOW_SYNC`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Survives the process being killed at any moment; the default. (`synchronous=NORMAL`
    /// in WAL mode: a power cut may lose the last commits, a killed process loses nothing.)
    Normal,
    /// Also survives power loss: every commit waits for the disk (`synchronous=FULL`).
    Full,
    /// No durability at all: an in-memory database, for benchmarks only.
    Memory,
}

impl Durability {
    /// From `MFLOW_SYNC` (`normal`, `full`, `memory`); `normal` when unset or unknown.
    #[must_use]
    pub fn from_env() -> Self {
        match std::env::var("MFLOW_SYNC").as_deref() {
            Ok("full") => Durability::Full,
            Ok("memory") => Durability::Memory,
            _ => Durability::Normal,
        }
    }
}

pub struct Store {
    conn: Mutex<Connection>,
    /// Records whose loss in a crash costs nothing (see `deferred.rs`), written with the
    /// next commit that matters instead of one transaction each.
    deferred: Mutex<Vec<deferred::Deferred>>,
    /// `$MFLOW_HOME`: the database, run directories and lock files live here.
    home: PathBuf,
}

/// The time now as RFC 3339 in UTC with milliseconds, the store's one time format.
#[must_use]
pub fn now() -> String {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

impl Store {
    /// Opens (creating if needed) the store under `home`, migrating it to this version's schema.
    pub fn open(home: &Path, durability: Durability) -> Result<Store> {
        // Switching a new database to WAL can report "locked" without waiting when another
        // process is creating it at the same moment; such an open is simply tried again.
        let mut tries = 0;
        loop {
            match Self::try_open(home, durability) {
                Err(e) if e.is_busy() && tries < 100 => {
                    tries += 1;
                    std::thread::sleep(Duration::from_millis(50));
                }
                other => return other,
            }
        }
    }

    /// Opens the store under `home` if there is one, creating nothing: what read-only
    /// commands (`runs`, `logs`, …) use, so that looking never leaves a `.mflow` behind.
    pub fn open_existing(home: &Path, durability: Durability) -> Result<Option<Store>> {
        if durability != Durability::Memory && !home.join("state.db").exists() {
            return Ok(None);
        }
        Self::open(home, durability).map(Some)
    }

    fn try_open(home: &Path, durability: Durability) -> Result<Store> {
        std::fs::create_dir_all(home).map_err(|source| StoreError::CreateHome {
            path: home.display().to_string(),
            source,
        })?;
        // Absolute, so that messages name the file wherever the command was run from.
        let path = std::path::absolute(home.join("state.db")).unwrap_or_else(|_| home.join("state.db"));
        let opened = if durability == Durability::Memory {
            Connection::open_in_memory()
        } else {
            Connection::open(&path)
        };
        let open_error = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        let conn = opened.map_err(open_error)?;
        // Eight processes writing at once wait for each other instead of failing.
        conn.busy_timeout(Duration::from_secs(30)).map_err(open_error)?;
        if durability != Durability::Memory {
            conn.pragma_update(None, "journal_mode", "WAL").map_err(open_error)?;
        }
        let sync = if durability == Durability::Full {
            "FULL"
        } else {
            "NORMAL"
        };
        conn.pragma_update(None, "synchronous", sync).map_err(open_error)?;
        conn.pragma_update(None, "foreign_keys", "ON").map_err(open_error)?;
        views::register(&conn).map_err(open_error)?;
        let store = Store {
            conn: Mutex::new(conn),
            deferred: Mutex::new(Vec::new()),
            home: home.to_path_buf(),
        };
        store.migrate(&path)?;
        Ok(store)
    }

    fn migrate(&self, path: &Path) -> Result<()> {
        let open_error = |source| StoreError::Open {
            path: path.display().to_string(),
            source,
        };
        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(open_error)?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(open_error)?;
        let known = i64::try_from(schema::MIGRATIONS.len()).unwrap_or(i64::MAX);
        if version > known {
            return Err(StoreError::TooNew {
                path: path.display().to_string(),
                found: version,
                known,
            });
        }
        let Ok(applied) = usize::try_from(version) else {
            return Err(StoreError::UnknownVersion {
                path: path.display().to_string(),
                found: version,
            });
        };
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(applied) {
            let to = i64::try_from(i + 1).unwrap_or(i64::MAX);
            // SQLite's message only: the statement (the schema) is never shown.
            let migrate_error = |e: rusqlite::Error| StoreError::Migrate {
                path: path.display().to_string(),
                from: to - 1,
                to,
                reason: error::describe(&e),
            };
            tx.execute_batch(sql).map_err(migrate_error)?;
            tx.pragma_update(None, "user_version", to).map_err(migrate_error)?;
        }
        tx.commit().map_err(open_error)?;
        Ok(())
    }

    /// The connection; a panic while holding it cannot poison later use (SQLite rolls back).
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    #[must_use]
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Runs `f` in one write transaction (taken at once, so writers queue instead of
    /// deadlocking when they upgrade from a read), after writing the deferred records.
    pub fn write<T>(&self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let deferred = std::mem::take(&mut *self.deferred.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        let mut conn = self.conn();
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        deferred::apply(&tx, &deferred)?;
        let value = f(&tx)?;
        tx.commit()?;
        Ok(value)
    }

    /// Runs `f` with the connection for reading.
    pub fn read<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.conn();
        f(&conn)
    }
}
