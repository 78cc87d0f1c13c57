//! Whether the process that owns a run is alive: the owner holds an exclusive `flock` on
//! `locks/RUN_ID.lock` for as long as it lives. The kernel drops the lock when the process
//! dies, however it dies (SIGKILL included), so a lock that can be taken means a dead owner.
//! Unlike a pid check, this cannot be fooled by a reused pid.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

/// The lock a live run holds; dropping it (or dying) releases it.
pub struct Lease {
    _lock: Flock<File>,
    path: PathBuf,
}

fn lock_path(home: &Path, run_id: &str) -> PathBuf {
    home.join("locks").join(format!("{run_id}.lock"))
}

fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // std opens files close-on-exec, so step processes never inherit the lock.
    OpenOptions::new().create(true).truncate(false).write(true).open(path)
}

impl Lease {
    /// Takes the lease of a run; fails when a live process holds it.
    pub fn acquire(home: &Path, run_id: &str) -> std::io::Result<Lease> {
        let path = lock_path(home, run_id);
        let file = open(&path)?;
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(lock) => Ok(Lease { _lock: lock, path }),
            Err((_, errno)) => Err(std::io::Error::from(errno)),
        }
    }

    /// Removes the lock file; the lock itself goes with the lease.
    pub fn release(self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Whether a live process holds the lease of `run_id`.
#[must_use]
pub fn is_held(home: &Path, run_id: &str) -> bool {
    let path = lock_path(home, run_id);
    let Ok(file) = OpenOptions::new().write(true).open(&path) else {
        // No lock file: the owner released it or never took it.
        return false;
    };
    Flock::lock(file, FlockArg::LockExclusiveNonblock).is_err()
}
