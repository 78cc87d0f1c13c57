//! The files `check` is given: a directory stands for the `.mflow` files under it (hidden
//! directories such as `.git` and `.mflow` left out; symbolic links to directories not
//! followed, so a link loop cannot trap the walk).

use std::path::Path;

use super::error::CliError;

/// How deep under a named directory files are looked for.
const MAX_DEPTH: usize = 32;

/// `given` with each directory replaced by the `.mflow` files under it, in path order.
pub(super) fn expand(given: &[String]) -> Result<Vec<String>, CliError> {
    let mut files = Vec::new();
    for arg in given {
        let path = Path::new(arg);
        if !path.is_dir() {
            files.push(arg.clone());
            continue;
        }
        let mut found = Vec::new();
        walk(path, 0, &mut found);
        if found.is_empty() {
            return Err(CliError::NoSources { dir: arg.clone() });
        }
        found.sort();
        files.extend(found);
    }
    Ok(files)
}

fn walk(dir: &Path, depth: usize, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else { continue };
        let path = entry.path();
        if kind.is_dir() {
            if !name.starts_with('.') && depth < MAX_DEPTH {
                walk(&path, depth + 1, found);
            }
        } else if Path::new(name.as_ref()).extension().is_some_and(|e| e == "mflow") {
            found.push(path.display().to_string());
        }
    }
}
