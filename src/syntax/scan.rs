//! The pre-scan: one linear pass (no recursion) over the text that finds unterminated
//! strings and comments, unbalanced brackets and excessive nesting before the parser
//! (which recurses) sees the text, and the offsets used to recover from syntax errors.

use super::error::SyntaxError;
use super::keywords::Keyword;
use super::span::{FileId, Span};

/// More nested brackets or prefix operators than this is an error (E0016).
pub const MAX_NESTING: usize = 128;

#[derive(Debug, Default)]
pub struct Scan {
    pub errors: Vec<SyntaxError>,
    /// The offset of the first error, if any: text from there on is not parsed.
    pub error_at: Option<usize>,
    /// Offsets of `import`/`fn`/`workflow` words at depth 0 (item starts).
    pub item_starts: Vec<usize>,
    /// Offsets of statement words (`param const let step output foreach while`) at depth 1.
    pub stmt_starts: Vec<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Paren,
    Bracket,
    Brace,
    /// `${` inside a string; its `}` returns to the string.
    Interp,
    Str,
}

struct Open {
    kind: Kind,
    at: usize,
    what: String,
    /// `if`/`not`/prefix `-` tokens since the last reset at this level.
    run: usize,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Scans `text`; spans are reported in `file`, offset by `base`.
#[must_use]
pub fn scan(file: FileId, text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut top_run = 0usize;
    let mut depth = 0usize;
    let mut prev_operand = false;
    let mut recent: Vec<(usize, usize)> = Vec::new(); // last words (start, end)
                                                      // `step` seen, its name not yet; then the name, whose next token must be `{`.
    let mut after_step = false;
    let mut step_name: Option<(usize, usize)> = None;
    // The first `}` indented less than the line of the `{` it closes (rustc's heuristic
    // for "which block is really unclosed").
    let mut suspect: Option<Suspect> = None;
    let mut i = 0usize;
    let span = |a: usize, b: usize| Span::new(file, a, b);
    macro_rules! fail {
        ($at:expr, $err:expr) => {{
            out.errors.push($err);
            out.error_at = Some(out.error_at.map_or($at, |e: usize| e.min($at)));
        }};
    }
    while i < bytes.len() {
        let in_string = matches!(stack.last(), Some(Open { kind: Kind::Str, .. }));
        let b = bytes[i];
        // Only right after `step` (rare) is there anything to check per byte here.
        if !in_string && (after_step || step_name.is_some()) {
            let blank = matches!(b, b' ' | b'\t' | b'\r' | b'\n')
                || (b == b'/' && matches!(bytes.get(i + 1), Some(b'/' | b'*')));
            if let Some((name_start, name_end)) = step_name.filter(|_| !blank) {
                step_name = None;
                // Other characters (NUL, typographic quotes) are the parser's to report.
                if b != b'{' && b.is_ascii_graphic() {
                    let name = &text[name_start..name_end];
                    fail!(
                        name_start,
                        SyntaxError::Unexpected {
                            expected: "`{` after the step name".into(),
                            found: super::expected::found_at(text, i).0,
                            span: span(name_start, name_end),
                            help: Some(format!(
                                "a step's clauses are in braces: write `step {name} {{`, and `}}` after its last clause"
                            )),
                        }
                    );
                    return out;
                }
            }
            if after_step && !blank && !(b.is_ascii_alphabetic() || b == b'_') {
                after_step = false;
            }
        }
        if in_string {
            match b {
                b'\\' => i += 2,
                b'"' => {
                    stack.pop();
                    prev_operand = true;
                    i += 1;
                }
                b'$' if bytes.get(i + 1) == Some(&b'{') => {
                    depth += 1;
                    if depth > MAX_NESTING {
                        fail!(
                            i,
                            SyntaxError::TooDeep {
                                limit: MAX_NESTING,
                                span: span(i, i + 2)
                            }
                        );
                        return out;
                    }
                    stack.push(Open {
                        kind: Kind::Interp,
                        at: i,
                        what: "this interpolation".into(),
                        run: 0,
                    });
                    prev_operand = false;
                    i += 2;
                }
                _ => i += 1,
            }
            continue;
        }
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match text[i + 2..].find("*/") {
                Some(end) => i = i + 2 + end + 2,
                None => {
                    fail!(i, SyntaxError::UnterminatedComment { span: span(i, i + 2) });
                    return out;
                }
            },
            b'"' => {
                stack.push(Open {
                    kind: Kind::Str,
                    at: i,
                    what: String::new(),
                    run: 0,
                });
                i += 1;
            }
            b'r' if bytes.get(i + 1) == Some(&b'"') && (i == 0 || !is_ident_byte(bytes[i - 1])) => {
                match text[i + 2..].find('"') {
                    Some(end) => i = i + 2 + end + 1,
                    None => {
                        fail!(i, SyntaxError::UnterminatedString { span: span(i, i + 2) });
                        return out;
                    }
                }
                prev_operand = true;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    fail!(
                        i,
                        SyntaxError::TooDeep {
                            limit: MAX_NESTING,
                            span: span(i, i + 1)
                        }
                    );
                    return out;
                }
                let kind = match b {
                    b'(' => Kind::Paren,
                    b'[' => Kind::Bracket,
                    _ => Kind::Brace,
                };
                let what = describe_open(text, b, &recent, prev_operand);
                stack.push(Open {
                    kind,
                    at: i,
                    what,
                    run: 0,
                });
                prev_operand = false;
                i += 1;
            }
            b')' | b']' | b'}' => {
                let want = match b {
                    b')' => Kind::Paren,
                    b']' => Kind::Bracket,
                    _ => Kind::Brace,
                };
                match stack.last() {
                    Some(open) if open.kind == want || (want == Kind::Brace && open.kind == Kind::Interp) => {
                        if suspect.is_none() && open.kind == Kind::Brace {
                            suspect = outdented_close(text, &stack, i);
                        }
                        stack.pop();
                        depth = depth.saturating_sub(1);
                    }
                    Some(open) => {
                        let (expected, open_char) = closer(open.kind);
                        fail!(
                            i,
                            SyntaxError::Mismatched {
                                found: b as char,
                                span: span(i, i + 1),
                                expected,
                                open: span(open.at, open.at + 1),
                                open_char,
                            }
                        );
                        return out;
                    }
                    None => {
                        fail!(
                            i,
                            SyntaxError::UnmatchedClose {
                                found: b as char,
                                span: span(i, i + 1)
                            }
                        );
                        return out;
                    }
                }
                prev_operand = true;
                i += 1;
            }
            b',' | b'=' | b':' => {
                reset_run(&mut stack, &mut top_run);
                prev_operand = false;
                i += 1;
            }
            b'-' if !prev_operand && bytes.get(i + 1) != Some(&b'>') => {
                if bump_run(&mut stack, &mut top_run, depth) {
                    fail!(
                        i,
                        SyntaxError::TooDeep {
                            limit: MAX_NESTING,
                            span: span(i, i + 1)
                        }
                    );
                    return out;
                }
                i += 1;
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let start = i;
                while i < bytes.len() && is_ident_byte(bytes[i]) {
                    i += 1;
                }
                let word = &text[start..i];
                let keyword = Keyword::from_lexeme(word);
                if after_step && keyword.is_none() {
                    step_name = Some((start, i));
                }
                after_step = keyword == Some(Keyword::Step);
                if depth == 0 && keyword.is_some_and(Keyword::starts_item) {
                    out.item_starts.push(doc_start(text, start));
                }
                if keyword.is_some_and(Keyword::starts_stmt) {
                    if depth == 1 {
                        out.stmt_starts.push(doc_start(text, start));
                    }
                    reset_run(&mut stack, &mut top_run);
                }
                if matches!(word, "if" | "not") && bump_run(&mut stack, &mut top_run, depth) {
                    fail!(
                        start,
                        SyntaxError::TooDeep {
                            limit: MAX_NESTING,
                            span: span(start, i)
                        }
                    );
                    return out;
                }
                prev_operand = !keyword.is_some_and(Keyword::expects_operand);
                if recent.len() == 6 {
                    recent.remove(0);
                }
                recent.push((start, i));
            }
            _ if b.is_ascii_digit() => {
                while i < bytes.len() && (is_ident_byte(bytes[i]) || bytes[i] == b'.') {
                    i += 1;
                }
                prev_operand = true;
            }
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            _ => {
                prev_operand = false;
                i += 1;
            }
        }
    }
    if let Some(open) = stack.iter().rev().find(|o| o.kind == Kind::Str) {
        fail!(
            open.at,
            SyntaxError::UnterminatedString {
                span: span(open.at, open.at + 1)
            }
        );
        return out;
    }
    if let (Some(sus), Some(Open { kind: Kind::Brace, .. })) = (&suspect, stack.last()) {
        fail!(
            sus.open,
            SyntaxError::UnclosedByIndent {
                what: sus.what.clone(),
                open: span(sus.open, sus.open + 1),
                close: span(sus.close, sus.close + 1),
                close_label: sus.label.clone(),
                help: Some(sus.help.clone()),
            }
        );
        return out;
    }
    if let Some(open) = stack.last() {
        let (close, _) = closer(open.kind);
        let end = text.len();
        fail!(
            open.at,
            SyntaxError::Unclosed {
                close,
                what: open.what.clone(),
                open: span(open.at, open.at + 1),
                end: span(end, end),
                help: Some(format!("add `{close}` where {} should end", open.what)),
            }
        );
    }
    out
}

