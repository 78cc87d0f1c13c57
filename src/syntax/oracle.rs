//! The differential property between the two parsers. The grammar (pest) is the parser
//! of record; the hand-written fast path may only stand in for it while they accept the
//! same language and build the same AST. `tests/parser_oracle.rs` checks this over every
//! fixture, example and stdlib file and thousands of generated and mutated inputs; the
//! fuzz target `fuzz/fuzz_targets/parser_oracle.rs` checks it on arbitrary bytes.

use super::span::FileId;
use crate::diagnostics::Problems;

/// How the two parsers disagree about one input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Divergence {
    /// The fast path built an AST for text the grammar rejects.
    FastAcceptedInvalid,
    /// Both accepted the text but built different ASTs (spans included).
    AstsDiffer,
    /// The grammar accepts the text but the fast path declined it.
    FastDeclinedValid,
}

/// What both parsers agreed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    /// Valid text: both built the same AST.
    Valid,
    /// Invalid text: both rejected it.
    Invalid,
}

/// Parses `text` with both parsers and compares them. As in [`super::parse`], the fast
/// path only sees text the pre-scan accepts (text it refuses is [`Agreement::Invalid`]).
pub fn compare(text: &str) -> Result<Agreement, Divergence> {
    let file = FileId(0);
    if !super::scan::scan(file, text).errors.is_empty() {
        return Ok(Agreement::Invalid);
    }
    let mut problems = Problems::new();
    let slow = super::parse_pest(file, text, &mut problems);
    let valid = !problems.has_errors();
    match (super::fast::parse(file, text), valid) {
        (Some(quick), true) if quick == slow => Ok(Agreement::Valid),
        (Some(_), true) => Err(Divergence::AstsDiffer),
        (Some(_), false) => Err(Divergence::FastAcceptedInvalid),
        (None, true) => Err(Divergence::FastDeclinedValid),
        (None, false) => Ok(Agreement::Invalid),
    }
}
