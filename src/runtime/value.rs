//! Runtime values, their text and JSON forms, and conversion from launch text and
//! step outputs to declared types.

use std::sync::Arc;

pub use super::error::ConversionError;
use crate::ir::Type;

/// A value at run time. Lists, maps and records are shared (`Arc`), so copying a value
/// into each loop iteration is cheap.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Int(i64),
    Float(f64),
    Bool(bool),
    Str(Arc<str>),
    /// Milliseconds.
    Duration(i64),
    Date(jiff::civil::Date),
    List(Arc<Vec<Value>>),
    /// String keys in insertion order.
    Map(Arc<Vec<(String, Value)>>),
    /// Fields in declared order.
    Record(Arc<Vec<(String, Value)>>),
    None,
}

impl Value {
    pub fn string(s: impl Into<Arc<str>>) -> Value {
        Value::Str(s.into())
    }

    #[must_use]
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(items))
    }

    #[must_use]
    pub fn map(entries: Vec<(String, Value)>) -> Value {
        Value::Map(Arc::new(entries))
    }

    #[must_use]
    pub fn record(fields: Vec<(String, Value)>) -> Value {
        Value::Record(Arc::new(fields))
    }

    /// A field of a record (or an entry of a map).
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Record(f) | Value::Map(f) => f.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            Value::Int(_)
            | Value::Float(_)
            | Value::Bool(_)
            | Value::Str(_)
            | Value::Duration(_)
            | Value::Date(_)
            | Value::List(_)
            | Value::None => None,
        }
    }

    /// The text form used by `str()` and interpolation: ISO dates, durations like
    /// `1h30m`, lists as space-separated words, `none` as the empty string.
    #[must_use]
    pub fn to_text(&self) -> String {
        match self {
            Value::Int(n) => n.to_string(),
            Value::Float(f) => format_float(*f),
            Value::Bool(b) => b.to_string(),
            Value::Str(s) => s.to_string(),
            Value::Duration(ms) => format_duration(*ms),
            Value::Date(d) => d.to_string(),
            Value::List(items) => items.iter().map(Value::to_text).collect::<Vec<_>>().join(" "),
            Value::Map(_) | Value::Record(_) => self.to_json().to_string(),
            Value::None => String::new(),
        }
    }

    /// [`Value::to_text`], or `None` as soon as the text would pass `max` bytes: the text of
    /// a list holding one long string many times is never built.
    #[must_use]
    pub fn to_text_within(&self, max: usize) -> Option<String> {
        let mut out = String::new();
        self.write_text(&mut out, max).then_some(out)
    }

    /// [`Value::to_json`] as text, or `None` as soon as it would pass `max` bytes.
    #[must_use]
    pub fn to_json_text_within(&self, max: usize) -> Option<String> {
        let mut out = String::new();
        self.write_json(&mut out, max).then_some(out)
    }

    fn write_text(&self, out: &mut String, max: usize) -> bool {
        match self {
            Value::List(items) => {
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    if !item.write_text(out, max) {
                        return false;
                    }
                }
                out.len() <= max
            }
            Value::Map(_) | Value::Record(_) => self.write_json(out, max),
            Value::Str(s) => push_within(out, s, max),
            Value::None => true,
            scalar @ (Value::Int(_) | Value::Float(_) | Value::Bool(_) | Value::Duration(_) | Value::Date(_)) => {
                push_within(out, &scalar.to_text(), max)
            }
        }
    }

    fn write_json(&self, out: &mut String, max: usize) -> bool {
        match self {
            Value::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !item.write_json(out, max) {
                        return false;
                    }
                }
                out.push(']');
            }
            Value::Map(entries) | Value::Record(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    if !json_string(out, k, max) {
                        return false;
                    }
                    out.push(':');
                    if !v.write_json(out, max) {
                        return false;
                    }
                }
                out.push('}');
            }
            Value::Str(s) => return json_string(out, s, max),
            scalar @ (Value::Int(_)
            | Value::Float(_)
            | Value::Bool(_)
            | Value::Duration(_)
            | Value::Date(_)
            | Value::None) => return push_within(out, &scalar.to_json().to_string(), max),
        }
        out.len() <= max
    }

    /// The JSON form (`to_json`, `--format json`): dates ISO, durations as text.
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Int(n) => J::from(*n),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(J::Null, J::Number),
            Value::Bool(b) => J::Bool(*b),
            Value::Str(s) => J::String(s.to_string()),
            Value::Duration(ms) => J::String(format_duration(*ms)),
            Value::Date(d) => J::String(d.to_string()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(entries) | Value::Record(entries) => {
                J::Object(entries.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }
            Value::None => J::Null,
        }
    }

    /// Parses launch text (`-p name=value`, `name=value` output lines) as `ty`: scalars
    /// as written, lists, maps and records as JSON.
    pub fn from_text(text: &str, ty: &Type) -> Result<Value, ConversionError> {
        match ty {
            Type::Optional(inner) => {
                if text.is_empty() || text == "none" || text == "null" {
                    Ok(Value::None)
                } else {
                    Value::from_text(text, inner)
                }
            }
            Type::Int => text
                .trim()
                .replace('_', "")
                .parse::<i64>()
                .map(Value::Int)
                .map_err(|_| ConversionError(format!("`{text}` is not an integer"))),
            Type::Float => text
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .map(Value::Float)
                .ok_or_else(|| ConversionError(format!("`{text}` is not a number"))),
            Type::Bool => match text.trim() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(ConversionError(format!("`{text}` is not `true` or `false`"))),
            },
            Type::String | Type::Unknown | Type::Error => Ok(Value::string(text)),
            Type::Duration => parse_duration_text(text.trim())
                .map(Value::Duration)
                .ok_or_else(|| ConversionError(format!("`{text}` is not a duration like `90s` or `1h30m`"))),
            Type::Date => parse_date_text(text.trim())
                .ok_or_else(|| ConversionError(format!("`{text}` is not a date like `2026-11-23`"))),
            Type::List(_) | Type::Map(_) | Type::Record(_) => {
                let json: serde_json::Value =
                    serde_json::from_str(text).map_err(|e| ConversionError(format!("not valid JSON: {e}")))?;
                Value::from_json(&json, ty)
            }
        }
    }

    /// Converts JSON (params files, JSON outputs) to `ty`.
    pub fn from_json(json: &serde_json::Value, ty: &Type) -> Result<Value, ConversionError> {
        use serde_json::Value as J;
        match (ty, json) {
            (Type::Optional(_), J::Null) => Ok(Value::None),
            (Type::Optional(inner), j) => Value::from_json(j, inner),
            (Type::Int, J::Number(n)) => n
                .as_i64()
                .map(Value::Int)
                .ok_or_else(|| ConversionError(format!("{n} is not an integer"))),
            (Type::Float, J::Number(n)) => n
                .as_f64()
                .map(Value::Float)
                .ok_or_else(|| ConversionError(format!("{n} is not a number"))),
            (Type::Bool, J::Bool(b)) => Ok(Value::Bool(*b)),
            (Type::String, J::String(s)) => Ok(Value::string(s.as_str())),
            (Type::Duration | Type::Date | Type::Int | Type::Float | Type::Bool, J::String(s)) => {
                Value::from_text(s, ty)
            }
            (Type::List(inner), J::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, j)| Value::from_json(j, inner).map_err(|e| ConversionError(format!("element {i}: {e}"))))
                .collect::<Result<Vec<_>, _>>()
                .map(Value::list),
            (Type::Map(inner), J::Object(entries)) => entries
                .iter()
                .map(|(k, j)| {
                    Value::from_json(j, inner)
                        .map(|v| (k.clone(), v))
                        .map_err(|e| ConversionError(format!("key `{k}`: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Value::map),
            (Type::Record(fields), J::Object(entries)) => {
                let mut out = Vec::with_capacity(fields.len());
                for (name, t) in fields.iter() {
                    match entries.get(name) {
                        Some(j) => out.push((
                            name.clone(),
                            Value::from_json(j, t).map_err(|e| ConversionError(format!("field `{name}`: {e}")))?,
                        )),
                        None if t.is_optional() => out.push((name.clone(), Value::None)),
                        None => return Err(ConversionError(format!("field `{name}` is missing"))),
                    }
                }
                Ok(Value::record(out))
            }
            (Type::Unknown | Type::Error, j) => Ok(Value::string(j.to_string())),
            (t, j) => Err(ConversionError(format!("expected a `{t}`, found {}", describe_json(j)))),
        }
    }
}

/// Appends `s` unless the result would pass `max` bytes.
fn push_within(out: &mut String, s: &str, max: usize) -> bool {
    if out.len().saturating_add(s.len()) > max {
        return false;
    }
    out.push_str(s);
    true
}

/// Appends `s` as a JSON string unless the result would pass `max` bytes (escaping never
/// makes a string shorter, so the raw length is checked first).
fn json_string(out: &mut String, s: &str, max: usize) -> bool {
    if out.len().saturating_add(s.len()) > max {
        return false;
    }
    push_within(out, &serde_json::Value::from(s).to_string(), max)
}

fn describe_json(j: &serde_json::Value) -> String {
    match j {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("`{b}`"),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the string {s:?}"),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

/// A date written `YYYY-MM-DD`, from 0001-01-01 to 9999-12-31: exactly the text a date
/// prints as, so every date a run records (params, outputs) reads back the same. Other
/// forms jiff would accept (`2026-11-23T10:00`, `+002026-11-23`, year 0 or before) are
/// refused.
#[must_use]
pub fn parse_date_text(text: &str) -> Option<Value> {
    let d = text.parse::<jiff::civil::Date>().ok()?;
    if d.year() < 1 || d.to_string() != text {
        return None;
    }
    Some(Value::Date(d))
}

/// Shortest text that reads back as the same float; always has a `.` or an exponent.
#[must_use]
pub fn format_float(f: f64) -> String {
    let s = format!("{f:?}");
    if s.contains(['.', 'e', 'E', 'n', 'i']) {
        s
    } else {
        format!("{s}.0")
    }
}

/// `5400000` → `1h30m`; `0` → `0s`; sub-second parts as `ms`.
#[must_use]
pub fn format_duration(ms: i64) -> String {
    crate::base::duration::format(ms)
}

/// Duration text like the language's literals (`90s`, `1h30m`, `500ms`), or a plain
/// number of seconds.
#[must_use]
pub fn parse_duration_text(text: &str) -> Option<i64> {
    if let Ok(secs) = text.parse::<i64>() {
        return secs.checked_mul(1000);
    }
    if text.is_empty() || !text.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    crate::base::duration::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_forms() {
        assert_eq!(format_duration(5_400_000), "1h30m");
        assert_eq!(format_duration(500), "500ms");
        assert_eq!(Value::Float(1.0).to_text(), "1.0");
        assert_eq!(Value::list(vec![Value::Int(1), Value::Int(2)]).to_text(), "1 2");
    }

    #[test]
    fn conversions() {
        assert_eq!(Value::from_text("90s", &Type::Duration), Ok(Value::Duration(90_000)));
        assert_eq!(Value::from_text("42", &Type::Int), Ok(Value::Int(42)));
        assert!(Value::from_text("x", &Type::Int).is_err());
        assert_eq!(
            Value::from_text("[\"a\"]", &Type::list(Type::String)),
            Ok(Value::list(vec![Value::string("a")]))
        );
        assert_eq!(
            Value::from_text("2026-11-23", &Type::Date).map(|v| v.to_text()),
            Ok("2026-11-23".to_string())
        );
        // Dates that would not read back as written are refused.
        for bad in [
            "2026-11-23T10:00",
            "+002026-11-23",
            "0000-01-01",
            "-000001-01-01",
            "20261123",
        ] {
            assert!(Value::from_text(bad, &Type::Date).is_err(), "{bad}");
        }
    }
}
