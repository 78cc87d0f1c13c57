//! Rendering problems for people (miette's graphical report) and for programs (JSON).

use std::fmt::{self, Write as _};

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, Severity, SourceCode};
use serde_json::json;

use super::{Problem, Problems};
use crate::source::{SourceFile, SourceMap};

/// A problem together with the source it points into, for miette.
struct WithSource<'a> {
    problem: &'a Problem,
    source: miette::NamedSource<std::sync::Arc<str>>,
}

impl fmt::Debug for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.problem.diagnostic, f)
    }
}

impl fmt::Display for WithSource<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.problem.diagnostic, f)
    }
}

impl std::error::Error for WithSource<'_> {}

impl Diagnostic for WithSource<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem.diagnostic.code()
    }
    fn severity(&self) -> Option<Severity> {
        self.problem.diagnostic.severity()
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.problem.diagnostic.help()
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.problem.diagnostic.labels()
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
}

/// Renders every problem as miette's graphical report, in order.
#[must_use]
pub fn human(sources: &SourceMap, problems: &Problems, color: bool, width: usize) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false);
    let mut out = String::new();
    for problem in problems.iter() {
        let file = sources.get(problem.file);
        let wrapped = WithSource {
            problem,
            source: miette::NamedSource::new(file.name.clone(), file.text.clone()),
        };
        if handler.render_report(&mut out, &wrapped).is_err() {
            let _ = writeln!(out, "{}", problem.diagnostic);
        }
    }
    out
}

fn severity_name(problem: &Problem) -> &'static str {
    match problem.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Advice => "advice",
    }
}

/// The primary label: the first marked primary, else the first.
fn primary(labels: &[LabeledSpan]) -> Option<&LabeledSpan> {
    labels.iter().find(|l| l.primary()).or(labels.first())
}

/// One problem as the JSON object of LANGUAGE.md §11.
#[must_use]
pub fn problem_json(file: &SourceFile, problem: &Problem) -> serde_json::Value {
    let labels: Vec<LabeledSpan> = problem.diagnostic.labels().map(Iterator::collect).unwrap_or_default();
    let (line, column) = primary(&labels).map_or((1, 1), |l| file.line_col(u32::try_from(l.offset()).unwrap_or(0)));
    let labels_json: Vec<serde_json::Value> = labels
        .iter()
        .map(|l| {
            let start = u32::try_from(l.offset()).unwrap_or(0);
            let end = u32::try_from(l.offset() + l.len()).unwrap_or(0);
            let (sl, sc) = file.line_col(start);
            let (el, ec) = file.line_col(end);
            json!({
                "message": l.label(),
                "line": sl,
                "column": sc,
                "end_line": el,
                "end_column": ec,
                "start": start,
                "end": end,
            })
        })
        .collect();
    json!({
        "code": problem.code(),
        "severity": severity_name(problem),
        "message": problem.diagnostic.to_string(),
        "file": file.name,
        "line": line,
        "column": column,
        "labels": labels_json,
        "help": problem.diagnostic.help().map(|h| h.to_string()),
    })
}

/// `{"diagnostics": [...]}` for all problems.
#[must_use]
pub fn json(sources: &SourceMap, problems: &Problems) -> serde_json::Value {
    let list: Vec<serde_json::Value> = problems.iter().map(|p| problem_json(sources.get(p.file), p)).collect();
    json!({ "diagnostics": list })
}

/// Escapes a GitHub workflow command's message.
#[must_use]
pub fn github_escape_message(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a GitHub workflow command's property value.
#[must_use]
pub fn github_escape_property(s: &str) -> String {
    github_escape_message(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…,col=…::message` annotations, one line per problem.
#[must_use]
pub fn github(sources: &SourceMap, problems: &Problems) -> String {
    let mut out = String::new();
    for p in problems.iter() {
        let file = sources.get(p.file);
        let j = problem_json(file, p);
        let level = if p.is_error() { "error" } else { "warning" };
        let first = j["labels"].get(0);
        let (end_line, end_col) = first.map_or((j["line"].clone(), j["column"].clone()), |l| {
            (l["end_line"].clone(), l["end_column"].clone())
        });
        let mut message = p.diagnostic.to_string();
        if let Some(help) = p.diagnostic.help() {
            let _ = write!(message, "\nhelp: {help}");
        }
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            github_escape_property(&file.name),
            j["line"],
            j["column"],
            end_line,
            end_col,
            github_escape_property(&p.code()),
            github_escape_message(&message)
        );
    }
    out
}
