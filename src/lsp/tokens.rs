//! Semantic tokens: every name the index resolved, coloured by what it refers to (a step,
//! a param, a fn…), with `declaration` on declarations and `readonly` on consts and imports
//! of the standard library.

use lsp_types::{SemanticToken, SemanticTokenModifier, SemanticTokenType, SemanticTokensLegend};

use super::index::{DefKind, Target};
use super::unit::Unit;
use crate::base::span::FileId;

/// The token types, in legend order.
const TYPES: [SemanticTokenType; 8] = [
    SemanticTokenType::FUNCTION,
    SemanticTokenType::PARAMETER,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::NAMESPACE,
    SemanticTokenType::CLASS,
    SemanticTokenType::METHOD,
    SemanticTokenType::STRUCT,
];

/// The modifiers, in legend order (bits).
const MODIFIERS: [SemanticTokenModifier; 3] = [
    SemanticTokenModifier::DECLARATION,
    SemanticTokenModifier::READONLY,
    SemanticTokenModifier::DEFAULT_LIBRARY,
];

#[must_use]
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TYPES.to_vec(),
        token_modifiers: MODIFIERS.to_vec(),
    }
}

fn type_index(kind: DefKind) -> u32 {
    match kind {
        DefKind::Fn => 0,
        DefKind::FnParam | DefKind::Param => 1,
        DefKind::Let | DefKind::Const | DefKind::LoopVar | DefKind::WhileVar | DefKind::CompVar | DefKind::Signal => 2,
        DefKind::Output | DefKind::StepOutput => 3,
        DefKind::Import => 4,
        DefKind::Workflow => 5,
        DefKind::Step => 7,
    }
}

/// The tokens of `file`, delta-encoded as the protocol wants.
#[must_use]
pub fn tokens(unit: &Unit, file: FileId) -> Vec<SemanticToken> {
    let Some(list) = unit.index.occurrences.get(&file) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(list.len());
    let (mut line, mut col) = (0u32, 0u32);
    let mut last_end = 0u32;
    for occ in list {
        if occ.span.start < last_end || occ.span.end <= occ.span.start {
            continue;
        }
        let (kind, mut modifiers) = match occ.target {
            Target::Builtin(_) => (0, 0b100),
            Target::Def(span) => {
                let Some(def) = unit.index.defs.get(&span) else {
                    continue;
                };
                let readonly = u32::from(matches!(def.kind, DefKind::Const | DefKind::Param)) << 1;
                let library = u32::from(unit.stdlib.get(span.file.0 as usize).copied().unwrap_or(false)) << 2;
                (type_index(def.kind), readonly | library)
            }
        };
        if occ.is_def {
            modifiers |= 1;
        }
        let range = unit.range(occ.span);
        if range.start.line != range.end.line {
            continue;
        }
        let delta_line = range.start.line - line;
        let delta_start = if delta_line == 0 {
            range.start.character - col
        } else {
            range.start.character
        };
        out.push(SemanticToken {
            delta_line,
            delta_start,
            length: range.end.character - range.start.character,
            token_type: kind,
            token_modifiers_bitset: modifiers,
        });
        line = range.start.line;
        col = range.start.character;
        last_end = occ.span.end;
    }
    out
}
