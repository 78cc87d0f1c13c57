//! How the front end reads source files: through a [`Loader`], never `std::fs` directly,
//! so the language server and tests can feed it from memory.

use std::collections::HashMap;

/// Why a file could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    NotFound,
    /// Any other I/O failure, with the system's message.
    Unreadable(String),
    /// The bytes are not UTF-8. `lossy` is the text with bad bytes replaced, so the
    /// diagnostic can still show the line; `valid_up_to` is the offset of the first bad byte.
    InvalidUtf8 {
        lossy: String,
        valid_up_to: usize,
    },
}

/// Reads sources by path.
pub trait Loader {
    fn load(&self, path: &str) -> Result<String, LoadError>;
}

/// Reads from the file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsLoader;

impl Loader for FsLoader {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        let bytes = std::fs::read(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => LoadError::NotFound,
            _ => LoadError::Unreadable(e.to_string()),
        })?;
        String::from_utf8(bytes).map_err(|e| LoadError::InvalidUtf8 {
            valid_up_to: e.utf8_error().valid_up_to(),
            lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
        })
    }
}

/// Reads from a map of path → text (tests, the language server's open buffers).
#[derive(Clone, Debug, Default)]
pub struct MemLoader {
    files: HashMap<String, String>,
}

impl MemLoader {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    #[must_use]
    pub fn with(mut self, path: &str, text: &str) -> Self {
        self.files.insert(path.to_string(), text.to_string());
        self
    }

    pub fn insert(&mut self, path: &str, text: &str) {
        self.files.insert(path.to_string(), text.to_string());
    }
}

impl Loader for MemLoader {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        self.files.get(path).cloned().ok_or(LoadError::NotFound)
    }
}
