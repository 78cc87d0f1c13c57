//! One line per problem, `file:line:col: error[CODE]: message`, the format of compilers
//! that vim's quickfix (`errorformat=%f:%l:%c:\ %m`), Emacs' compile mode and grep-like
//! tools read. Line and column are 1-based (the column in characters) and point at the
//! primary label; a problem without labels is at 1:1.

use std::fmt::Write as _;

use crate::diagnostics::Problems;
use crate::source::SourceMap;

/// Joins the lines of a message so that each problem stays on one line.
#[must_use]
pub fn one_line(message: &str) -> String {
    message
        .split(['\n', '\r'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line for a problem at `file:line:col`.
#[must_use]
pub fn line(file: &str, (line, column): (usize, usize), severity: &str, code: &str, message: &str) -> String {
    let code = if code.is_empty() {
        String::new()
    } else {
        format!("[{code}]")
    };
    format!("{file}:{line}:{column}: {severity}{code}: {}\n", one_line(message))
}

/// Every problem, sorted by file then position.
#[must_use]
pub fn short(sources: &SourceMap, problems: &Problems) -> String {
    let mut out = String::new();
    for p in super::sorted(problems) {
        let file = sources.get(p.file);
        let labels: Vec<miette::LabeledSpan> = p.diagnostic.labels().map(Iterator::collect).unwrap_or_default();
        let at =
            super::primary(&labels).map_or((1, 1), |l| file.line_col(u32::try_from(l.offset()).unwrap_or(u32::MAX)));
        let _ = write!(
            out,
            "{}",
            line(
                &file.name,
                at,
                super::severity_name(p),
                &p.code(),
                &p.diagnostic.to_string()
            )
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::line;

    #[test]
    fn one_line_each_with_the_code_in_brackets() {
        assert_eq!(
            line("a b.mflow", (3, 7), "error", "E0104", "cannot find `x`\nin this scope"),
            "a b.mflow:3:7: error[E0104]: cannot find `x` in this scope\n"
        );
        assert_eq!(line("x.mflow", (1, 1), "warning", "", "w"), "x.mflow:1:1: warning: w\n");
    }
}
