//! Entry point of the syntax stage: pre-scan, parse, build, and recover to report every
//! syntax error.

use pest::Parser;

use super::ast::{Expr, ExprKind, Ident, Item, SourceFile, Stmt, StmtKind, Workflow};
use super::build::Builder;
use super::expected::translate;
use super::grammar::{MflowParser, Rule};
use super::keywords::Keyword;
use super::scan::scan;
use super::span::{FileId, Span};
use crate::diagnostics::Problems;

/// Parses one file into an AST, reporting every syntax problem found into `problems`.
///
/// Valid input goes through the hand-written fast path; anything it declines (every
/// input with a problem, and any construct it does not handle) goes through pest, which
/// builds the same AST and words the diagnostics.
pub fn parse(file: FileId, text: &str, problems: &mut Problems) -> SourceFile {
    parse_with(file, text, problems, true)
}

/// [`parse`] without the fast path (tests compare the two).
pub fn parse_pest(file: FileId, text: &str, problems: &mut Problems) -> SourceFile {
    parse_with(file, text, problems, false)
}

fn parse_with(file: FileId, text: &str, problems: &mut Problems, fast: bool) -> SourceFile {
    let scanned = scan(file, text);
    if fast && scanned.errors.is_empty() {
        if let Some(ast) = super::fast::parse(file, text) {
            return ast;
        }
    }
    let clean = scanned.errors.is_empty();
    let limit = scanned.error_at.unwrap_or(text.len());
    for e in scanned.errors {
        problems.push(file, e);
    }
    if clean {
        if let Ok(pairs) = MflowParser::parse(Rule::file, text) {
            let mut b = Builder::new(file, 0, text);
            let items = pairs.flat_map(pest::iterators::Pair::into_inner).collect::<Vec<_>>();
            let items = items.into_iter().filter_map(|p| b.item(p)).collect();
            for e in b.take_errors() {
                problems.push(file, e);
            }
            return SourceFile { file, items };
        }
    }
    // The whole-file parse failed: parse again, item by item, with pest's error detail on.
    pest::set_error_detail(true);
    let mut items = Vec::new();
    let mut starts: Vec<usize> = scanned.item_starts.iter().copied().filter(|s| *s < limit).collect();
    let leading_end = starts.first().copied().unwrap_or(limit);
    let leading = &text[..leading_end];
    if clean && !only_whitespace(leading) && MflowParser::parse(Rule::file, leading).is_err() {
        // Something before the first item: report it as the first item's error.
        starts.insert(0, 0);
    }
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(limit);
        // Without a clean scan, the chunk holding the error is not parsed.
        if !clean && end == limit && limit < text.len() {
            break;
        }
        let chunk = &text[start..end];
        items.extend(parse_item(file, text, start, chunk, problems));
    }
    SourceFile { file, items }
}

fn parse_item(file: FileId, text: &str, start: usize, chunk: &str, problems: &mut Problems) -> Option<Item> {
    match MflowParser::parse(Rule::item_only, chunk) {
        Ok(pairs) => {
            let mut b = Builder::new(file, start, text);
            let item = pairs
                .flat_map(pest::iterators::Pair::into_inner)
                .find(|p| p.as_rule() != Rule::EOI)
                .and_then(|p| b.item(p));
            for e in b.take_errors() {
                problems.push(file, e);
            }
            item
        }
        Err(error) => {
            let trimmed = chunk.trim_start();
            let lead = chunk.len() - trimmed.len();
            let word_end = trimmed
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(trimmed.len());
            if &trimmed[..word_end] == "workflow" {
                if let Some(wf) = recover_workflow(file, text, start, chunk, problems) {
                    return Some(Item::Workflow(wf));
                }
            }
            problems.push(file, translate(file, text, start, chunk, &error));
            let declares = declared_name(file, start + lead, trimmed);
            Some(Item::Error {
                declares,
                span: Span::new(file, start, start + chunk.len()),
            })
        }
    }
}

/// The name a declaration that failed to parse declares (`step foo {` → `foo`): the word
/// right after a declaring keyword. Nothing for other text (`owner ["q"]` declares nothing).
fn declared_name(file: FileId, at: usize, text: &str) -> Option<Ident> {
    let keyword_len = text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))?;
    let declares = Keyword::from_lexeme(&text[..keyword_len]).is_some_and(|k| {
        matches!(
            k,
            Keyword::Param
                | Keyword::Const
                | Keyword::Let
                | Keyword::Step
                | Keyword::Output
                | Keyword::Fn
                | Keyword::Workflow
        )
    });
    if !declares {
        return None;
    }
    let rest = &text[keyword_len..];
    let trimmed = rest.trim_start_matches([' ', '\t']);
    let name_len = trimmed
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(trimmed.len());
    let name = &trimmed[..name_len];
    let offset = keyword_len + (rest.len() - trimmed.len());
    if name.is_empty() || super::keywords::is_reserved(name) {
        return None;
    }
    name.chars()
        .next()
        .filter(|c| c.is_ascii_alphabetic() || *c == '_')
        .map(|_| Ident {
            name: name.to_string(),
            span: Span::new(file, at + offset, at + offset + name.len()),
        })
}

