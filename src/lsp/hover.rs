//! Hover: the type of the name or expression under the cursor, the doc comment of what it
//! declares, a built-in's signature, the value of a duration or date literal, and the
//! `maestroc explain` text of a diagnostic there.

use std::fmt::Write as _;

use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

use super::diagnostics::primary_span;
use super::index::{Def, DefKind, Literal, Target};
use super::unit::Unit;
use crate::base::span::{FileId, Span};

/// The hover at `offset` of `file`, if there is anything to say.
#[must_use]
pub fn hover(unit: &Unit, file: FileId, offset: u32) -> Option<Hover> {
    let mut sections: Vec<String> = Vec::new();
    let mut range = None;
    if let Some(occ) = unit.index.at(file, offset) {
        range = Some(unit.range(occ.span));
        match occ.target {
            Target::Def(def_span) => {
                if let Some(def) = unit.index.defs.get(&def_span) {
                    sections.push(describe(unit, def, occ.span, occ.is_def));
                    if let Some(doc) = &def.doc {
                        sections.push(doc.trim().to_string());
                    }
                }
            }
            Target::Builtin(b) => {
                let (sig, what) = super::builtins::signature(b);
                sections.push(format!("```mflow\n{sig}\n```\nbuilt-in"));
                sections.push(what.to_string());
            }
        }
    } else if let Some((span, literal)) = unit
        .index
        .literals
        .iter()
        .find(|(s, _)| s.file == file && s.start <= offset && offset <= s.end)
    {
        range = Some(unit.range(*span));
        sections.push(literal_text(*literal));
    } else if let Some((span, ty)) = unit.types.at(file, offset) {
        range = Some(unit.range(span));
        sections.push(format!("```mflow\n{}: {ty}\n```", one_line(unit.slice(span))));
    }
    for problem in unit.analysis.problems.iter().filter(|p| p.file == file) {
        let Some(span) = primary_span(problem) else { continue };
        if span.start <= offset && offset <= span.end.max(span.start + 1) {
            let code = problem.code();
            let mut text = format!("**{code}**: {}", problem.diagnostic);
            if let Some(explain) = crate::diagnostics::explain::lookup(&code) {
                let _ = write!(text, "\n\n{}", explain.trim());
            }
            sections.push(text);
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range,
    })
}

fn one_line(text: &str) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 60 {
        format!("{}…", line.chars().take(60).collect::<String>())
    } else {
        line
    }
}

/// `duration 1h30m = 5400000 ms`, `date 2026-11-01 (Sunday)`.
fn literal_text(literal: Literal) -> String {
    match literal {
        Literal::Duration(ms) => {
            let mut parts = Vec::new();
            let mut rest = ms;
            for (unit, size) in [
                ("d", 86_400_000),
                ("h", 3_600_000),
                ("m", 60_000),
                ("s", 1000),
                ("ms", 1),
            ] {
                if rest >= size {
                    parts.push(format!("{}{unit}", rest / size));
                    rest %= size;
                }
            }
            let spelled = if parts.is_empty() {
                "0ms".to_string()
            } else {
                parts.join(" ")
            };
            format!("```mflow\nduration\n```\n{spelled} = {ms} ms")
        }
        Literal::Date(d) => format!(
            "```mflow\ndate\n```\n{d} ({:?}, day {} of the year)",
            d.weekday(),
            d.day_of_year()
        ),
    }
}

/// The type of what `def` declares, as seen at `at`: the checked expression's type when the
/// program checked clean (a step output gathered from a loop is a list there), else the
/// checker's binding type, else the type as written.
fn type_at(unit: &Unit, def: &Def, at: Span, is_def: bool) -> Option<String> {
    if !is_def {
        if let Some(ty) = unit.types.exact(at) {
            return Some(ty.to_string());
        }
        if let Some((_, ty)) = unit.types.at(at.file, at.start) {
            if def.kind == DefKind::StepOutput {
                return Some(ty.to_string());
            }
        }
    }
    if let Some(ty) = unit.binding_types.get(&def.span) {
        return Some(ty.to_string());
    }
    def.ty.map(|t| unit.slice(t).to_string())
}

