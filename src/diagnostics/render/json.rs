//! JSON rendering (docs/cli.md, "--format json"): `{"diagnostics": [...]}`, deterministic.

use miette::LabeledSpan;
use serde_json::{json as object, Value};

use crate::diagnostics::{Problem, Problems};
use crate::source::{SourceFile, SourceMap};

/// One problem as the JSON object of §11: `code`, `severity`, `message`, `file`, `line`,
/// `column` (1-based, of the primary label; 1, 1 without labels), `labels`, `help`.
#[must_use]
pub fn problem_json(file: &SourceFile, problem: &Problem) -> Value {
    let labels: Vec<LabeledSpan> = problem.diagnostic.labels().map(Iterator::collect).unwrap_or_default();
    let (line, column) =
        super::primary(&labels).map_or((1, 1), |l| file.line_col(u32::try_from(l.offset()).unwrap_or(u32::MAX)));
    let labels: Vec<Value> = labels
        .iter()
        .map(|l| {
            let start = u32::try_from(l.offset()).unwrap_or(u32::MAX);
            let end = u32::try_from(l.offset() + l.len()).unwrap_or(u32::MAX);
            let (line, column) = file.line_col(start);
            let (end_line, end_column) = file.line_col(end);
            object!({
                "message": l.label(),
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
                "start": start,
                "end": end,
            })
        })
        .collect();
    object!({
        "code": problem.code(),
        "severity": super::severity_name(problem),
        "message": problem.diagnostic.to_string(),
        "file": file.name,
        "line": line,
        "column": column,
        "labels": labels,
        "help": problem.diagnostic.help().map(|h| h.to_string()),
    })
}

/// `{"diagnostics": [...]}` for all problems, sorted by file then position.
#[must_use]
pub fn json(sources: &SourceMap, problems: &Problems) -> Value {
    let list: Vec<Value> = super::sorted(problems)
        .into_iter()
        .map(|p| problem_json(sources.get(p.file), p))
        .collect();
    object!({ "diagnostics": list })
}