/// A `{` whose `}` is probably another block's, by indentation.
struct Suspect {
    open: usize,
    what: String,
    close: usize,
    label: String,
    help: String,
}

/// The indentation (in bytes) of the line holding `at`, and where that line starts.
fn indent_of_line(text: &str, at: usize) -> (usize, usize) {
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let indent = text[line_start..]
        .bytes()
        .take_while(|b| matches!(b, b' ' | b'\t'))
        .count();
    (indent, line_start)
}

fn line_number(text: &str, at: usize) -> usize {
    text[..at].bytes().filter(|b| *b == b'\n').count() + 1
}

/// If the `}` at `close` (closing the last brace of `stack`) starts its line and is
/// indented less than the line of its `{`, what to say about that pair.
fn outdented_close(text: &str, stack: &[Open], close: usize) -> Option<Suspect> {
    let (open, outer) = stack.split_last()?;
    // Most `}` share a line with code before them: walking back over blanks finds out
    // without looking for the line's start.
    let bytes = text.as_bytes();
    let mut k = close;
    while k > 0 && matches!(bytes[k - 1], b' ' | b'\t') {
        k -= 1;
    }
    if k > 0 && bytes[k - 1] != b'\n' {
        return None;
    }
    let (close_indent, close_line_start) = (close - k, k);
    let (open_indent, _) = indent_of_line(text, open.at);
    if close_indent >= open_indent {
        return None;
    }
    let line = line_number(text, close);
    let like = outer
        .iter()
        .rev()
        .find(|o| o.kind == Kind::Brace && indent_of_line(text, o.at).0 == close_indent);
    let label = match like {
        Some(o) => format!("the `}}` on line {line} is indented like {}", o.what),
        None => format!("the `}}` on line {line} is indented less than the `{{`"),
    };
    // Where the block probably ends: the first later line indented no deeper than its `{`.
    let after_open = text[open.at..].find('\n').map_or(text.len(), |n| open.at + n + 1);
    let mut end_line = None;
    let mut at = after_open;
    while at < close_line_start {
        let line_end = text[at..].find('\n').map_or(text.len(), |n| at + n);
        let content = &text[at..line_end];
        let indent = content.bytes().take_while(|b| matches!(b, b' ' | b'\t')).count();
        if !content.trim().is_empty() && indent <= open_indent {
            end_line = Some(line_number(text, at));
            break;
        }
        at = line_end + 1;
    }
    let help = match end_line {
        Some(n) => format!("add `}}` to close {} before line {n}", open.what),
        None => format!("add `}}` where {} should end", open.what),
    };
    Some(Suspect {
        open: open.at,
        what: open.what.clone(),
        close,
        label,
        help,
    })
}

