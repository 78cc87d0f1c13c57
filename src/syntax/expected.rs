//! Turning pest's "expected rules" into words a user understands.

#![allow(
    clippy::wildcard_enum_match_arm,
    reason = "matches over pest's generated `Rule` enum (about 145 grammar rules) name the rules a pair can hold there; listing the others would bury them"
)]

use pest::error::{ErrorVariant, InputLocation};

use super::error::SyntaxError;
use super::grammar::Rule;
use super::keywords::is_reserved;
use super::span::{FileId, Span};

/// Punctuation worth naming in "expected …" (operators would only add noise).
const STRUCTURAL: &[&str] = &["{", "}", "(", ")", "[", "]", "=", ":", ",", "->", "<", ">"];

/// Words for one grammar rule, or `None` to leave it out of the message.
fn describe(rule: Rule) -> Option<&'static str> {
    use Rule as R;
    Some(match rule {
        R::ident => "a name",
        R::expr
        | R::if_expr
        | R::coalesce
        | R::or_expr
        | R::and_expr
        | R::not_expr
        | R::cmp_expr
        | R::add_expr
        | R::mul_expr
        | R::unary
        | R::postfix
        | R::paren
        | R::list
        | R::braces
        | R::date_lit
        | R::duration_lit
        | R::float_lit
        | R::int_lit
        | R::k_true
        | R::k_false
        | R::k_none => "an expression",
        R::string_lit | R::raw_string => "a string",
        R::type_expr | R::named_type | R::generic_type | R::record_type => "a type",
        R::optional_mark => "`?`",
        R::param_decl
        | R::const_decl
        | R::let_decl
        | R::output_decl
        | R::step
        | R::foreach
        | R::while_loop
        | R::if_stmt
        | R::next_stmt
        | R::concurrency_clause
        | R::strategy_clause
        | R::schedule_clause
        | R::trigger_clause
        | R::tags_clause => "a statement (`param`, `let`, `step`, `foreach`, `if`, `output`, …)",
        R::run_clause
        | R::exec_clause
        | R::call_clause
        | R::sleep_clause
        | R::wait_clause
        | R::env_clause
        | R::dir_clause
        | R::outputs_clause
        | R::image_clause
        | R::resources_clause
        | R::emit_clause
        | R::after_clause
        | R::profile_clause => "a step clause (`run`, `exec`, `call`, `outputs`, `after`, …)",
        R::retry_clause | R::timeout_clause | R::on_failure_clause => "a clause (`retry`, `timeout`, `on_failure`, …)",
        R::import | R::fn_def | R::workflow | R::k_import | R::k_fn | R::k_workflow => "`import`, `fn` or `workflow`",
        R::block => "`{`",
        R::EOI => "the end of the file",
        R::op_coalesce | R::cmp_op | R::add_op | R::mul_op | R::k_and | R::k_or => "an operator",
        R::field_access | R::index | R::call_args => "`.`, `[` or `(`",
        R::arrow => "`->`",
        R::k_as => "`as`",
        R::k_in => "`in`",
        R::k_then => "`then`",
        R::k_if => "`if`",
        R::k_for => "`for`",
        R::c_with => "`with`",
        R::c_limit => "`limit`",
        R::c_signal => "`signal`",
        R::c_concurrency => "`concurrency`",
        R::c_backoff => "`backoff`",
        R::c_on => "`on`",
        R::c_where => "`where`",
        R::c_catchup => "`catchup`",
        R::c_fixed => "`fixed`",
        R::c_since => "`since`",
        R::catchup => "a catch-up policy (`none`, `last` or `all(max: N)`)",
        R::since => "a duration or `run_start`",
        R::named_arg | R::field | R::fields => "a `name: value` pair",
        R::fn_param | R::field_type => "a `name: type` pair",
        R::binding | R::loop_var => "a `name = value` binding",
        R::interp => "an interpolation",
        R::comp_tail | R::list_tail => "`,`, `for` or `]`",
        R::k_else | R::else_if | R::else_block => "`else`",
        _ => return None,
    })
}

