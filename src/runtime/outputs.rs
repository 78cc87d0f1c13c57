//! Reading a step's outputs from the file named by `$MFLOW_OUTPUTS`: `name=value` lines
//! or one JSON object, converted to the declared types.

use std::path::PathBuf;

use super::regular::{self, ReadError};
use super::value::Value;
use crate::ir::Type;

/// Why the outputs could not be read; the step fails with this message.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OutputError {
    #[error("the step declares outputs but wrote none to $MFLOW_OUTPUTS (missing: {0})")]
    NoFile(String),
    #[error("output `{0}` is missing from $MFLOW_OUTPUTS")]
    Missing(String),
    #[error("output `{name}` should be `{ty}`: {reason}")]
    Mistyped { name: String, ty: String, reason: String },
    #[error("$MFLOW_OUTPUTS is not valid: {0}")]
    Malformed(String),
    #[error("$MFLOW_OUTPUTS ({path}) {why}")]
    Unreadable { path: String, why: ReadError },
    #[error("$MFLOW_OUTPUTS is not UTF-8 text (invalid byte at offset {0})")]
    NotUtf8(usize),
    #[error("$MFLOW_OUTPUTS starts with a byte order mark (BOM); write it as UTF-8 without a BOM")]
    Bom,
}

/// The default of `--max-outputs-size`: 16 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 16 << 20;

/// Reads the declared outputs, at most `limit` bytes of a regular file, off the runtime's
/// thread (a FIFO or `/dev/zero` there fails the step instead of freezing or exhausting
/// `maestroc`). Extra names in the file are ignored.
pub async fn read(path: PathBuf, declared: &[(String, Type)], limit: u64) -> Result<Vec<(String, Value)>, OutputError> {
    if declared.is_empty() {
        return Ok(Vec::new());
    }
    let shown = path.display().to_string();
    let bytes = match regular::read(path, limit).await {
        Ok(bytes) => Some(bytes),
        Err(ReadError::Missing) => None,
        Err(why) => return Err(OutputError::Unreadable { path: shown, why }),
    };
    let Some(bytes) = bytes else {
        let names: Vec<String> = declared
            .iter()
            .filter(|(_, t)| !t.is_optional())
            .map(|(n, _)| format!("`{n}`"))
            .collect();
        if names.is_empty() {
            return Ok(declared.iter().map(|(n, _)| (n.clone(), Value::None)).collect());
        }
        return Err(OutputError::NoFile(names.join(", ")));
    };
    parse(&text(&bytes)?, declared)
}

/// The file's bytes as text: UTF-8 without a byte order mark.
fn text(bytes: &[u8]) -> Result<String, OutputError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) || bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(OutputError::Bom);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_string()),
        Err(e) => Err(OutputError::NotUtf8(e.valid_up_to())),
    }
}

/// Parses outputs text (see [`read`]).
pub fn parse(text: &str, declared: &[(String, Type)]) -> Result<Vec<(String, Value)>, OutputError> {
    let trimmed = text.trim_start();
    let mut out = Vec::with_capacity(declared.len());
    if trimmed.starts_with('{') {
        let json: serde_json::Value =
            serde_json::from_str(trimmed).map_err(|e| OutputError::Malformed(e.to_string()))?;
        let serde_json::Value::Object(map) = json else {
            return Err(OutputError::Malformed("expected one JSON object".into()));
        };
        for (name, ty) in declared {
            match map.get(name) {
                Some(j) => out.push((
                    name.clone(),
                    Value::from_json(j, ty).map_err(|reason| mistyped(name, ty, reason.0))?,
                )),
                None if ty.is_optional() => out.push((name.clone(), Value::None)),
                None => return Err(OutputError::Missing(name.clone())),
            }
        }
        return Ok(out);
    }
    let mut lines: Vec<(&str, &str)> = Vec::new();
    for line in text.lines() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            return Err(OutputError::Malformed(format!(
                "line {} is not `name=value`",
                excerpt(line)
            )));
        };
        lines.push((name.trim(), value));
    }
    for (name, ty) in declared {
        // The last line for a name wins.
        match lines.iter().rev().find(|(n, _)| n == name) {
            Some((_, value)) => out.push((
                name.clone(),
                Value::from_text(value, ty).map_err(|reason| mistyped(name, ty, reason.0))?,
            )),
            None if ty.is_optional() => out.push((name.clone(), Value::None)),
            None => return Err(OutputError::Missing(name.clone())),
        }
    }
    Ok(out)
}

/// A line quoted in a message: at most 80 characters of it.
fn excerpt(line: &str) -> String {
    const MAX: usize = 80;
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{:?}…", &line[..cut]),
        None => format!("{line:?}"),
    }
}

fn mistyped(name: &str, ty: &Type, reason: String) -> OutputError {
    OutputError::Mistyped {
        name: name.to_string(),
        ty: ty.to_string(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decl() -> Vec<(String, Type)> {
        vec![("rows".into(), Type::Int), ("path".into(), Type::String)]
    }

    #[test]
    fn lines_and_json() {
        let v = parse("rows=42\npath=/tmp/x\n", &decl()).unwrap();
        assert_eq!(v[0].1, Value::Int(42));
        let v = parse("{\"rows\": 7, \"path\": \"p\"}", &decl()).unwrap();
        assert_eq!(v[1].1, Value::string("p"));
    }

    #[test]
    fn errors_name_the_output() {
        assert_eq!(parse("path=x\n", &decl()), Err(OutputError::Missing("rows".into())));
        let e = parse("rows=many\npath=x", &decl()).unwrap_err();
        assert!(e.to_string().contains("`rows` should be `int`"), "{e}");
    }

    #[test]
    fn bom_and_non_utf8_are_named() {
        assert_eq!(text(b"\xEF\xBB\xBFrows=1"), Err(OutputError::Bom));
        assert_eq!(text(b"rows=\xFF"), Err(OutputError::NotUtf8(5)));
        assert_eq!(text(b"rows=1").unwrap(), "rows=1");
    }
}
