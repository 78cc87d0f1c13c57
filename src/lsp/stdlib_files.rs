//! The standard library as files the editor can open: go to definition into `std/dates`
//! lands in a read-only copy of the embedded source, written once per version and user to
//! the temporary directory (`maestroc-stdlib-VERSION-UID/NAME.mflow`, mode 0444).

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;

/// The directory of the read-only copies.
#[must_use]
pub fn dir() -> PathBuf {
    // The owner of this process's /proc entry is its user.
    let uid = std::fs::metadata("/proc/self").map_or(0, |m| std::os::unix::fs::MetadataExt::uid(&m));
    std::env::temp_dir().join(format!("maestroc-stdlib-{}-{uid}", env!("CARGO_PKG_VERSION")))
}

/// Writes the copies that are missing or differ; returns the directory. Failing to write
/// is not fatal: go to definition into the stdlib then finds no file.
pub fn install() -> PathBuf {
    let dir = dir();
    let _ = std::fs::create_dir_all(&dir);
    for (name, source) in crate::stdlib::MODULES {
        let path = dir.join(format!("{name}.mflow"));
        if std::fs::read_to_string(&path).is_ok_and(|text| text == *source) {
            continue;
        }
        let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644));
        let written = std::fs::File::create(&path).and_then(|mut f| f.write_all(source.as_bytes()));
        if written.is_ok() {
            let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444));
        }
    }
    dir
}

/// The path of the copy of stdlib module `name`.
#[must_use]
pub fn path(dir: &std::path::Path, name: &str) -> String {
    dir.join(format!("{name}.mflow")).to_string_lossy().into_owned()
}
