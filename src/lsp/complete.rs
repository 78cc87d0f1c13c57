//! Completion: a step's outputs with their types after `step.`, a module's fns after
//! `module.`, the names in scope (params first) inside `${…}`, and elsewhere the clause
//! words valid where the cursor is, the names in scope, and the built-ins with signatures.

use lsp_types::{CompletionItem, CompletionItemKind, CompletionItemLabelDetails};

use super::index::{DefKind, Target};
use super::unit::Unit;
use crate::base::span::{FileId, Span};
use crate::check::builtins::Builtin;
use crate::syntax::ast::{Item, Stmt, StmtKind};
use crate::syntax::keywords;

/// The name completion inserts at the cursor before it analyses the text.
pub const PLACEHOLDER: &str = "__maestroc_completion__";

/// Where the cursor is, for the words offered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Place {
    TopLevel,
    Workflow,
    Step,
}

/// The completions at `offset`: names from `unit` (the text with [`PLACEHOLDER`] at the
/// cursor), the place (top level, workflow, step) from whichever of `unit` and `original`
/// parsed around the cursor.
#[must_use]
pub fn complete(unit: &Unit, file: FileId, original: (&Unit, FileId), offset: u32) -> Vec<CompletionItem> {
    let text = unit.text(file);
    let before = text.get(..offset as usize).unwrap_or("");
    let line = before.rsplit('\n').next().unwrap_or("");
    let word_start = line
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let head = &line[..word_start];
    if let Some(base) = head.strip_suffix('.') {
        let base_start = base
            .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .map_or(0, |i| i + 1);
        return members(unit, file, offset, &base[base_start..]);
    }
    let in_interpolation = line.rfind("${").is_some_and(|open| !line[open..].contains('}'));
    let place = match place(original.0, original.1, offset) {
        Place::TopLevel => place(unit, file, offset),
        found @ (Place::Workflow | Place::Step) => found,
    };
    let statement_start = head.trim().is_empty();
    let mut items = Vec::new();
    if !in_interpolation && statement_start {
        let words: Vec<&str> = match place {
            Place::TopLevel => vec!["import", "fn", "workflow"],
            Place::Workflow => keywords::workflow_statement_words().collect(),
            Place::Step => keywords::STEP_CLAUSES.to_vec(),
        };
        for word in words {
            items.push(CompletionItem {
                label: word.to_string(),
                kind: Some(CompletionItemKind::KEYWORD),
                ..CompletionItem::default()
            });
        }
        if place != Place::Workflow {
            return items;
        }
    }
    if place == Place::TopLevel && !in_interpolation {
        return items;
    }
    let mut names = unit.index.visible(file, offset);
    // Params first inside `${…}`: they are what a shell command usually interpolates.
    names.sort_by_key(|(_, t)| !(in_interpolation && kind_of(unit, *t) == Some(DefKind::Param)));
    for (i, (name, target)) in names.iter().enumerate().filter(|(_, (n, _))| n != PLACEHOLDER) {
        let Target::Def(span) = target else { continue };
        let Some(def) = unit.index.defs.get(span) else { continue };
        items.push(CompletionItem {
            label: name.clone(),
            kind: Some(item_kind(def.kind)),
            detail: Some(detail(unit, def.kind, def.span, def.ty)),
            sort_text: Some(format!("{i:04}")),
            ..CompletionItem::default()
        });
    }
    for b in Builtin::ALL {
        let (sig, what) = super::builtins::signature(*b);
        items.push(CompletionItem {
            label: b.name().to_string(),
            kind: Some(CompletionItemKind::FUNCTION),
            detail: Some(sig.to_string()),
            documentation: Some(lsp_types::Documentation::String(what.to_string())),
            sort_text: Some(format!("9{}", b.name())),
            ..CompletionItem::default()
        });
    }
    items
}

fn kind_of(unit: &Unit, target: Target) -> Option<DefKind> {
    match target {
        Target::Def(span) => unit.index.defs.get(&span).map(|d| d.kind),
        Target::Builtin(_) => None,
    }
}

fn item_kind(kind: DefKind) -> CompletionItemKind {
    match kind {
        DefKind::Workflow | DefKind::Fn => CompletionItemKind::FUNCTION,
        DefKind::Step => CompletionItemKind::STRUCT,
        DefKind::StepOutput | DefKind::Output => CompletionItemKind::FIELD,
        DefKind::Import => CompletionItemKind::MODULE,
        DefKind::Const => CompletionItemKind::CONSTANT,
        DefKind::FnParam
        | DefKind::Param
        | DefKind::Let
        | DefKind::LoopVar
        | DefKind::WhileVar
        | DefKind::CompVar
        | DefKind::Signal => CompletionItemKind::VARIABLE,
    }
}

