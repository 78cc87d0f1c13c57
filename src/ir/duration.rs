//! Duration text at run time (`90s`, `1h30m`, `500ms`): the same forms as the language's
//! duration literals, parsed by the one literal parser, so the runtime reaches it through
//! the IR and imports nothing from `syntax`.

/// Milliseconds of a duration literal's text, or `None` when it is not one.
#[must_use]
pub fn parse(text: &str) -> Option<i64> {
    crate::syntax::build::parse_duration(text)
}
