//! Code actions for the fixes the checker already spells out in its help: a did-you-mean
//! replacement (``did you mean `x`?``) and adding a missing `outputs` clause to a step.

use std::collections::HashMap;

use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Diagnostic, Range, TextEdit, Uri, WorkspaceEdit};

use super::diagnostics::primary_span;
use super::index::DefKind;
use super::unit::Unit;
use crate::base::span::{FileId, Span};

/// The quick fixes for problems of `file` whose primary span touches `range`.
#[must_use]
pub fn actions(unit: &Unit, file: FileId, uri: &Uri, range: Range) -> Vec<CodeActionOrCommand> {
    let start = unit.offset(file, range.start);
    let end = unit.offset(file, range.end);
    let mut out = Vec::new();
    let diagnostics = super::diagnostics::by_file(unit);
    let file_diagnostics = diagnostics
        .get(file.0 as usize)
        .map(|(_, d)| d.clone())
        .unwrap_or_default();
    for (i, problem) in unit.analysis.problems.iter().filter(|p| p.file == file).enumerate() {
        let Some(span) = primary_span(problem) else { continue };
        if span.end < start || span.start > end {
            continue;
        }
        let Some(help) = problem.diagnostic.help().map(|h| h.to_string()) else {
            continue;
        };
        let diagnostic = file_diagnostics.get(i).cloned();
        if let Some(name) = did_you_mean(&help) {
            let current = unit.slice(span);
            if current != name && !name.contains(' ') {
                out.push(fix(
                    format!("Replace `{current}` with `{name}`"),
                    uri,
                    vec![TextEdit::new(unit.range(span), name.to_string())],
                    diagnostic.clone(),
                ));
            }
        }
        if let Some(edit) = add_outputs(unit, span, &help) {
            out.push(fix(edit.0, uri, vec![edit.1], diagnostic));
        }
    }
    out
}

fn fix(title: String, uri: &Uri, edits: Vec<TextEdit>, diagnostic: Option<Diagnostic>) -> CodeActionOrCommand {
    #[allow(clippy::mutable_key_type, reason = "lsp-types keys workspace edits by `Uri`")]
    let mut changes = HashMap::new();
    changes.insert(uri.clone(), edits);
    CodeActionOrCommand::CodeAction(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: diagnostic.map(|d| vec![d]),
        edit: Some(WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(true),
        ..CodeAction::default()
    })
}

/// `x` from a help saying ``did you mean `x`?``.
fn did_you_mean(help: &str) -> Option<&str> {
    let rest = &help[help.find("did you mean `")? + "did you mean `".len()..];
    let name = &rest[..rest.find('`')?];
    (!name.is_empty()).then_some(name)
}

/// For "`s` declares no outputs; add `outputs { f: T }` to it": insert the clause, with the
/// field's name, at the end of step `s`.
fn add_outputs(unit: &Unit, span: Span, help: &str) -> Option<(String, TextEdit)> {
    let clause_at = help.find("add `outputs {")?;
    let step_name = help.strip_prefix('`')?.split('`').next()?;
    let clause = &help[clause_at + "add `".len()..];
    // The checker writes the type as `T`; a fix inserts a real type the user can change.
    let clause = clause[..clause.find('`')?].replace(": T }", ": string }");
    let step = unit
        .index
        .defs
        .values()
        .filter(|d| d.kind == DefKind::Step && d.name == step_name && d.span.file == span.file)
        .min_by_key(|d| d.span.start.abs_diff(span.start))?;
    // The step's closing brace: the first `}` at depth zero after its name.
    let text = unit.text(step.span.file);
    let mut depth = 0i32;
    let mut close = None;
    let mut in_string = false;
    let bytes = text.as_bytes();
    let mut i = step.span.end as usize;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'{' if !in_string => depth += 1,
            b'}' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let close = close?;
    let line_start = text.get(..close).unwrap_or("").rfind('\n').map_or(0, |n| n + 1);
    let indent: String = text
        .get(line_start..close)
        .unwrap_or("")
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    let insert_at = u32::try_from(line_start).ok()?;
    let at = Span {
        file: step.span.file,
        start: insert_at,
        end: insert_at,
    };
    let new_text = if text.get(line_start..close).is_some_and(|t| t.trim().is_empty()) {
        format!("{indent}  {clause}\n")
    } else {
        return None;
    };
    Some((
        format!("Add `{clause}` to step `{step_name}`"),
        TextEdit::new(unit.range(at), new_text),
    ))
}
