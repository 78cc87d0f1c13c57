//! Rendering problems: for people ([`human`]), for programs ([`json`]), for GitHub
//! Actions ([`github`]) and for code-scanning tools ([`sarif`]). File names and sources are attached here, at the edge.

pub mod github;
pub mod human;
pub mod json;
pub mod sarif;
pub mod short;

use miette::{LabeledSpan, Severity};

use super::{Problem, Problems};

pub use github::{escape_message as github_escape_message, escape_property as github_escape_property, github};
pub use human::{human, render};
pub use json::{json, problem_json};
pub use sarif::{sarif, FileProblem, SarifContext};
pub use short::short;

/// How to render for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RenderOptions {
    /// ANSI colours (only when stderr is a terminal and `NO_COLOR` is unset).
    pub color: bool,
    /// Wrap width of the graphical report.
    pub width: usize,
}

impl RenderOptions {
    /// No colour, 100 columns: what tests and snapshots use.
    #[must_use]
    pub const fn plain() -> Self {
        Self {
            color: false,
            width: 100,
        }
    }
}

impl Default for RenderOptions {
    fn default() -> Self {
        Self::plain()
    }
}

/// The problems sorted by file, then position (stable: ties keep report order).
fn sorted(problems: &Problems) -> Vec<&Problem> {
    let mut list: Vec<&Problem> = problems.iter().collect();
    list.sort_by_key(|p| (p.file, p.offset()));
    list
}

/// `error` or `warning` (miette's `advice` is shown as a warning: §11 knows two severities).
fn severity_name(problem: &Problem) -> &'static str {
    severity_word(Some(problem.severity()))
}

/// `error` or `warning` for a severity (none means error).
#[must_use]
pub fn severity_word(severity: Option<Severity>) -> &'static str {
    match severity {
        Some(Severity::Error) | None => "error",
        Some(Severity::Warning | Severity::Advice) => "warning",
    }
}

/// The primary label: the first marked primary, else the first.
fn primary(labels: &[LabeledSpan]) -> Option<&LabeledSpan> {
    labels.iter().find(|l| l.primary()).or(labels.first())
}

/// The last line of human output: how many errors and warnings, or nothing when clean.
///
/// `what` names what was checked (`` `x.mflow` `` or `3 files`); with `deny_warnings`,
/// warnings alone fail the check and the line says so.
#[must_use]
pub fn summary(what: &str, errors: usize, warnings: usize, deny_warnings: bool) -> Option<String> {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => None,
        (0, w) if deny_warnings => Some(format!(
            "error: could not check {what}: {} (denied by --deny-warnings)",
            plural(w, "warning")
        )),
        (0, w) => Some(format!("warning: {what}: {}", plural(w, "warning"))),
        (e, 0) => Some(format!("error: could not check {what}: {}", plural(e, "error"))),
        (e, w) => Some(format!(
            "error: could not check {what}: {}, {}",
            plural(e, "error"),
            plural(w, "warning")
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::summary;

    #[test]
    fn summary_lines() {
        assert_eq!(summary("`x.mflow`", 0, 0, false), None);
        assert_eq!(summary("`x.mflow`", 0, 0, true), None);
        assert_eq!(
            summary("`x.mflow`", 0, 1, false).as_deref(),
            Some("warning: `x.mflow`: 1 warning")
        );
        assert_eq!(
            summary("`x.mflow`", 0, 2, true).as_deref(),
            Some("error: could not check `x.mflow`: 2 warnings (denied by --deny-warnings)")
        );
        assert_eq!(
            summary("2 files", 3, 1, false).as_deref(),
            Some("error: could not check 2 files: 3 errors, 1 warning")
        );
        assert_eq!(
            summary("`x.mflow`", 1, 0, false).as_deref(),
            Some("error: could not check `x.mflow`: 1 error")
        );
    }
}
