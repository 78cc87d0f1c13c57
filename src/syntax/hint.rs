//! Common mistakes, recognised where the grammar failed, and explained in the user's words
//! (issue 10 §4): an unknown clause or statement word, `elif`, `for … in`, durations
//! written `5 minutes` / `1.5h` / `2sec`, `first-only`, positional `call` arguments.
//! Anything not recognised here keeps the generic "expected …, found …" of `expected.rs`.

use super::error::SyntaxError;
use super::keywords::{is_reserved, workflow_statement_words, STEP_CLAUSES};
use super::span::{FileId, Span};
use super::words::{self, StrategyName, STRATEGIES};
use crate::base::duration;
use crate::diagnostics::suggest::best_match;

/// An explanation of the syntax error at byte `pos` of `text`, if it is a known mistake.
pub fn explain(file: FileId, text: &str, pos: usize) -> Option<SyntaxError> {
    let pos = pos.min(text.len());
    duration_mistake(file, text, pos)
        .or_else(|| dashed_strategy(file, text, pos))
        .or_else(|| positional_call_argument(file, text, pos))
        .or_else(|| fixed_not_param(file, text, pos))
        .or_else(|| misplaced_word(file, text, pos))
}

/// `let x = 1 fixed`: only a param can be `fixed`.
fn fixed_not_param(file: FileId, text: &str, pos: usize) -> Option<SyntaxError> {
    if word_at(text, pos) != "fixed" {
        return None;
    }
    let line = text[..pos].rsplit('\n').next().unwrap_or("").trim_start();
    let decl = ["let", "const", "output"]
        .into_iter()
        .find(|d| line.strip_prefix(d).is_some_and(|rest| rest.starts_with([' ', '\t'])))?;
    Some(SyntaxError::WrittenDifferently {
        message: format!("only a `param` can be `fixed`, not a `{decl}`"),
        span: Span::new(file, pos, pos + "fixed".len()),
        label: "not allowed here".into(),
        help: Some(
            "`fixed` marks a param whose value cannot change on resume or restart: `param name: T = value fixed`"
                .into(),
        ),
    })
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The word (letters, digits, `_`) starting at `pos`.
fn word_at(text: &str, pos: usize) -> &str {
    let len = text.as_bytes()[pos..].iter().take_while(|b| is_word_byte(**b)).count();
    &text[pos..pos + len]
}

/// Where the word or number ending at `end` starts (`.` included, for `1.5h`).
fn token_start(text: &str, end: usize) -> usize {
    let bytes = text.as_bytes();
    let mut start = end;
    while start > 0 && (is_word_byte(bytes[start - 1]) || bytes[start - 1] == b'.') {
        start -= 1;
    }
    start
}

/// The unit a word like `minutes` or `sec` means, in MFlow's spelling.
fn unit_of(word: &str) -> Option<(&'static str, i64)> {
    let unit = match word.to_ascii_lowercase().as_str() {
        "ms" | "msec" | "msecs" | "millis" | "millisecond" | "milliseconds" => "ms",
        "s" | "sec" | "secs" | "second" | "seconds" => "s",
        "m" | "min" | "mins" | "minute" | "minutes" => "m",
        "h" | "hr" | "hrs" | "hour" | "hours" => "h",
        "d" | "day" | "days" => "d",
        _ => return None,
    };
    duration::UNITS
        .iter()
        .find(|(u, _)| *u == unit)
        .map(|(u, ms)| (*u, *ms))
}

/// `5 minutes`, `1.5h`, `2sec`: a number with a unit MFlow does not write that way.
fn duration_mistake(file: FileId, text: &str, pos: usize) -> Option<SyntaxError> {
    let bytes = text.as_bytes();
    // The token the error is in or right after: `1.5h` fails inside it, `5 minutes` at
    // the word after the number.
    let mut end = pos;
    while end < bytes.len() && (is_word_byte(bytes[end]) || bytes[end] == b'.') {
        end += 1;
    }
    let start = token_start(text, end);
    let token = &text[start..end];
    let (number, unit_word, span_start) = if token.starts_with(|c: char| c.is_ascii_digit()) {
        let split = token.find(|c: char| c.is_ascii_alphabetic())?;
        (&token[..split], &token[split..], start)
    } else {
        // A word after a number and blanks: `5 minutes`.
        let before = text[..start].trim_end_matches([' ', '\t']);
        let number_start = token_start(before, before.len());
        let number = &before[number_start..];
        if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'_') {
            return None;
        }
        (number, token, number_start)
    };
    let (unit, unit_ms) = unit_of(unit_word)?;
    let value: f64 = number.replace('_', "").parse().ok()?;
    if !value.is_finite() || value < 0.0 {
        return None;
    }
    let span = Span::new(file, span_start, end);
    let written = &text[span_start..end];
    // Whole milliseconds: `1.5h` is exactly `1h30m`.
    #[allow(clippy::cast_precision_loss)] // units are at most 86_400_000: exact in f64
    let ms = value * unit_ms as f64;
    #[allow(clippy::cast_possible_truncation)]
    let exact = (ms.fract() == 0.0 && ms < 9.0e15).then(|| duration::format(ms as i64));
    let fix = match exact {
        Some(d) => format!("write `{d}`"),
        None => format!("write a whole number of `{unit}`, or use a smaller unit"),
    };
    Some(SyntaxError::BadLiteral {
        message: format!("`{written}` is not a duration: a duration is an integer with a unit"),
        span,
        label: "not a duration".into(),
        help: Some(format!(
            "{fix}; the units are `ms`, `s`, `m`, `h` and `d`, and they combine: `1h30m`, `2s`, `500ms`"
        )),
    })
}