fn detail(unit: &Unit, kind: DefKind, span: Span, ty: Option<Span>) -> String {
    let ty = unit
        .binding_types
        .get(&span)
        .map(ToString::to_string)
        .or_else(|| ty.map(|t| unit.slice(t).to_string()));
    match ty {
        Some(ty) => format!("{} {ty}", kind.word()),
        None => kind.word().to_string(),
    }
}

/// After `base.`: a step's outputs, or an imported module's fns and workflows.
fn members(unit: &Unit, file: FileId, offset: u32, base: &str) -> Vec<CompletionItem> {
    let Some((_, Target::Def(span))) = unit.index.visible(file, offset).into_iter().find(|(n, _)| n == base) else {
        return Vec::new();
    };
    let Some(def) = unit.index.defs.get(&span) else {
        return Vec::new();
    };
    match def.kind {
        DefKind::Step => {
            let typed = unit.analysis.program.steps.iter().find(|s| s.span == span);
            let outputs: Vec<(String, String)> = match typed {
                Some(step) if !step.outputs.is_empty() => {
                    step.outputs.iter().map(|(n, t)| (n.clone(), t.to_string())).collect()
                }
                _ => unit
                    .index
                    .outputs_of_step(span)
                    .iter()
                    .map(|(n, s)| {
                        let ty = unit
                            .index
                            .defs
                            .get(s)
                            .and_then(|d| d.ty)
                            .map(|t| unit.slice(t).to_string());
                        (n.clone(), ty.unwrap_or_default())
                    })
                    .collect(),
            };
            outputs
                .into_iter()
                .map(|(name, ty)| CompletionItem {
                    label: name,
                    kind: Some(CompletionItemKind::FIELD),
                    label_details: Some(CompletionItemLabelDetails {
                        detail: Some(format!(": {ty}")),
                        description: None,
                    }),
                    detail: Some(ty),
                    ..CompletionItem::default()
                })
                .collect()
        }
        DefKind::Import => {
            let Some(module) = unit.index.import_modules.get(&span) else {
                return Vec::new();
            };
            let Some(names) = unit.index.modules.get(module.0 as usize) else {
                return Vec::new();
            };
            let mut list: Vec<(&String, &Span)> = names.fns.iter().chain(names.workflows.iter()).collect();
            list.sort_by(|a, b| a.0.cmp(b.0));
            list.into_iter()
                .filter_map(|(name, span)| {
                    let def = unit.index.defs.get(span)?;
                    let sig = super::hover::signature(unit, def);
                    Some(CompletionItem {
                        label: name.clone(),
                        kind: Some(item_kind(def.kind)),
                        detail: Some(sig),
                        documentation: def.doc.clone().map(lsp_types::Documentation::String),
                        ..CompletionItem::default()
                    })
                })
                .collect()
        }
        DefKind::Workflow
        | DefKind::Fn
        | DefKind::FnParam
        | DefKind::Param
        | DefKind::Const
        | DefKind::Let
        | DefKind::Output
        | DefKind::StepOutput
        | DefKind::LoopVar
        | DefKind::WhileVar
        | DefKind::CompVar
        | DefKind::Signal => Vec::new(),
    }
}

/// Whether the cursor is at the top level, in a workflow body, or in a step.
fn place(unit: &Unit, file: FileId, offset: u32) -> Place {
    let Some(module) = unit.analysis.modules.iter().find(|m| m.file == file) else {
        return Place::TopLevel;
    };
    for item in &module.ast.items {
        if let Item::Workflow(w) = item {
            if w.span.start < offset && offset < w.span.end {
                return in_body(&w.body, offset);
            }
        }
    }
    Place::TopLevel
}

fn in_body(stmts: &[Stmt], offset: u32) -> Place {
    for stmt in stmts {
        if !(stmt.span.start < offset && offset < stmt.span.end) {
            continue;
        }
        match &stmt.kind {
            StmtKind::Step(_) => return Place::Step,
            StmtKind::Foreach(f) => return in_body(&f.body, offset),
            StmtKind::While(w) => return in_body(&w.body, offset),
            StmtKind::If(i) => {
                for b in &i.branches {
                    if b.span.start < offset && offset < b.span.end {
                        return in_body(&b.body, offset);
                    }
                }
                if let Some(body) = &i.else_body {
                    return in_body(body, offset);
                }
            }
            StmtKind::Param { .. }
            | StmtKind::Const { .. }
            | StmtKind::Let { .. }
            | StmtKind::Output { .. }
            | StmtKind::Concurrency(_)
            | StmtKind::Timeout(_)
            | StmtKind::Retry(_)
            | StmtKind::OnFailure(_)
            | StmtKind::Strategy(_)
            | StmtKind::Schedule(..)
            | StmtKind::Trigger(_)
            | StmtKind::Tags(_)
            | StmtKind::Next(_)
            | StmtKind::Error { .. } => {}
        }
    }
    Place::Workflow
}