fn closer(kind: Kind) -> (char, char) {
    match kind {
        Kind::Paren => (')', '('),
        Kind::Bracket => (']', '['),
        Kind::Brace | Kind::Interp | Kind::Str => ('}', '{'),
    }
}

fn reset_run(stack: &mut [Open], top: &mut usize) {
    match stack.last_mut() {
        Some(open) => open.run = 0,
        None => *top = 0,
    }
}

/// Counts one more prefix operator at this level; true when nesting is now too deep.
fn bump_run(stack: &mut [Open], top: &mut usize, depth: usize) -> bool {
    let run = match stack.last_mut() {
        Some(open) => &mut open.run,
        None => top,
    };
    *run += 1;
    depth + *run > MAX_NESTING
}

/// Where an item or statement starts, including the `///` doc comment lines before it.
fn doc_start(text: &str, start: usize) -> usize {
    let mut at = start;
    loop {
        let before = &text[..at];
        let line_start = before.trim_end_matches([' ', '\t']).rfind('\n').map_or(0, |n| n + 1);
        let line = &text[line_start..at];
        let prev_end = line_start.saturating_sub(1);
        if line.trim().is_empty() && line_start > 0 {
            let prev_start = text[..prev_end].rfind('\n').map_or(0, |n| n + 1);
            let prev = text[prev_start..prev_end].trim();
            if prev.starts_with("///") {
                at = prev_start;
                continue;
            }
        }
        return at;
    }
}

