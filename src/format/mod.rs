//! `maestroc fmt`: one canonical layout for MFlow source (docs/formatting.md).
//!
//! The formatter works on the file's tokens, guided by the syntax tree (where statements
//! start, where types are); literals and comments are copied verbatim, so it only ever
//! changes whitespace. Before returning it parses its own output and checks that the
//! tree (spans aside) and the comments are the same as the input's.

mod doc;
mod error;
mod layout;
mod lex;
mod marks;

pub use error::FormatError;

use crate::base::span::FileId;
use crate::diagnostics::Problems;
use crate::syntax::ast::SourceFile;

/// Formats one file. A file with syntax errors is not formatted: its diagnostics come
/// back in [`FormatError::Syntax`], the same ones `check` reports.
pub fn format_source(source: &str) -> Result<String, FormatError> {
    let file = FileId(0);
    let mut problems = Problems::new();
    let ast = crate::syntax::parse(file, source, &mut problems);
    if problems.has_errors() {
        return Err(FormatError::Syntax(problems));
    }
    let marks = marks::marks(&ast);
    let layout = layout::Layout::new(lex::tokens(source), marks);
    let out = doc::print(&layout.docs());
    let out = if out.trim().is_empty() { String::new() } else { out };
    verify(source, &ast, &out)?;
    Ok(out)
}

/// The formatter's own safety net: `out` must parse to the same tree and keep every
/// comment of `source`, in order.
fn verify(source: &str, ast: &SourceFile, out: &str) -> Result<(), FormatError> {
    let mut problems = Problems::new();
    let again = crate::syntax::parse(FileId(0), out, &mut problems);
    if problems.has_errors() || without_spans(ast) != without_spans(&again) {
        return Err(FormatError::Changed);
    }
    if comments(source) != comments(out) {
        return Err(FormatError::LostComment);
    }
    Ok(())
}

fn comments(text: &str) -> Vec<&str> {
    lex::tokens(text)
        .into_iter()
        .filter(lex::Token::is_comment)
        .map(|t| t.text)
        .collect()
}

/// The tree's debug text with every span's offsets removed.
pub fn without_spans(file: &SourceFile) -> String {
    let text = format!("{:?}", file.items);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("Span {") {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find('}').map_or(tail.len(), |n| n + 1);
        out.push_str("Span");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}
