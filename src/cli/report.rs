//! Reporting what the front end found, shared by the subcommands: the human rendering and
//! files that could not be read at all (E0002, exit code 2).

use crate::diagnostics::render::{self, RenderOptions};
use crate::driver::{Analysis, Unreadable};
use crate::loader::LoadError;

use super::error::CliError;

/// The code of a file named on the command line that cannot be read.
pub(super) const UNREADABLE: &str = "E0002";

/// Why a root file could not be read, like the system says it (`No such file or directory`).
pub(super) fn describe(error: &LoadError) -> String {
    error.reason()
}

/// `cannot read `path`: reason`.
pub(super) fn unreadable_message(u: &Unreadable) -> String {
    format!("cannot read `{}`: {}", u.path, describe(&u.error))
}

/// An unreadable file as a §11 JSON diagnostic: at 1:1, without labels or help.
pub(super) fn unreadable_json(u: &Unreadable) -> serde_json::Value {
    serde_json::json!({
        "code": UNREADABLE,
        "severity": "error",
        "message": unreadable_message(u),
        "file": u.path,
        "line": 1,
        "column": 1,
        "labels": [],
        "help": unreadable_help(&u.error),
    })
}

/// An unreadable file as an error of the command line.
pub(super) fn unreadable_error(u: &Unreadable) -> CliError {
    CliError::Unreadable {
        path: u.path.clone(),
        reason: describe(&u.error),
        help: unreadable_help(&u.error),
    }
}

/// What to do about a file that cannot be read, when something can be done.
fn unreadable_help(error: &LoadError) -> Option<String> {
    match error {
        LoadError::TooLarge { limit } => Some(format!(
            "MFlow sources are read whole; files over {limit} bytes are refused (raise the limit with `--max-source-size BYTES`)"
        )),
        LoadError::NotRegular(_) => Some("name an `.mflow` file, or `-` to read the program from standard input".into()),
        LoadError::NotFound | LoadError::Unreadable(_) | LoadError::InvalidUtf8 { .. } => None,
    }
}

/// Prints the human rendering of the problems, then one diagnostic per unreadable file,
/// to stderr; true if there was any error.
pub(super) fn human(analysis: &Analysis, options: &RenderOptions) -> bool {
    let mut text = render::human(&analysis.sources, &analysis.problems, options);
    for u in &analysis.unreadable {
        text.push_str(&render::render(&unreadable_error(u), None, options));
    }
    eprint!("{text}");
    analysis.problems.has_errors() || !analysis.unreadable.is_empty()
}