/// The token at `pos`, for "found …".
pub(crate) fn found_at(text: &str, pos: usize) -> (String, usize) {
    let rest = &text[pos.min(text.len())..];
    let Some(c) = rest.chars().next() else {
        return ("the end of the file".into(), 0);
    };
    if c.is_ascii_alphanumeric() || c == '_' {
        let len = rest
            .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
            .unwrap_or(rest.len());
        return (format!("`{}`", &rest[..len]), len);
    }
    if c == '\0' {
        return ("a NUL byte".into(), 1);
    }
    if c.is_control() {
        return (format!("the control character U+{:04X}", u32::from(c)), c.len_utf8());
    }
    if c.is_ascii() {
        (format!("`{c}`"), c.len_utf8())
    } else {
        (format!("character `{c}`"), c.len_utf8())
    }
}

/// Translates a pest error on `text` (the slice of the file `full` that starts at offset
/// `base`): a known mistake is explained (`hint.rs`), anything else says what was expected.
pub fn translate(file: FileId, full: &str, base: usize, text: &str, error: &pest::error::Error<Rule>) -> SyntaxError {
    let mut pos = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p,
    };
    // With error detail on, pest knows the furthest position reached and the literal
    // tokens it wanted there (`{`, `=`, …), which its rule list leaves out.
    let mut tokens: Vec<String> = Vec::new();
    if let Some(attempts) = error.parse_attempts() {
        if attempts.max_position >= pos {
            pos = attempts.max_position;
            for t in attempts.expected_tokens() {
                let token = t.to_string();
                if STRUCTURAL.contains(&token.as_str()) && !tokens.contains(&token) {
                    tokens.push(token);
                }
            }
        }
    }
    if let Some(explained) = super::hint::explain(file, full, base + pos) {
        return explained;
    }
    let (found, len) = found_at(text, pos);
    let span = Span::new(file, base + pos, base + pos + len);
    let mut words: Vec<&str> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &error.variant {
        for rule in positives {
            if let Some(w) = describe(*rule) {
                if !words.contains(&w) {
                    words.push(w);
                }
            }
        }
    }
    let first_char = text[pos.min(text.len())..].chars().next();
    if let Some(c) = first_char {
        if !c.is_ascii() || (c.is_control() && !c.is_whitespace()) {
            let help = match c {
                '\u{201c}' | '\u{201d}' => Some("this is a typographic quote; use a plain `\"`".to_string()),
                '\u{2018}' | '\u{2019}' => Some("this is a typographic quote; strings use plain `\"`".to_string()),
                '\0' => Some("the file contains NUL bytes; is it a binary file?".to_string()),
                _ => None,
            };
            return SyntaxError::BadCharacter { found, span, help };
        }
    }
    if words.contains(&"an expression") {
        tokens.retain(|t| !matches!(t.as_str(), "(" | "[" | "{"));
    }
    if !tokens.is_empty() {
        words.retain(|w| !matches!(*w, "an operator" | "`.`, `[` or `(`" | "the end of the file"));
    }
    let token_words: Vec<String> = tokens.iter().map(|t| format!("`{t}`")).collect();
    for t in &token_words {
        words.push(t);
    }
    let expected = match words.len() {
        0 => "something else".to_string(),
        1 => words[0].to_string(),
        n => format!("{} or {}", words[..n - 1].join(", "), words[n - 1]),
    };
    let word = found.trim_matches('`');
    let help = if is_reserved(word) && words.contains(&"a name") {
        Some(format!(
            "`{word}` is a reserved word and cannot be used as a name; pick another one"
        ))
    } else if found == "`=`" && words.contains(&"an operator") {
        Some("to compare values, write `==`".to_string())
    } else if found == "`}`" && words.iter().any(|w| w.contains("expression")) {
        Some("a value is missing before `}`".to_string())
    } else {
        None
    };
    SyntaxError::Unexpected {
        expected,
        found,
        span,
        help,
    }
}
