//! Reporting what the front end found, shared by the subcommands: the human rendering and
//! files that could not be read at all (E0002, exit code 2).

use crate::diagnostics::render::{self, RenderOptions};
use crate::driver::{Analysis, Unreadable};
use crate::loader::LoadError;

/// The code of a file named on the command line that cannot be read.
pub const UNREADABLE: &str = "E0002";

/// Why a root file could not be read, like the system says it (`No such file or directory`).
pub fn describe(error: &LoadError) -> String {
    match error {
        LoadError::NotFound => "No such file or directory".into(),
        LoadError::Unreadable(reason) => match reason.rfind(" (os error ") {
            Some(cut) if reason.ends_with(')') => reason[..cut].to_string(),
            _ => reason.clone(),
        },
        LoadError::InvalidUtf8 { .. } => "it is not valid UTF-8".into(),
    }
}

/// `cannot read `path`: reason`.
pub fn unreadable_message(u: &Unreadable) -> String {
    format!("cannot read `{}`: {}", u.path, describe(&u.error))
}

/// An unreadable file as a §11 JSON diagnostic: at 1:1, without labels or help.
pub fn unreadable_json(u: &Unreadable) -> serde_json::Value {
    serde_json::json!({
        "code": UNREADABLE,
        "severity": "error",
        "message": unreadable_message(u),
        "file": u.path,
        "line": 1,
        "column": 1,
        "labels": [],
        "help": null,
    })
}

/// Prints the human rendering of the problems, then one line per unreadable file, to
/// stderr; true if there was any error.
pub fn human(analysis: &Analysis, options: &RenderOptions) -> bool {
    let text = render::human(&analysis.sources, &analysis.problems, options);
    eprint!("{text}");
    for u in &analysis.unreadable {
        eprintln!("error[{UNREADABLE}]: {}", unreadable_message(u));
    }
    analysis.problems.has_errors() || !analysis.unreadable.is_empty()
}
