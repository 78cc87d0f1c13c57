//! The texts the server analyses: documents open in the editor (their unsaved text wins),
//! and files read from disk, cached and re-read only when their size or modification time
//! changed (an unchanged import is never read twice).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use crate::loader::{LoadError, Loader};

/// One document open in the editor.
#[derive(Clone, Debug)]
pub struct Document {
    pub text: Arc<str>,
    pub version: i32,
}

#[derive(Clone, Debug)]
struct DiskEntry {
    modified: Option<SystemTime>,
    len: u64,
    text: Result<String, LoadError>,
}

/// Open documents by path, and a cache of files read from disk.
#[derive(Debug, Default)]
pub struct Documents {
    open: HashMap<String, Document>,
    disk: RefCell<HashMap<String, DiskEntry>>,
    /// How many times a file was actually read from disk (`maestroc/stats`).
    reads: Cell<u64>,
}

impl Documents {
    pub fn open(&mut self, path: String, text: String, version: i32) {
        self.open.insert(
            path,
            Document {
                text: text.into(),
                version,
            },
        );
    }

    pub fn change(&mut self, path: &str, text: String, version: i32) {
        self.open.insert(
            path.to_string(),
            Document {
                text: text.into(),
                version,
            },
        );
    }

    pub fn close(&mut self, path: &str) {
        self.open.remove(path);
    }

    #[must_use]
    pub fn get(&self, path: &str) -> Option<&Document> {
        self.open.get(path)
    }

    /// The paths of the open documents, sorted.
    #[must_use]
    pub fn open_paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.open.keys().cloned().collect();
        paths.sort();
        paths
    }

    /// Forgets the cached copy of a file changed on disk (the next load re-reads it).
    pub fn invalidate(&self, path: &str) {
        self.disk.borrow_mut().remove(path);
    }

    #[must_use]
    pub fn disk_reads(&self) -> u64 {
        self.reads.get()
    }
}

impl Loader for Documents {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        if let Some(doc) = self.open.get(path) {
            return Ok(doc.text.to_string());
        }
        let meta = std::fs::metadata(path).ok();
        let modified = meta.as_ref().and_then(|m| m.modified().ok());
        let len = meta.as_ref().map_or(0, std::fs::Metadata::len);
        if let Some(entry) = self.disk.borrow().get(path) {
            if meta.is_some() && entry.modified == modified && entry.len == len {
                return entry.text.clone();
            }
        }
        self.reads.set(self.reads.get() + 1);
        let text = crate::loader::FsLoader.load(path);
        if meta.is_some() {
            self.disk.borrow_mut().insert(
                path.to_string(),
                DiskEntry {
                    modified,
                    len,
                    text: text.clone(),
                },
            );
        }
        text
    }
}
