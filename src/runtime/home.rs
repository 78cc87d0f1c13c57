//! Where the run store lives, found the way git finds `.git`: `$MFLOW_HOME` when set,
//! else the nearest `.mflow/` holding a store (`state.db`) in the current directory or
//! one of its parents, else `./.mflow` (created there by the first run).

use std::path::{Path, PathBuf};

/// The run store directory for a process whose current directory is `cwd`.
#[must_use]
pub fn find(mflow_home: Option<&std::ffi::OsStr>, cwd: &Path) -> PathBuf {
    if let Some(home) = mflow_home.filter(|h| !h.is_empty()) {
        let home = PathBuf::from(home);
        return if home.is_absolute() { home } else { cwd.join(home) };
    }
    cwd.ancestors()
        .map(|dir| dir.join(".mflow"))
        .find(|candidate| candidate.join("state.db").is_file())
        .unwrap_or_else(|| cwd.join(".mflow"))
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn the_nearest_store_above_wins_and_mflow_home_overrides() {
        let root = tempfile::tempdir().unwrap();
        let sub = root.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        assert_eq!(find(None, &sub), sub.join(".mflow"));
        std::fs::create_dir_all(root.path().join(".mflow")).unwrap();
        std::fs::write(root.path().join(".mflow/state.db"), b"").unwrap();
        assert_eq!(find(None, &sub), root.path().join(".mflow"));
        assert_eq!(find(Some("x".as_ref()), &sub), sub.join("x"));
    }
}
