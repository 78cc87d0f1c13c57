//! Syntax diagnostics (E001x–E002x), in the user's words, never the grammar's.

use miette::Diagnostic;
use thiserror::Error;

use super::span::Span;

#[derive(Debug, Error, Diagnostic)]
pub enum SyntaxError {
    #[error("expected {expected}, found {found}")]
    #[diagnostic(code(E0010))]
    Unexpected {
        expected: String,
        found: String,
        #[label("expected {expected}")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("unterminated string")]
    #[diagnostic(code(E0011), help("add the closing `\"`"))]
    UnterminatedString {
        #[label("this string is never closed")]
        span: Span,
    },

    #[error("unterminated block comment")]
    #[diagnostic(code(E0012), help("close it with `*/` (block comments do not nest)"))]
    UnterminatedComment {
        #[label("this comment is never closed")]
        span: Span,
    },

    #[error("expected `{close}` to close {what}")]
    #[diagnostic(code(E0013))]
    Unclosed {
        close: char,
        what: String,
        #[label("{what} opened here")]
        open: Span,
        #[label("the file ends here")]
        end: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{what} is not closed")]
    #[diagnostic(code(E0013))]
    UnclosedByIndent {
        what: String,
        #[label("this `{{` is not closed")]
        open: Span,
        #[label("{close_label}")]
        close: Span,
        close_label: String,
        #[help]
        help: Option<String>,
    },

    #[error("mismatched `{found}`")]
    #[diagnostic(code(E0014))]
    Mismatched {
        found: char,
        #[label("expected `{expected}` here")]
        span: Span,
        expected: char,
        #[label("to close this `{open_char}`")]
        open: Span,
        open_char: char,
    },

    #[error("unexpected `{found}`")]
    #[diagnostic(code(E0015), help("there is no opening bracket for it; remove it"))]
    UnmatchedClose {
        found: char,
        #[label("nothing to close")]
        span: Span,
    },

    #[error("nesting too deep: more than {limit} levels")]
    #[diagnostic(
        code(E0016),
        help("split the expression or the workflow into smaller pieces with `let` or `fn`")
    )]
    TooDeep {
        limit: usize,
        #[label("nested too deeply here")]
        span: Span,
    },

    #[error("unknown escape `\\{escape}` in a string")]
    #[diagnostic(
        code(E0017),
        help("the escapes are `\\n` `\\t` `\\\\` `\\\"` and `\\$`; for backslashes, use a raw string `r\"…\"`")
    )]
    BadEscape {
        escape: String,
        #[label("unknown escape")]
        span: Span,
    },

    #[error("number `{text}` is too large")]
    #[diagnostic(code(E0018), help("integers are 64-bit: at most 9223372036854775807"))]
    NumberTooLarge {
        text: String,
        #[label("does not fit in an `int`")]
        span: Span,
    },

    #[error("invalid date `{text}`: {reason}")]
    #[diagnostic(code(E0019), help("dates are written `YYYY-MM-DD`, like `2026-11-23`"))]
    BadDate {
        text: String,
        reason: String,
        #[label("not a date")]
        span: Span,
    },

    #[error("duration `{text}` is too long")]
    #[diagnostic(code(E0020), help("durations are counted in milliseconds as 64-bit integers"))]
    DurationTooLong {
        text: String,
        #[label("too long")]
        span: Span,
    },

    #[error("unknown {what} `{name}`")]
    #[diagnostic(code(E0021))]
    UnknownWord {
        what: &'static str,
        name: String,
        #[label("not a {what}")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0022))]
    BadLiteral {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("positional argument after a named argument")]
    #[diagnostic(code(E0023), help("write positional arguments first: `f(a, b, name: c)`"))]
    PositionalAfterNamed {
        #[label("positional")]
        span: Span,
        #[label("named argument before it")]
        named: Span,
    },

    #[error("expression too deeply nested or too long")]
    #[diagnostic(code(E0024), help("split it into smaller parts with `let`"))]
    ExprTooDeep {
        #[label("more than {limit} levels of operators here")]
        span: Span,
        limit: usize,
    },

    #[error("unexpected {found}")]
    #[diagnostic(code(E0025))]
    BadCharacter {
        found: String,
        #[label("not part of MFlow's syntax")]
        span: Span,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0026))]
    WrittenDifferently {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },

    #[error("{message}")]
    #[diagnostic(code(E0027))]
    BadCatchup {
        message: String,
        #[label("{label}")]
        span: Span,
        label: String,
        #[help]
        help: Option<String>,
    },
}
