//! Reading files a step can tamper with (its outputs file, its logs) without trusting them:
//! opened non-blocking (a FIFO cannot block the open), regular files only (a symlink to
//! `/dev/zero` or a FIFO is refused), at most a given number of bytes, on tokio's blocking
//! pool with a deadline, never on the runtime's own thread.

use std::fs::File;
use std::io::Read as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long reading one such file may take before it is given up.
pub const READ_DEADLINE: Duration = Duration::from_secs(30);

/// Why a file could not be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReadError {
    #[error("does not exist")]
    Missing,
    #[error("is {0}, not a regular file")]
    NotRegular(&'static str),
    #[error("is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("could not be read within {0} seconds")]
    Slow(u64),
    #[error("cannot be read: {0}")]
    Io(String),
}

/// What kind of file, in words, for a refusal.
fn kind(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading without blocking, refusing anything but a regular file.
/// Symlinks are followed (the file they name is what is checked).
pub fn open(path: &Path) -> Result<File, ReadError> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::fcntl::OFlag::O_NONBLOCK.bits())
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                ReadError::Missing
            } else {
                ReadError::Io(e.to_string())
            }
        })?;
    let meta = file.metadata().map_err(|e| ReadError::Io(e.to_string()))?;
    if !meta.file_type().is_file() {
        return Err(ReadError::NotRegular(kind(&meta)));
    }
    Ok(file)
}

/// Reads at most `limit` bytes of the regular file `path` (blocking: see [`read`]).
pub fn read_blocking(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open(path)?;
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// Reads at most `limit` bytes of the regular file `path`, off the runtime's thread.
pub async fn read(path: PathBuf, limit: u64) -> Result<Vec<u8>, ReadError> {
    let task = tokio::task::spawn_blocking(move || read_blocking(&path, limit));
    match tokio::time::timeout(READ_DEADLINE, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(ReadError::Io(e.to_string())),
        Err(_) => Err(ReadError::Slow(READ_DEADLINE.as_secs())),
    }
}

/// Reads the last `max` bytes (at most) of the regular file `path`, off the runtime's thread.
pub async fn read_tail(path: PathBuf, max: u64) -> Result<Vec<u8>, ReadError> {
    let task = tokio::task::spawn_blocking(move || {
        use std::io::{Seek as _, SeekFrom};
        let mut file = open(&path)?;
        let len = file.metadata().map_err(|e| ReadError::Io(e.to_string()))?.len();
        file.seek(SeekFrom::Start(len.saturating_sub(max)))
            .map_err(|e| ReadError::Io(e.to_string()))?;
        let mut bytes = Vec::new();
        file.take(max)
            .read_to_end(&mut bytes)
            .map_err(|e| ReadError::Io(e.to_string()))?;
        Ok(bytes)
    });
    match tokio::time::timeout(READ_DEADLINE, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(ReadError::Io(e.to_string())),
        Err(_) => Err(ReadError::Slow(READ_DEADLINE.as_secs())),
    }
}

/// Creates (or truncates) `path` for writing without blocking, refusing anything but a
/// regular file: a step cannot make maestroc's next open of one of its files hang.
pub fn create(path: &Path) -> std::io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .custom_flags((nix::fcntl::OFlag::O_NONBLOCK | nix::fcntl::OFlag::O_NOFOLLOW).bits())
        .open(path)?;
    let meta = file.metadata()?;
    if !meta.file_type().is_file() {
        return Err(std::io::Error::other(format!("{} {}", path.display(), kind(&meta))));
    }
    // The child writes to it as its stdout: back to blocking writes.
    let flags = nix::fcntl::fcntl(&file, nix::fcntl::FcntlArg::F_GETFL).map_err(std::io::Error::from)?;
    let flags = nix::fcntl::OFlag::from_bits_truncate(flags) & !nix::fcntl::OFlag::O_NONBLOCK;
    nix::fcntl::fcntl(&file, nix::fcntl::FcntlArg::F_SETFL(flags)).map_err(std::io::Error::from)?;
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_devices_fifos_and_large_files() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        assert_eq!(
            read_blocking(&link, 10),
            Err(ReadError::NotRegular("a character device"))
        );
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        assert_eq!(read_blocking(&fifo, 10), Err(ReadError::NotRegular("a FIFO")));
        let big = dir.path().join("big");
        std::fs::write(&big, "x".repeat(11)).unwrap();
        assert_eq!(read_blocking(&big, 10), Err(ReadError::TooLarge { limit: 10 }));
        assert_eq!(read_blocking(&big, 11).unwrap().len(), 11);
        assert_eq!(read_blocking(&dir.path().join("none"), 10), Err(ReadError::Missing));
        assert!(create(&fifo).is_err());
    }
}
