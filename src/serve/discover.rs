//! Which `.mflow` files `serve` loads: the files named, and every `.mflow` file under the
//! directories named (hidden directories, `target` and `node_modules` left out), sorted.

use std::path::{Path, PathBuf};

/// Directory levels looked into below each directory named.
const MAX_DEPTH: usize = 8;
/// Files served at most; more is reported rather than read.
pub const MAX_FILES: usize = 2000;

/// The workflow files under `paths`, as absolute paths.
pub fn files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for p in paths {
        let abs = std::path::absolute(p).unwrap_or_else(|_| p.clone());
        if abs.is_dir() {
            walk(&abs, 0, &mut found);
        } else {
            // A file named on the command line is served even before it exists: it is
            // reported as unreadable and picked up once it appears.
            found.push(abs);
        }
    }
    found.sort();
    found.dedup();
    found.truncate(MAX_FILES);
    found
}

fn skipped(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH || out.len() >= MAX_FILES {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // `file_type` of a symlink is the link's: symlinked directories are not followed,
        // so a link cycle cannot make the walk endless.
        let Ok(kind) = std::fs::symlink_metadata(&path).map(|m| m.file_type()) else {
            continue;
        };
        if kind.is_dir() {
            if !skipped(&name) {
                walk(&path, depth + 1, out);
            }
        } else if path.extension().is_some_and(|e| e == "mflow") {
            out.push(path);
        }
    }
}
