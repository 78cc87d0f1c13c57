//! What every part of a running `serve` shares: the store, the served workflows, the
//! process starting runs, the token, and the recent log lines (`GET /api/status`).

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, RwLock};

use crate::store::Store;

use super::catalog::Catalog;
use super::launch::Launcher;

/// Log lines kept for the API.
const LOG_LINES: usize = 200;

pub struct App {
    pub store: Arc<Store>,
    pub catalog: RwLock<Catalog>,
    pub launcher: Launcher,
    /// The bearer token the API asks for, when one was given.
    pub token: Option<String>,
    /// The address listened on.
    pub listen: String,
    pub started_at: String,
    /// This process's name in the store (`serve-PID-…`), held as a lease while it lives.
    pub owner: String,
    log: Mutex<VecDeque<String>>,
    /// Set when SIGTERM/SIGINT asked `serve` to stop: no new fires.
    pub stopping: std::sync::atomic::AtomicBool,
}

impl App {
    pub fn new(store: Arc<Store>, launcher: Launcher, token: Option<String>, listen: String, owner: String) -> Self {
        Self {
            store,
            catalog: RwLock::new(Catalog::default()),
            launcher,
            token,
            listen,
            started_at: crate::store::now(),
            owner,
            log: Mutex::new(VecDeque::new()),
            stopping: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Writes a line to the log (stderr) and keeps it for the API.
    pub fn log(&self, line: &str) {
        let stamped = format!("{} {line}", crate::store::now());
        eprintln!("{stamped}");
        let mut log = self.log.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if log.len() == LOG_LINES {
            log.pop_front();
        }
        log.push_back(stamped);
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.log
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .cloned()
            .collect()
    }

    pub fn catalog(&self) -> std::sync::RwLockReadGuard<'_, Catalog> {
        self.catalog.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn catalog_mut(&self) -> std::sync::RwLockWriteGuard<'_, Catalog> {
        self.catalog.write().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn is_stopping(&self) -> bool {
        self.stopping.load(std::sync::atomic::Ordering::SeqCst)
    }
}

pub type Shared = Arc<App>;
