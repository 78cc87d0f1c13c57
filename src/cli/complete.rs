//! Dynamic shell completion (`clap_complete`'s engine): run ids and workflow names come
//! from the run store as the user types. Enabled with `source <(COMPLETE=bash maestroc)`
//! (see docs/cli.md); states complete from their value enums.

use std::ffi::OsStr;

use clap_complete::engine::CompletionCandidate;

/// The most candidates offered at once.
const MAX: usize = 200;

fn store() -> Option<crate::store::Store> {
    super::runs::open_existing_store().ok().flatten()
}

/// Run ids starting with what was typed, newest first, and `last`.
pub(super) fn run_ids(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    let mut out = Vec::new();
    if "last".starts_with(typed.as_ref()) {
        out.push(CompletionCandidate::new("last").help(Some("the newest run".into())));
    }
    if let Some(store) = store() {
        for (id, workflow, state) in store.run_ids_for_completion(&typed, MAX).unwrap_or_default() {
            out.push(CompletionCandidate::new(id).help(Some(format!("{workflow} ({state})").into())));
        }
    }
    out
}

/// Names of workflows that have runs, starting with what was typed.
pub(super) fn workflow_names(current: &OsStr) -> Vec<CompletionCandidate> {
    let typed = current.to_string_lossy();
    store()
        .and_then(|s| s.workflow_names(&typed, MAX).ok())
        .unwrap_or_default()
        .into_iter()
        .map(CompletionCandidate::new)
        .collect()
}