fn describe(unit: &Unit, def: &Def, at: Span, is_def: bool) -> String {
    let mut text = String::from("```mflow\n");
    match def.kind {
        DefKind::Fn => text.push_str(&signature(unit, def)),
        DefKind::Workflow => {
            let params = unit.index.workflow_params.get(&def.span).cloned().unwrap_or_default();
            let _ = write!(text, "workflow {}", def.name);
            for (name, span) in params {
                let ty = unit
                    .index
                    .defs
                    .get(&span)
                    .and_then(|d| d.ty)
                    .map(|t| unit.slice(t).to_string());
                let _ = write!(text, "\n  param {name}: {}", ty.unwrap_or_default());
            }
            for (name, span) in unit.index.workflow_outputs.get(&def.span).cloned().unwrap_or_default() {
                let ty = unit
                    .index
                    .defs
                    .get(&span)
                    .and_then(|d| d.ty)
                    .map(|t| unit.slice(t).to_string());
                let _ = write!(text, "\n  output {name}: {}", ty.unwrap_or_default());
            }
        }
        DefKind::Step => {
            let outputs = unit
                .analysis
                .program
                .steps
                .iter()
                .find(|s| s.span == def.span)
                .map(|s| s.outputs.iter().map(|(n, t)| format!("{n}: {t}")).collect::<Vec<_>>());
            let outputs = outputs.unwrap_or_else(|| {
                unit.index
                    .outputs_of_step(def.span)
                    .iter()
                    .map(|(n, span)| {
                        let ty = unit
                            .index
                            .defs
                            .get(span)
                            .and_then(|d| d.ty)
                            .map(|t| unit.slice(t).to_string());
                        format!("{n}: {}", ty.unwrap_or_default())
                    })
                    .collect()
            });
            let _ = write!(text, "step {}", def.name);
            if !outputs.is_empty() {
                let _ = write!(text, "\noutputs {{ {} }}", outputs.join(", "));
            }
            if !is_def {
                if let Some(ty) = unit.types.exact(at) {
                    let _ = write!(text, "\n// here: {}: {ty}", def.name);
                }
            }
        }
        DefKind::Import => {
            let module = unit.index.import_modules.get(&def.span);
            let path = module
                .and_then(|m| unit.analysis.modules.get(m.0 as usize))
                .map(|m| m.path.clone())
                .unwrap_or_default();
            let _ = write!(text, "import {} // {path}", def.name);
        }
        DefKind::FnParam
        | DefKind::Param
        | DefKind::Const
        | DefKind::Let
        | DefKind::Output
        | DefKind::StepOutput
        | DefKind::LoopVar
        | DefKind::WhileVar
        | DefKind::CompVar
        | DefKind::Signal => {
            let ty = type_at(unit, def, at, is_def).unwrap_or_else(|| "?".into());
            let word = match def.kind {
                DefKind::Param | DefKind::Const | DefKind::Let | DefKind::Output => def.kind.word(),
                DefKind::Workflow
                | DefKind::Fn
                | DefKind::FnParam
                | DefKind::Step
                | DefKind::StepOutput
                | DefKind::LoopVar
                | DefKind::WhileVar
                | DefKind::CompVar
                | DefKind::Signal
                | DefKind::Import => "",
            };
            let shown = if def.kind == DefKind::StepOutput && !is_def {
                one_line(unit.slice(expr_around(unit, at)))
            } else {
                def.name.clone()
            };
            if word.is_empty() {
                let _ = write!(text, "{shown}: {ty}");
            } else {
                let _ = write!(text, "{word} {shown}: {ty}");
            }
        }
    }
    text.push_str("\n```");
    if !matches!(
        def.kind,
        DefKind::Fn
            | DefKind::Workflow
            | DefKind::Step
            | DefKind::Import
            | DefKind::Param
            | DefKind::Const
            | DefKind::Let
            | DefKind::Output
    ) {
        let _ = write!(text, "\n{}", def.kind.word());
    }
    text
}

/// The smallest checked expression around a span (for `load.loaded`), or the span itself.
fn expr_around(unit: &Unit, at: Span) -> Span {
    match unit.types.at(at.file, at.start) {
        Some((span, _)) if span.start <= at.start && at.end <= span.end => span,
        _ => {
            // Without a checked tree: the `step.` before the field, by its text.
            let text = unit.text(at.file);
            let before = text.get(..at.start as usize).unwrap_or("");
            let start = before
                .trim_end_matches('.')
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |i| i + 1);
            Span {
                file: at.file,
                start: u32::try_from(start).unwrap_or(at.start),
                end: at.end,
            }
        }
    }
}

/// A one-line signature of a fn (`fn f(a: int) -> int`) or workflow (`workflow w(p: date)`).
#[must_use]
pub fn signature(unit: &Unit, def: &Def) -> String {
    let typed = |list: Vec<(String, Span)>| -> Vec<String> {
        list.iter()
            .map(|(name, span)| {
                let ty = unit
                    .index
                    .defs
                    .get(span)
                    .and_then(|d| d.ty)
                    .map(|t| unit.slice(t).to_string());
                format!("{name}: {}", ty.unwrap_or_default())
            })
            .collect()
    };
    match def.kind {
        DefKind::Fn => {
            let params = typed(unit.index.fn_params.get(&def.span).cloned().unwrap_or_default());
            let ret = def.ty.map(|t| unit.slice(t).to_string()).unwrap_or_default();
            format!("fn {}({}) -> {ret}", def.name, params.join(", "))
        }
        DefKind::Workflow => {
            let params = typed(unit.index.workflow_params.get(&def.span).cloned().unwrap_or_default());
            format!("workflow {}({})", def.name, params.join(", "))
        }
        DefKind::FnParam
        | DefKind::Param
        | DefKind::Const
        | DefKind::Let
        | DefKind::Output
        | DefKind::Step
        | DefKind::StepOutput
        | DefKind::LoopVar
        | DefKind::WhileVar
        | DefKind::CompVar
        | DefKind::Signal
        | DefKind::Import => format!("{} {}", def.kind.word(), def.name),
    }
}
