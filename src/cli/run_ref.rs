//! What a person may type where a command wants a run: its full id, any prefix of it that
//! only one run has, or `last` for the newest run.

use super::error::CliError;
use crate::store::{Store, StoreError};

/// How many candidates an ambiguous prefix lists.
const SHOWN: usize = 10;

/// The full id of the run `text` names: an exact id, a unique prefix, or `last` (the
/// newest run). An unknown id is "no run" (E0404); a prefix several runs share is E0450,
/// listing them.
pub(crate) fn resolve_run(store: &Store, text: &str) -> Result<String, CliError> {
    if text == "last" {
        return store.newest_run_id()?.ok_or_else(|| CliError::NotFound {
            message: "there is no run yet, so `last` names none".into(),
            help: Some("start one with `maestroc run FILE`".into()),
            exit: super::error::EXIT_NOT_FOUND,
        });
    }
    if text.is_empty() {
        return Err(StoreError::NoRun(String::new()).into());
    }
    let candidates = store.run_ids_with_prefix(text, SHOWN + 1)?;
    if let Some(exact) = candidates.iter().find(|id| *id == text) {
        return Ok(exact.clone());
    }
    match candidates.as_slice() {
        [] => Err(StoreError::NoRun(text.to_string()).into()),
        [one] => Ok(one.clone()),
        many => {
            let more = many.len() > SHOWN;
            let mut list: Vec<String> = many.iter().take(SHOWN).cloned().collect();
            if more {
                list.push("…".into());
            }
            Err(CliError::AmbiguousRun {
                text: text.to_string(),
                candidates: list,
            })
        }
    }
}
