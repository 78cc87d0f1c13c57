//! How the front end reads source files: through a [`Loader`], never `std::fs` directly,
//! so the language server and tests can feed it from memory.
//!
//! The file system loader reads regular files only (a FIFO would block, `/dev/zero`
//! never ends), at most [`DEFAULT_MAX_SOURCE_BYTES`] unless told otherwise, and `-` as
//! standard input (`docs/cli.md`).

use std::collections::HashMap;
use std::io::Read as _;
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _};

/// The largest source file read by default: 64 MiB, some twenty times the generated
/// 100,000-line benchmark file.
pub const DEFAULT_MAX_SOURCE_BYTES: u64 = 64 * 1024 * 1024;

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
    /// Not a regular file: what it is instead (`a FIFO`, `a directory`, …).
    NotRegular(&'static str),
    /// Larger than the limit (bytes).
    TooLarge {
        limit: u64,
    },
}

impl LoadError {
    /// Why, like the system says it (`No such file or directory`).
    #[must_use]
    pub fn reason(&self) -> String {
        match self {
            LoadError::NotFound => "No such file or directory".into(),
            LoadError::Unreadable(reason) => match reason.rfind(" (os error ") {
                Some(cut) if reason.ends_with(')') => reason[..cut].to_string(),
                _ => reason.clone(),
            },
            LoadError::InvalidUtf8 { .. } => "it is not valid UTF-8".into(),
            LoadError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
            LoadError::TooLarge { limit } => format!("it is larger than the limit of {limit} bytes"),
        }
    }
}

/// Reads sources by path.
pub trait Loader {
    fn load(&self, path: &str) -> Result<String, LoadError>;
}

/// Reads from the file system, with the default size limit.
#[derive(Clone, Copy, Debug, Default)]
pub struct FsLoader;

impl FsLoader {
    /// A file system loader that refuses files over `max_bytes`.
    #[must_use]
    pub fn with_limit(max_bytes: u64) -> BoundedFsLoader {
        BoundedFsLoader { max_bytes }
    }
}

impl Loader for FsLoader {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        read_source(path, DEFAULT_MAX_SOURCE_BYTES)
    }
}

/// Reads from the file system, refusing files over `max_bytes`.
#[derive(Clone, Copy, Debug)]
pub struct BoundedFsLoader {
    pub max_bytes: u64,
}

impl Loader for BoundedFsLoader {
    fn load(&self, path: &str) -> Result<String, LoadError> {
        read_source(path, self.max_bytes)
    }
}

/// What a file that is not a regular file is, for the message.
fn kind_of(file_type: std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        "a directory"
    } else if file_type.is_fifo() {
        "a FIFO"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "not a file"
    }
}

fn io_error(e: &std::io::Error) -> LoadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        LoadError::NotFound
    } else {
        LoadError::Unreadable(e.to_string())
    }
}

/// Reads one source: `-` is standard input; anything else must be a regular file of at
/// most `max_bytes`. The file is opened non-blocking and checked after opening, so a FIFO
/// put in its place between a check and the open cannot hang the reader.
pub fn read_source(path: &str, max_bytes: u64) -> Result<String, LoadError> {
    let mut bytes = Vec::new();
    let limit = max_bytes.saturating_add(1);
    if path == "-" {
        std::io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut bytes)
            .map_err(|e| io_error(&e))?;
    } else {
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
            .open(path)
            .map_err(|e| io_error(&e))?;
        let meta = file.metadata().map_err(|e| io_error(&e))?;
        if !meta.is_file() {
            return Err(LoadError::NotRegular(kind_of(meta.file_type())));
        }
        if meta.len() > max_bytes {
            return Err(LoadError::TooLarge { limit: max_bytes });
        }
        file.take(limit).read_to_end(&mut bytes).map_err(|e| io_error(&e))?;
    }
    if bytes.len() as u64 > max_bytes {
        return Err(LoadError::TooLarge { limit: max_bytes });
    }
    String::from_utf8(bytes).map_err(|e| LoadError::InvalidUtf8 {
        valid_up_to: e.utf8_error().valid_up_to(),
        lossy: String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
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