/// `strategy first-only` → `first_only`.
fn dashed_strategy(file: FileId, text: &str, pos: usize) -> Option<SyntaxError> {
    if text.as_bytes().get(pos) != Some(&b'-') {
        return None;
    }
    let start = token_start(text, pos);
    let first = &text[start..pos];
    let line_start = text[..start].rfind('\n').map_or(0, |n| n + 1);
    if text[line_start..start].trim() != "strategy" {
        return None;
    }
    let mut end = pos;
    while end < text.len() && (is_word_byte(text.as_bytes()[end]) || text.as_bytes()[end] == b'-') {
        end += 1;
    }
    let written = &text[start..end];
    let fixed = written.replace('-', "_");
    let help = match fixed.parse::<StrategyName>() {
        Ok(_) => format!("did you mean `{fixed}`? Words in MFlow are joined with `_`"),
        Err(_) => format!("the strategies are {}", words::list(STRATEGIES)),
    };
    (!first.is_empty()).then(|| SyntaxError::UnknownWord {
        what: "run strategy",
        name: written.to_string(),
        span: Span::new(file, start, end),
        help: Some(help),
    })
}

/// How far back [`enclosing_open`] looks: a hint is worth a bounded cost per error.
const LOOK_BACK: usize = 16 * 1024;

