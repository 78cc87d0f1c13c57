//! GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=CODE::message`.

use std::fmt::Write as _;

use crate::diagnostics::Problems;
use crate::source::SourceMap;

/// Escapes a workflow command's message (`%`, CR, LF).
#[must_use]
pub fn escape_message(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a workflow command's property value (also `:` and `,`).
#[must_use]
pub fn escape_property(s: &str) -> String {
    escape_message(s).replace(':', "%3A").replace(',', "%2C")
}

/// One annotation line, newline included.
#[must_use]
pub fn annotation(
    level: &str,
    file: &str,
    start: (usize, usize),
    end: (usize, usize),
    code: &str,
    message: &str,
) -> String {
    format!(
        "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        escape_property(file),
        start.0,
        start.1,
        end.0,
        end.1,
        escape_property(code),
        escape_message(message)
    )
}

/// One `::error` or `::warning` line per problem, sorted by file then position. The
/// position is the primary label's; the help, if any, follows the message on a new line.
#[must_use]
pub fn github(sources: &SourceMap, problems: &Problems) -> String {
    let mut out = String::new();
    for p in super::sorted(problems) {
        let file = sources.get(p.file);
        let labels: Vec<miette::LabeledSpan> = p.diagnostic.labels().map(Iterator::collect).unwrap_or_default();
        let (start, end) = super::primary(&labels).map_or(((1, 1), (1, 1)), |l| {
            let start = u32::try_from(l.offset()).unwrap_or(u32::MAX);
            let end = u32::try_from(l.offset() + l.len()).unwrap_or(u32::MAX);
            (file.line_col(start), file.line_col(end))
        });
        let mut message = p.diagnostic.to_string();
        if let Some(help) = p.diagnostic.help() {
            let _ = write!(message, "\nhelp: {help}");
        }
        out.push_str(&annotation(
            super::severity_name(p),
            &file.name,
            start,
            end,
            &p.code(),
            &message,
        ));
    }
    out
}