/// Parses a workflow statement by statement, so one bad statement hides no other.
fn recover_workflow(file: FileId, text: &str, start: usize, chunk: &str, problems: &mut Problems) -> Option<Workflow> {
    let open = chunk.find('{')?;
    let close = chunk.rfind('}')?;
    if close <= open || !super::build::is_blank(&chunk[close + 1..]) {
        return None;
    }
    let header = chunk[..open].trim();
    let name_text = header.strip_prefix("workflow")?.trim();
    let starts_like_a_name = name_text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_');
    if !starts_like_a_name
        || !name_text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        || super::keywords::is_reserved(name_text)
    {
        return None;
    }
    let errors_before = problems.error_count();
    let name_at = start + chunk.find(name_text)?;
    let name = Ident {
        name: name_text.to_string(),
        span: Span::new(file, name_at, name_at + name_text.len()),
    };
    let inner_start = start + open + 1;
    let inner_end = start + close;
    let stmt_starts: Vec<usize> = super::scan::scan(file, &text[..inner_end])
        .stmt_starts
        .into_iter()
        .filter(|s| *s >= inner_start && *s < inner_end)
        .collect();
    let mut cuts = vec![inner_start];
    cuts.extend(stmt_starts);
    cuts.push(inner_end);
    cuts.dedup();
    let mut body: Vec<Stmt> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let seg = &text[a..b];
        if only_whitespace(seg) {
            continue;
        }
        match MflowParser::parse(Rule::stmts_only, seg) {
            Ok(pairs) => {
                let mut builder = Builder::new(file, a, text);
                for p in pairs.flat_map(pest::iterators::Pair::into_inner) {
                    if p.as_rule() != Rule::EOI {
                        body.push(builder.stmt(p));
                    }
                }
                for e in builder.take_errors() {
                    problems.push(file, e);
                }
            }
            Err(error) => {
                problems.push(file, translate(file, text, a, seg, &error));
                let trimmed = seg.trim_start();
                let lead = seg.len() - trimmed.len();
                body.push(Stmt {
                    kind: StmtKind::Error {
                        declares: declared_name(file, a + lead, trimmed),
                    },
                    span: Span::new(file, a, b),
                    doc: None,
                });
            }
        }
    }
    // The workflow as a whole did not parse: if no statement shows why, the problem is
    // between them, and the caller reports the whole item's error instead.
    if problems.error_count() == errors_before {
        return None;
    }
    Some(Workflow {
        doc: None,
        name,
        body,
        span: Span::new(file, start, start + close + 1),
    })
}

/// Parses a single expression (`-p` values, tests).
pub fn parse_expr(file: FileId, text: &str, problems: &mut Problems) -> Expr {
    let scanned = scan(file, text);
    if !scanned.errors.is_empty() {
        for e in scanned.errors {
            problems.push(file, e);
        }
        return Expr {
            kind: ExprKind::Error,
            span: Span::new(file, 0, text.len()),
        };
    }
    match MflowParser::parse(Rule::expr_only, text) {
        Ok(pairs) => {
            let mut b = Builder::new(file, 0, text);
            let e = pairs
                .flat_map(pest::iterators::Pair::into_inner)
                .find(|p| p.as_rule() == Rule::expr)
                .map_or(
                    Expr {
                        kind: ExprKind::Error,
                        span: Span::new(file, 0, text.len()),
                    },
                    |p| b.expr(p),
                );
            for e in b.take_errors() {
                problems.push(file, e);
            }
            e
        }
        Err(error) => {
            problems.push(file, translate(file, text, 0, text, &error));
            Expr {
                kind: ExprKind::Error,
                span: Span::new(file, 0, text.len()),
            }
        }
    }
}

/// Whether `text` is only what the grammar's `WHITESPACE` skips (not `str::trim`'s wider
/// set: a form feed or a no-break space is not blank to the grammar, and must be reported).
fn only_whitespace(text: &str) -> bool {
    text.trim_matches([' ', '\t', '\r', '\n', '\u{FEFF}']).is_empty()
}
