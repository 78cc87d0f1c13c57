//! Duration text at run time (`90s`, `1h30m`, `500ms`): the same forms as the language's
//! duration literals, parsed by the one literal parser (which the checker exposes), so the
//! runtime reaches it through the IR and imports nothing from `syntax` or `check`.

/// Milliseconds of a duration literal's text, or `None` when it is not one.
#[must_use]
pub fn parse(text: &str) -> Option<i64> {
    crate::check::parse_duration(text)
}
