//! The formatter's tokens: every word, literal, punctuation mark and comment of a file
//! that parsed, with the line breaks before it. Literals are kept verbatim (a string with
//! its quotes, escapes and `${…}` parts), so formatting never rewrites a value.

/// What a token is, as far as layout cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A name, a reserved word or a clause word.
    Word,
    /// An int, float, duration or date literal.
    Number,
    /// A string or raw string literal, quotes included.
    Str,
    /// Punctuation and operators (`{`, `->`, `??`, …).
    Punct,
    /// `// …` to the end of the line (without the line break).
    LineComment,
    /// `/* … */`.
    BlockComment,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Token<'a> {
    pub(super) kind: Kind,
    pub(super) text: &'a str,
    pub(super) start: usize,
    pub(super) end: usize,
    /// Line breaks in the whitespace before this token (0 on the same line).
    pub(super) breaks: usize,
}

impl Token<'_> {
    pub(super) fn is_comment(&self) -> bool {
        matches!(self.kind, Kind::LineComment | Kind::BlockComment)
    }

    pub(super) fn is(&self, punct: &str) -> bool {
        self.kind == Kind::Punct && self.text == punct
    }
}

const PAIRS: [&str; 6] = ["->", "??", "==", "!=", "<=", ">="];

fn ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Splits `text` (which the parser accepted) into tokens. Bytes the grammar would not
/// accept become one-byte punctuation, so this never fails.
pub(super) fn tokens(text: &str) -> Vec<Token<'_>> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut breaks = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            breaks += 1;
            i += 1;
            continue;
        }
        if matches!(b, b' ' | b'\t' | b'\r') {
            i += 1;
            continue;
        }
        if text[i..].starts_with('\u{FEFF}') {
            i += '\u{FEFF}'.len_utf8();
            continue;
        }
        let start = i;
        let kind = if text[i..].starts_with("//") {
            i = text[i..].find('\n').map_or(bytes.len(), |n| i + n);
            Kind::LineComment
        } else if text[i..].starts_with("/*") {
            i = text[i + 2..].find("*/").map_or(bytes.len(), |n| i + 2 + n + 2);
            Kind::BlockComment
        } else if text[i..].starts_with("r\"") {
            i = text[i + 2..].find('"').map_or(bytes.len(), |n| i + 2 + n + 1);
            Kind::Str
        } else if b == b'"' {
            i = string_end(bytes, i);
            Kind::Str
        } else if b.is_ascii_digit() {
            i = number_end(bytes, i);
            Kind::Number
        } else if ident_byte(b) {
            while i < bytes.len() && ident_byte(bytes[i]) {
                i += 1;
            }
            Kind::Word
        } else {
            i += PAIRS
                .iter()
                .find(|p| text[i..].starts_with(*p))
                .map_or_else(|| text[i..].chars().next().map_or(1, char::len_utf8), |p| p.len());
            Kind::Punct
        };
        let mut end = i;
        if kind == Kind::LineComment {
            end = start + text[start..i].trim_end().len();
        }
        out.push(Token {
            kind,
            text: &text[start..end],
            start,
            end,
            breaks,
        });
        breaks = 0;
    }
    out
}

/// The end of the number at `i`: a date `2026-01-02`, or digits, letters and `_` with
/// an optional fraction and signed exponent (`1.5e-3`, `1h30m`).
fn number_end(bytes: &[u8], start: usize) -> usize {
    let date = bytes.len() >= start + 10
        && bytes[start..start + 4].iter().all(u8::is_ascii_digit)
        && bytes[start + 4] == b'-'
        && bytes[start + 5..start + 7].iter().all(u8::is_ascii_digit)
        && bytes[start + 7] == b'-'
        && bytes[start + 8..start + 10].iter().all(u8::is_ascii_digit);
    if date {
        return start + 10;
    }
    let mut i = start;
    let mut fraction = false;
    while i < bytes.len() {
        let b = bytes[i];
        if ident_byte(b) {
            i += 1;
        } else if b == b'.' && !fraction && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
            fraction = true;
            i += 1;
        } else if matches!(b, b'+' | b'-')
            && matches!(bytes[i - 1], b'e' | b'E')
            && bytes[start..i - 1]
                .iter()
                .all(|c| c.is_ascii_digit() || *c == b'_' || *c == b'.')
            && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// The end of the string literal opening at `start` (after its closing quote), stepping
/// over escapes and over `${…}` parts, which may hold strings and braces of their own.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return i + 1,
            b'\\' => i += 2,
            b'$' if bytes.get(i + 1) == Some(&b'{') => i = interp_end(bytes, i + 2),
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of a `${…}` part whose expression starts at `i` (after its `}`).
fn interp_end(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => i = string_end(bytes, i),
            b'r' if bytes.get(i + 1) == Some(&b'"') && (i == 0 || !ident_byte(bytes[i - 1])) => {
                i = bytes[i + 2..]
                    .iter()
                    .position(|c| *c == b'"')
                    .map_or(bytes.len(), |n| i + 2 + n + 1);
            }
            b'{' => {
                depth += 1;
                i += 1;
            }
            b'}' if depth == 0 => return i + 1,
            b'}' => {
                depth -= 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokens(s).iter().map(|t| t.text).collect()
    }

    #[test]
    fn literals_stay_whole() {
        assert_eq!(
            texts(r#"x = "a ${f("}")} b" + r"c\d" - 1.5e-3 2026-01-02 1h30m"#),
            [
                "x",
                "=",
                r#""a ${f("}")} b""#,
                "+",
                r#"r"c\d""#,
                "-",
                "1.5e-3",
                "2026-01-02",
                "1h30m"
            ]
        );
    }

    #[test]
    fn comments_and_breaks() {
        let t = tokens("a // x  \n\n/* y */ b?? c");
        let got: Vec<_> = t.iter().map(|t| (t.text, t.breaks)).collect();
        assert_eq!(
            got,
            [("a", 0), ("// x", 0), ("/* y */", 2), ("b", 0), ("??", 0), ("c", 0)]
        );
    }
}
