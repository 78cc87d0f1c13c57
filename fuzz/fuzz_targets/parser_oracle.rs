//! The differential property of the two parsers on arbitrary text (issue 10 §1): when
//! the fast path builds an AST, the grammar accepts the text and builds the same AST
//! (spans included); when the grammar accepts the text, the fast path does too.
//! Run with `.ci/fuzz.sh` (or `cargo fuzz run parser_oracle` from the repository root).

#![no_main]

use libfuzzer_sys::fuzz_target;
use maestroc::syntax::oracle::compare;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(divergence) = compare(text) {
        panic!("the parsers disagree ({divergence:?}) on:\n{text}");
    }
});
