//! The checker's problems as protocol diagnostics: the same code, message, span and help as
//! `maestroc check` (the help follows the message on a `help:` line; the other labels become
//! related information).

use std::fmt::Write as _;

use lsp_types::{Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString};
use miette::{LabeledSpan, Severity};
use serde_json::json;

use super::unit::Unit;
use crate::base::span::{FileId, Span};
use crate::diagnostics::Problem;

/// The diagnostics of every file of `unit`, by file.
#[must_use]
pub fn by_file(unit: &Unit) -> Vec<(FileId, Vec<Diagnostic>)> {
    let mut out: Vec<(FileId, Vec<Diagnostic>)> =
        unit.analysis.sources.iter().map(|(id, _)| (id, Vec::new())).collect();
    for problem in unit.analysis.problems.iter() {
        if let Some((_, list)) = out.get_mut(problem.file.0 as usize) {
            list.push(convert(unit, problem));
        }
    }
    out
}

/// The primary label of a problem (the first, when none is marked primary).
#[must_use]
pub fn primary_span(problem: &Problem) -> Option<Span> {
    let labels: Vec<LabeledSpan> = problem.diagnostic.labels().map(Iterator::collect).unwrap_or_default();
    let label = labels.iter().find(|l| l.primary()).or(labels.first())?;
    let start = u32::try_from(label.offset()).ok()?;
    let end = u32::try_from(label.offset() + label.len()).ok()?;
    Some(Span {
        file: problem.file,
        start,
        end,
    })
}

fn convert(unit: &Unit, problem: &Problem) -> Diagnostic {
    let labels: Vec<LabeledSpan> = problem.diagnostic.labels().map(Iterator::collect).unwrap_or_default();
    let primary = primary_span(problem).unwrap_or(Span {
        file: problem.file,
        start: 0,
        end: 0,
    });
    let help = problem.diagnostic.help().map(|h| h.to_string());
    let mut message = problem.diagnostic.to_string();
    if let Some(label) = labels
        .iter()
        .find(|l| l.primary())
        .or(labels.first())
        .and_then(|l| l.label())
    {
        let _ = write!(message, " ({label})");
    }
    if let Some(help) = &help {
        let _ = write!(message, "\nhelp: {help}");
    }
    let uri = unit.uri(problem.file);
    let related: Vec<DiagnosticRelatedInformation> = labels
        .iter()
        .filter(|l| {
            let start = u32::try_from(l.offset()).unwrap_or(0);
            start != primary.start || l.label().is_none()
        })
        .filter_map(|l| {
            let start = u32::try_from(l.offset()).ok()?;
            let end = u32::try_from(l.offset() + l.len()).ok()?;
            let location = lsp_types::Location::new(
                uri.clone()?,
                unit.range(Span {
                    file: problem.file,
                    start,
                    end,
                }),
            );
            Some(DiagnosticRelatedInformation {
                location,
                message: l.label()?.to_string(),
            })
        })
        .collect();
    let code = problem.code();
    Diagnostic {
        range: unit.range(primary),
        severity: Some(match problem.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Advice => DiagnosticSeverity::HINT,
        }),
        code: (!code.is_empty()).then(|| NumberOrString::String(code.clone())),
        code_description: None,
        source: Some("maestroc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(json!({ "code": code, "help": help })),
    }
}
