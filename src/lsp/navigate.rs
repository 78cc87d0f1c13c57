//! Go to definition, find references and rename, over the position index of a unit (its
//! root and every file it imports, the standard library's read-only copies included).

use std::collections::HashMap;

use lsp_types::{Location, TextEdit, Uri, WorkspaceEdit};

use super::error::LspError;
use super::index::{DefKind, Target};
use super::unit::Unit;
use crate::base::span::{FileId, Span};
use crate::syntax::keywords;

/// Where the name at `offset` is declared. An import leads to the imported file.
#[must_use]
pub fn definition(unit: &Unit, file: FileId, offset: u32) -> Option<Location> {
    let occ = unit.index.at(file, offset)?;
    let Target::Def(span) = occ.target else { return None };
    let def = unit.index.defs.get(&span)?;
    if def.kind == DefKind::Import && occ.is_def {
        let module = unit.index.import_modules.get(&span)?;
        let file = unit.analysis.modules.get(module.0 as usize)?.file;
        return unit.location(Span { file, start: 0, end: 0 });
    }
    unit.location(span)
}

/// Every use of the name at `offset` (its declaration too when asked).
#[must_use]
pub fn references(unit: &Unit, file: FileId, offset: u32, declaration: bool) -> Vec<Location> {
    let Some(occ) = unit.index.at(file, offset) else {
        return Vec::new();
    };
    unit.index
        .occurrences_of(occ.target)
        .into_iter()
        .filter(|o| declaration || !o.is_def)
        .filter_map(|o| unit.location(o.span))
        .collect()
}

/// The span of the renamable name at `offset`, or why it cannot be renamed.
pub fn prepare(unit: &Unit, file: FileId, offset: u32) -> Result<(Span, Span), LspError> {
    let Some(occ) = unit.index.at(file, offset) else {
        return Err(LspError::RenameRefused {
            what: "this: there is no name here".into(),
        });
    };
    let def_span = match occ.target {
        Target::Def(span) => span,
        Target::Builtin(b) => {
            return Err(LspError::RenameRefused {
                what: format!("`{}`: it is a built-in function", b.name()),
            })
        }
    };
    let Some(def) = unit.index.defs.get(&def_span) else {
        return Err(LspError::RenameRefused {
            what: "this name".into(),
        });
    };
    if unit.stdlib.get(def_span.file.0 as usize).copied().unwrap_or(false) {
        return Err(LspError::RenameRefused {
            what: format!("`{}`: it is declared in the standard library", def.name),
        });
    }
    if !def.kind.renamable() {
        return Err(LspError::RenameRefused {
            what: format!("`{}`: {} names are not renamed", def.name, def.kind.word()),
        });
    }
    Ok((occ.span, def_span))
}

/// The edits renaming the name at `offset` to `new`, across every file of the unit; refused
/// when `new` is not a name or when it would collide with a name visible where it is used.
pub fn rename(unit: &Unit, file: FileId, offset: u32, new: &str) -> Result<WorkspaceEdit, LspError> {
    let (_, def_span) = prepare(unit, file, offset)?;
    let Some(def) = unit.index.defs.get(&def_span) else {
        return Err(LspError::RenameRefused {
            what: "this name".into(),
        });
    };
    check_name(new)?;
    let occurrences = unit.index.occurrences_of(Target::Def(def_span));
    if new != def.name {
        for occ in &occurrences {
            if let Some((_, other)) = unit
                .index
                .visible(occ.span.file, occ.span.start)
                .into_iter()
                .find(|(n, t)| n == new && *t != Target::Def(def_span))
            {
                let clash = match other {
                    Target::Def(s) => unit
                        .index
                        .defs
                        .get(&s)
                        .map_or_else(|| "a name".to_string(), |d| format!("a {} of that name", d.kind.word())),
                    Target::Builtin(_) => "a built-in function of that name".to_string(),
                };
                let (line, col) = unit.analysis.sources.get(occ.span.file).line_col(occ.span.start);
                return Err(LspError::RenameCollision {
                    old: def.name.clone(),
                    new: new.to_string(),
                    clash: format!("{clash} is already visible at line {line}, column {col}"),
                });
            }
            // Two declarations of one kind in one workflow (a step and a step) collide too.
            if occ.is_def {
                let clash = unit.index.defs.values().any(|d| {
                    d.name == new
                        && d.span != def_span
                        && d.owner == def.owner
                        && d.module == def.module
                        && same_namespace(d.kind, def.kind)
                });
                if clash {
                    return Err(LspError::RenameCollision {
                        old: def.name.clone(),
                        new: new.to_string(),
                        clash: format!("a {} called `{new}` already exists there", def.kind.word()),
                    });
                }
            }
        }
    }
    #[allow(clippy::mutable_key_type, reason = "lsp-types keys workspace edits by `Uri`")]
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for occ in occurrences {
        if let Some(location) = unit.location(occ.span) {
            changes
                .entry(location.uri)
                .or_default()
                .push(TextEdit::new(location.range, new.to_string()));
        }
    }
    Ok(WorkspaceEdit {
        changes: Some(changes),
        ..WorkspaceEdit::default()
    })
}

fn same_namespace(a: DefKind, b: DefKind) -> bool {
    let value = |k: DefKind| {
        matches!(
            k,
            DefKind::Param | DefKind::Const | DefKind::Let | DefKind::Step | DefKind::LoopVar | DefKind::WhileVar
        )
    };
    a == b
        || (value(a) && value(b))
        || matches!(
            (a, b),
            (DefKind::Fn | DefKind::Workflow, DefKind::Fn | DefKind::Workflow)
        )
}

fn check_name(new: &str) -> Result<(), LspError> {
    let mut chars = new.chars();
    let starts = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    if !starts || !new.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(LspError::RenameInvalid {
            new: new.to_string(),
            why: "it is not an identifier".into(),
        });
    }
    if keywords::is_reserved(new) {
        return Err(LspError::RenameInvalid {
            new: new.to_string(),
            why: "it is a reserved word".into(),
        });
    }
    Ok(())
}
