//! The long explanations of diagnostic codes (`maestroc explain`), from `docs/errors/`.

include!(concat!(env!("OUT_DIR"), "/explain_docs.rs"));

/// Normalizes `e101`, `0101` or `E0101` to `E0101`.
#[must_use]
pub fn normalize(code: &str) -> String {
    let code = code.trim().to_ascii_uppercase();
    if code.starts_with('E') || code.starts_with('W') {
        let (letter, digits) = code.split_at(1);
        format!("{letter}{digits:0>4}")
    } else {
        format!("E{code:0>4}")
    }
}

/// The explanation of `code`, if there is one.
#[must_use]
pub fn lookup(code: &str) -> Option<&'static str> {
    let code = normalize(code);
    DOCS.iter().find(|(c, _)| *c == code).map(|(_, text)| *text)
}

/// All codes that have an explanation.
pub fn codes() -> impl Iterator<Item = &'static str> {
    DOCS.iter().map(|(c, _)| *c)
}