/// The innermost unclosed bracket before `pos`, found by walking back (strings skipped;
/// the pre-scan has checked they are balanced). `None` if it is further than
/// [`LOOK_BACK`] bytes away.
fn enclosing_open(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let floor = pos.saturating_sub(LOOK_BACK);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut i = pos;
    while i > floor {
        i -= 1;
        let b = bytes[i];
        if b == b'"' {
            let backslashes = bytes[floor..i].iter().rev().take_while(|c| **c == b'\\').count();
            if backslashes % 2 == 0 {
                in_string = !in_string;
            }
            continue;
        }
        if in_string {
            continue;
        }
        match b {
            b')' | b']' | b'}' => depth += 1,
            b'(' | b'[' | b'{' if depth == 0 => return Some(i),
            b'(' | b'[' | b'{' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// `call f(fit.uri)`: arguments of `call` are named.
fn positional_call_argument(file: FileId, text: &str, pos: usize) -> Option<SyntaxError> {
    let open = enclosing_open(text, pos)?;
    if text.as_bytes()[open] != b'(' {
        return None;
    }
    let line_start = text[..open].rfind('\n').map_or(0, |n| n + 1);
    let line = &text[line_start..open];
    let header = line[line.rfind('{').map_or(0, |b| b + 1)..].trim();
    let target = header.strip_prefix("call")?.trim();
    if target.is_empty() || !target.bytes().all(|b| is_word_byte(b) || b == b'.') {
        return None;
    }
    // The argument the error is in: from after `(` or the last `,` to the next `,` or `)`.
    let arg_start = text[open + 1..pos].rfind(',').map_or(open + 1, |c| open + 1 + c + 1);
    let rest = &text[arg_start..];
    let arg_len = rest.find([',', ')', '\n']).unwrap_or(rest.len());
    let arg = rest[..arg_len].trim();
    if arg.is_empty() || arg.contains(':') {
        return None;
    }
    let lead = rest.len() - rest.trim_start().len();
    let span = Span::new(file, arg_start + lead, arg_start + lead + arg.len());
    let name = arg
        .rsplit('.')
        .next()
        .filter(|n| n.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_'))
        .unwrap_or("name");
    Some(SyntaxError::WrittenDifferently {
        message: "the arguments of `call` are named".into(),
        span,
        label: "an argument without a name".into(),
        help: Some(format!(
            "write `{target}({name}: {arg})`: each argument names the parameter it sets"
        )),
    })
}

/// What a `{` opens, from the words before it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Body {
    Step,
    Workflow,
}

fn body_of(text: &str, open: usize) -> Option<Body> {
    if text.as_bytes()[open] != b'{' {
        return None;
    }
    // The header starts after the line break or brace before it, so a step written on the
    // workflow's line (`workflow w { step s {`) is still a step.
    let header_start = text[..open].rfind(['\n', '{', '}']).map_or(0, |n| n + 1);
    let header = text[header_start..open].trim_start();
    let first = header.split(|c: char| !is_word_byte(c as u8)).next()?;
    match first {
        "step" => Some(Body::Step),
        "workflow" | "foreach" | "while" | "if" | "else" => Some(Body::Workflow),
        _ => None,
    }
}

/// A word where a statement or clause starts that is not one: `retires`, `owner`,
/// `for`, `elif`.
fn misplaced_word(file: FileId, text: &str, pos: usize) -> Option<SyntaxError> {
    let word = word_at(text, pos);
    if word.is_empty() || !word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return None;
    }
    let span = Span::new(file, pos, pos + word.len());
    let before = text[..pos].trim_end_matches([' ', '\t']);
    if matches!(word, "elif" | "elsif" | "elseif") && before.ends_with('}') {
        return Some(SyntaxError::WrittenDifferently {
            message: format!("MFlow has no `{word}`: it writes `else if`"),
            span,
            label: "not a keyword".into(),
            help: Some("write `} else if condition {`".into()),
        });
    }
    let at_line_start = before.is_empty() || before.ends_with(['\n', '{']);
    if !at_line_start {
        return None;
    }
    let body = body_of(text, enclosing_open(text, pos)?)?;
    if word == "for" {
        return Some(SyntaxError::WrittenDifferently {
            message: "loops are written `foreach`, not `for`".into(),
            span,
            label: "not a statement".into(),
            help: Some("did you mean `foreach`? Write `foreach x in xs { … }`".into()),
        });
    }
    if is_reserved(word) {
        return None;
    }
    // A real word in the wrong place: a workflow statement in a step, or a clause outside one.
    let in_workflow = workflow_statement_words().any(|w| w == word);
    let in_step = STEP_CLAUSES.contains(&word);
    match body {
        Body::Step if in_workflow && !in_step => {
            return Some(SyntaxError::UnknownWord {
                what: "step clause",
                name: word.to_string(),
                span,
                help: Some(format!(
                    "`{word}` is a statement of the workflow, not of a step: move it out of the step"
                )),
            });
        }
        Body::Workflow if in_step && !in_workflow => {
            return Some(SyntaxError::UnknownWord {
                what: "workflow statement",
                name: word.to_string(),
                span,
                help: Some(format!(
                    "`{word}` is a step clause: put it inside a step, `step name {{ {word} … }}`"
                )),
            });
        }
        Body::Step | Body::Workflow => {}
    }
    let (what, candidates, listing): (&'static str, Vec<&str>, String) = match body {
        Body::Step => (
            "step clause",
            STEP_CLAUSES.to_vec(),
            format!("the clauses of a step are {}", words::list(STEP_CLAUSES)),
        ),
        Body::Workflow => {
            let all: Vec<&str> = workflow_statement_words().collect();
            let listing = format!("the statements of a workflow are {}", words::list(&all));
            ("workflow statement", all, listing)
        }
    };
    // Statement keywords are suggested inside a step too (`let` is a common slip).
    let suggestion = best_match(
        word,
        candidates
            .iter()
            .copied()
            .chain(workflow_statement_words())
            .chain(STEP_CLAUSES.iter().copied()),
    );
    let help = match suggestion {
        Some(s) => format!("did you mean `{s}`? ({listing})"),
        None => listing,
    };
    Some(SyntaxError::UnknownWord {
        what,
        name: word.to_string(),
        span,
        help: Some(help),
    })
}
