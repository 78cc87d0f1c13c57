//! Injection-safe interpolation into `run` commands (docs/runtime.md, "Processes").

use std::borrow::Cow;

use super::error::EvalError;
use super::value::Value;

fn is_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "@%+=:,./_-".contains(c)
}

/// One shell word: as is when every character is safe, else single-quoted.
#[must_use]
pub fn quote_word(s: &str) -> Cow<'_, str> {
    if s.is_empty() {
        return Cow::Borrowed("''");
    }
    if s.chars().all(is_safe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(format!("'{}'", s.replace('\'', "'\"'\"'")))
}

/// The shell text for an interpolated value: one word, one word per list element, or
/// the text verbatim for `raw(…)`.
pub fn render_value_for_shell(v: &Value, raw: bool) -> Result<String, EvalError> {
    if raw {
        return Ok(v.to_text());
    }
    match v {
        Value::List(items) => Ok(items
            .iter()
            .map(|item| match item {
                Value::List(_) | Value::Map(_) | Value::Record(_) => {
                    Err(EvalError::Invalid("only lists of scalars can be interpolated".into()))
                }
                scalar @ (Value::Int(_)
                | Value::Float(_)
                | Value::Bool(_)
                | Value::Str(_)
                | Value::Duration(_)
                | Value::Date(_)
                | Value::None) => Ok(quote_word(&scalar.to_text()).into_owned()),
            })
            .collect::<Result<Vec<_>, _>>()?
            .join(" ")),
        Value::Map(_) | Value::Record(_) => Err(EvalError::Invalid(
            "maps and records cannot be interpolated; use `to_json(…)`".into(),
        )),
        scalar @ (Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::Str(_)
        | Value::Duration(_)
        | Value::Date(_)
        | Value::None) => Ok(quote_word(&scalar.to_text()).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nasty_strings_reach_the_shell_as_text() {
        let nasty = [
            "plain",
            "with space",
            "it's",
            "$(touch /tmp/pwned)",
            "`id`",
            "a;b",
            "new\nline",
            "*",
            "\"quoted\"",
            "",
            "naïve ☃",
            "--flag=1",
            "'",
            "\\",
        ];
        for s in nasty {
            let script = format!("printf '%s' {}", quote_word(s));
            let out = std::process::Command::new("/bin/sh")
                .arg("-c")
                .arg(&script)
                .output()
                .unwrap();
            assert_eq!(String::from_utf8_lossy(&out.stdout), s, "{script}");
        }
    }

    #[test]
    fn lists_are_one_word_per_element() {
        let v = Value::list(vec![Value::string("a b"), Value::string("c")]);
        assert_eq!(render_value_for_shell(&v, false).unwrap(), "'a b' c");
        assert_eq!(render_value_for_shell(&Value::string("a b"), true).unwrap(), "a b");
    }
}