/// Words describing what an opening bracket opens, from the words before it.
fn describe_open(text: &str, bracket: u8, recent: &[(usize, usize)], prev_operand: bool) -> String {
    let words: Vec<&str> = recent.iter().map(|(a, b)| &text[*a..*b]).collect();
    match bracket {
        b'{' => {
            for (k, w) in words.iter().enumerate().rev() {
                match *w {
                    "workflow" | "step" | "fn" => {
                        if let Some(name) = words.get(k + 1) {
                            return format!("{w} `{name}`");
                        }
                        return format!("this `{w}`");
                    }
                    "foreach" | "while" | "if" | "else" => return format!("this `{w}`"),
                    "outputs" | "env" | "resources" | "emit" if k + 1 == words.len() => return format!("`{w} {{`"),
                    _ => {}
                }
            }
            "this `{`".into()
        }
        b'(' if prev_operand => match words.last() {
            Some(w) => format!("the call of `{w}`"),
            None => "this `(`".into(),
        },
        b'(' => "this `(`".into(),
        _ => "this `[`".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        use miette::Diagnostic;
        scan(FileId(0), text)
            .errors
            .iter()
            .map(|e| e.code().map(|c| c.to_string()).unwrap_or_default())
            .collect()
    }

    #[test]
    fn finds_unclosed_and_unterminated() {
        assert_eq!(codes("workflow w { step a { run \"x\" }"), ["E0013"]);
        assert_eq!(codes("workflow w { step a { run \"x } }"), ["E0011"]);
        assert_eq!(codes("/* never"), ["E0012"]);
        assert_eq!(codes("workflow w { let x = (1] }"), ["E0014"]);
        assert_eq!(codes("}"), ["E0015"]);
        assert!(codes("workflow w { let x = \"a ${ \"b\" + \"}\" } c\" }").is_empty());
    }

    #[test]
    fn bounds_nesting_without_recursion() {
        let deep = format!(
            "workflow w {{ let x = {}1{} }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        assert_eq!(codes(&deep), ["E0016"]);
        let nots = format!("workflow w {{ let x = {}true }}", "not ".repeat(100_000));
        assert_eq!(codes(&nots), ["E0016"]);
        let negs = format!("workflow w {{ let x = {}1 }}", "- ".repeat(100_000));
        assert_eq!(codes(&negs), ["E0016"]);
        let ifs = format!(
            "workflow w {{ let x = {}1{} }}",
            "if a then ".repeat(50_000),
            " else 2".repeat(50_000)
        );
        assert_eq!(codes(&ifs), ["E0016"]);
        let chain = format!("workflow w {{ let x = 1{} }}", " - 1".repeat(100_000));
        assert!(codes(&chain).is_empty());
    }

    #[test]
    fn step_name_must_be_followed_by_a_brace() {
        assert_eq!(codes("workflow w {\n  step a\n    run \"x\"\n  }\n}"), ["E0010"]);
        assert!(codes("workflow w { step a /* c */ { run \"x\" } step b // c\n { } }").is_empty());
    }

    #[test]
    fn an_outdented_close_names_the_unclosed_block() {
        let s = scan(
            FileId(0),
            "workflow w {\n  step a {\n    run \"a\"\n  step b {\n  }\n}\n",
        );
        assert!(matches!(
            s.errors.as_slice(),
            [SyntaxError::UnclosedByIndent { what, .. }] if what == "step `a`"
        ));
    }

    #[test]
    fn records_starts() {
        let s = scan(
            FileId(0),
            "import \"std/dates\"\n/// doc\nworkflow w {\n  param a: int\n  step s { }\n}\n",
        );
        assert_eq!(s.item_starts.len(), 2);
        assert_eq!(s.stmt_starts.len(), 2);
    }
}
