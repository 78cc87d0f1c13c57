//! The built-in functions of LANGUAGE.md §5, over values, within a [`Budget`].

use std::collections::HashMap;
use std::sync::Arc;

use super::error::EvalError;
use super::limits::Budget;
use super::ops::compare;
use super::value::Value;
use crate::ir::Builtin;

/// What built-ins may read: the run's start time and its environment at start.
#[derive(Debug, Clone)]
pub struct EvalContext {
    pub start: jiff::Timestamp,
    pub env: HashMap<String, String>,
}

impl EvalContext {
    /// Captures the current time and environment.
    #[must_use]
    pub fn capture() -> Self {
        Self {
            start: jiff::Timestamp::now(),
            env: std::env::vars().collect(),
        }
    }
}

fn bad(name: &str, what: &str) -> EvalError {
    EvalError::Invalid(format!("`{name}` expects {what}"))
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

fn list(v: &Value) -> Option<&Arc<Vec<Value>>> {
    match v {
        Value::List(l) => Some(l),
        _ => None,
    }
}

fn string_arg<'v>(name: &str, args: &'v [Value], i: usize) -> Result<&'v str, EvalError> {
    args.get(i).and_then(text).ok_or_else(|| bad(name, "string arguments"))
}

fn list_arg<'v>(name: &str, args: &'v [Value], i: usize) -> Result<&'v Arc<Vec<Value>>, EvalError> {
    args.get(i).and_then(list).ok_or_else(|| bad(name, "a list"))
}

fn int_arg(name: &str, args: &[Value], i: usize) -> Result<i64, EvalError> {
    match args.get(i) {
        Some(Value::Int(n)) => Ok(*n),
        _ => Err(bad(name, "`int` arguments")),
    }
}

fn date_arg(name: &str, args: &[Value], i: usize) -> Result<jiff::civil::Date, EvalError> {
    match args.get(i) {
        Some(Value::Date(d)) => Ok(*d),
        _ => Err(bad(name, "`date` arguments")),
    }
}

/// Calls built-in `name`. Positional arguments come first; `named` holds the rest by name.
pub fn call(
    builtin: Builtin,
    mut args: Vec<Value>,
    named: Vec<(String, Value)>,
    ctx: &EvalContext,
    budget: &mut Budget,
) -> Result<Value, EvalError> {
    args.extend(named.into_iter().map(|(_, v)| v));
    let name = builtin.name();
    let a = &args;
    Ok(match builtin {
        Builtin::Len => Value::Int(match a.first() {
            Some(Value::List(l)) => i64::try_from(l.len()).unwrap_or(i64::MAX),
            Some(Value::Map(m)) => i64::try_from(m.len()).unwrap_or(i64::MAX),
            Some(Value::Str(s)) => i64::try_from(s.chars().count()).unwrap_or(i64::MAX),
            _ => return Err(bad(name, "a list, a map or a string")),
        }),
        Builtin::Range => {
            let (start, end) = if a.len() == 1 {
                (0, int_arg(name, a, 0)?)
            } else {
                (int_arg(name, a, 0)?, int_arg(name, a, 1)?)
            };
            let len = usize::try_from(end.saturating_sub(start).max(0)).unwrap_or(usize::MAX);
            budget.check_list(len)?;
            budget.charge(len)?;
            Value::list((start..end.max(start)).map(Value::Int).collect())
        }
        Builtin::Sum => {
            let items = list_arg(name, a, 0)?;
            budget.charge(items.len())?;
            let mut acc = match items.first() {
                Some(Value::Float(_)) => Value::Float(0.0),
                Some(Value::Duration(_)) => Value::Duration(0),
                _ => Value::Int(0),
            };
            for item in items.iter() {
                acc = super::ops::binary(crate::ir::BinaryOp::Add, &acc, item)?;
            }
            acc
        }
        Builtin::Min | Builtin::Max => {
            let items: Vec<Value> = if a.len() == 1 {
                list_arg(name, a, 0)?.to_vec()
            } else {
                a.clone()
            };
            budget.charge(items.len())?;
            let want = if builtin == Builtin::Min {
                std::cmp::Ordering::Less
            } else {
                std::cmp::Ordering::Greater
            };
            let mut best: Option<&Value> = None;
            for item in &items {
                best = match best {
                    Some(b) if compare(item, b) != Some(want) => Some(b),
                    _ => Some(item),
                };
            }
            best.cloned()
                .ok_or_else(|| EvalError::Invalid(format!("`{name}` of an empty list")))?
        }
        Builtin::Sort => {
            let mut items = list_arg(name, a, 0)?.to_vec();
            budget.charge(items.len().saturating_mul(4))?;
            items.sort_by(|x, y| compare(x, y).unwrap_or(std::cmp::Ordering::Equal));
            Value::list(items)
        }
        Builtin::Unique => {
            let items = list_arg(name, a, 0)?;
            budget.charge(items.len())?;
            let mut out: Vec<Value> = Vec::new();
            for item in items.iter() {
                if !out.contains(item) {
                    budget.charge(out.len())?;
                    out.push(item.clone());
                }
            }
            Value::list(out)
        }
        Builtin::Reverse => match a.first() {
            Some(Value::List(l)) => Value::list(l.iter().rev().cloned().collect()),
            Some(Value::Str(s)) => Value::string(s.chars().rev().collect::<String>()),
            _ => return Err(bad(name, "a list or a string")),
        },
        Builtin::Flatten => {
            let items = list_arg(name, a, 0)?;
            let mut out = Vec::new();
            for item in items.iter() {
                match item {
                    Value::List(inner) => out.extend(inner.iter().cloned()),
                    other => out.push(other.clone()),
                }
                budget.check_list(out.len())?;
            }
            budget.charge(out.len())?;
            Value::list(out)
        }
        Builtin::Zip => {
            let x = list_arg(name, a, 0)?;
            let y = list_arg(name, a, 1)?;
            budget.charge(x.len().min(y.len()))?;
            Value::list(
                x.iter()
                    .zip(y.iter())
                    .map(|(p, q)| Value::record(vec![("first".into(), p.clone()), ("second".into(), q.clone())]))
                    .collect(),
            )
        }
        Builtin::Enumerate => {
            let x = list_arg(name, a, 0)?;
            budget.charge(x.len())?;
            Value::list(
                x.iter()
                    .enumerate()
                    .map(|(i, v)| {
                        Value::record(vec![
                            ("index".into(), Value::Int(i64::try_from(i).unwrap_or(i64::MAX))),
                            ("value".into(), v.clone()),
                        ])
                    })
                    .collect(),
            )
        }
        Builtin::Contains => Value::Bool(match (a.first(), a.get(1)) {
            (Some(Value::List(l)), Some(x)) => {
                budget.charge(l.len())?;
                l.contains(x)
            }
            (Some(Value::Str(s)), Some(Value::Str(sub))) => s.contains(&**sub),
            (Some(Value::Map(m)), Some(Value::Str(k))) => m.iter().any(|(n, _)| **n == **k),
            _ => return Err(bad(name, "a list, a map or a string, and a value")),
        }),
        Builtin::Keys | Builtin::Values => match a.first() {
            Some(Value::Map(m)) => {
                if builtin == Builtin::Keys {
                    Value::list(m.iter().map(|(k, _)| Value::string(k.as_str())).collect())
                } else {
                    Value::list(m.iter().map(|(_, v)| v.clone()).collect())
                }
            }
            _ => return Err(bad(name, "a map")),
        },
        Builtin::Join => {
            let items = list_arg(name, a, 0)?;
            let sep = string_arg(name, a, 1)?;
            let out = items.iter().map(Value::to_text).collect::<Vec<_>>().join(sep);
            budget.check_string(out.len())?;
            Value::string(out)
        }
        Builtin::Split => {
            let s = string_arg(name, a, 0)?;
            let sep = string_arg(name, a, 1)?;
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::string(c.to_string())).collect()
            } else {
                s.split(sep).map(Value::string).collect()
            };
            budget.check_list(parts.len())?;
            Value::list(parts)
        }
        Builtin::Trim => Value::string(string_arg(name, a, 0)?.trim()),
        Builtin::Upper => Value::string(string_arg(name, a, 0)?.to_uppercase()),
        Builtin::Lower => Value::string(string_arg(name, a, 0)?.to_lowercase()),
        Builtin::Raw => Value::string(string_arg(name, a, 0)?),
        Builtin::Replace => {
            let s = string_arg(name, a, 0)?;
            let from = string_arg(name, a, 1)?;
            let to = string_arg(name, a, 2)?;
            if from.is_empty() {
                return Err(EvalError::Invalid("`replace` needs a non-empty text to replace".into()));
            }
            let count = s.matches(from).count();
            budget.check_string(s.len().saturating_add(count.saturating_mul(to.len())))?;
            Value::string(s.replace(from, to))
        }
        Builtin::StartsWith => Value::Bool(string_arg(name, a, 0)?.starts_with(string_arg(name, a, 1)?)),
        Builtin::EndsWith => Value::Bool(string_arg(name, a, 0)?.ends_with(string_arg(name, a, 1)?)),
        Builtin::Str => Value::string(a.first().map(Value::to_text).unwrap_or_default()),
        Builtin::Int => {
            match a.first() {
                Some(Value::Int(n)) => Value::Int(*n),
                #[allow(clippy::cast_possible_truncation)] // checked against the range first
                Some(Value::Float(f)) if f.is_finite() && f.abs() < 9.2e18 => Value::Int(f.trunc() as i64),
                Some(Value::Str(s)) => Value::Int(
                    s.trim()
                        .parse()
                        .map_err(|_| EvalError::Conversion(format!("cannot convert {s:?} to an int")))?,
                ),
                Some(v) => {
                    return Err(EvalError::Conversion(format!(
                        "cannot convert {} to an int",
                        v.to_text()
                    )))
                }
                None => return Err(bad(name, "one argument")),
            }
        }
        Builtin::Float => match a.first() {
            #[allow(clippy::cast_precision_loss)] // int to float is the point of this function
            Some(Value::Int(n)) => Value::Float(*n as f64),
            Some(Value::Float(f)) => Value::Float(*f),
            Some(Value::Str(s)) => Value::Float(
                s.trim()
                    .parse::<f64>()
                    .ok()
                    .filter(|f| f.is_finite())
                    .ok_or_else(|| EvalError::Conversion(format!("cannot convert {s:?} to a float")))?,
            ),
            Some(v) => {
                return Err(EvalError::Conversion(format!(
                    "cannot convert {} to a float",
                    v.to_text()
                )))
            }
            None => return Err(bad(name, "one argument")),
        },
        Builtin::FormatDate => {
            let d = date_arg(name, a, 0)?;
            let pattern = string_arg(name, a, 1)?;
            let out = jiff::fmt::strtime::format(pattern, d)
                .map_err(|e| EvalError::Invalid(format!("cannot format with {pattern:?}: {e}")))?;
            Value::string(out)
        }
        Builtin::ParseDate => {
            let s = string_arg(name, a, 0)?;
            let d = match a.get(1) {
                Some(Value::Str(fmt)) => jiff::civil::Date::strptime(&**fmt, s)
                    .map_err(|e| EvalError::Conversion(format!("cannot parse {s:?} as a date with {fmt:?}: {e}")))?,
                _ => s.trim().parse::<jiff::civil::Date>().map_err(|_| {
                    EvalError::Conversion(format!("cannot parse {s:?} as a date (expected YYYY-MM-DD)"))
                })?,
            };
            Value::Date(d)
        }
        Builtin::Today => {
            let zone = match a.first() {
                Some(Value::Str(tz)) => {
                    jiff::tz::TimeZone::get(tz).map_err(|_| EvalError::Invalid(format!("unknown time zone {tz:?}")))?
                }
                _ => jiff::tz::TimeZone::UTC,
            };
            Value::Date(ctx.start.to_zoned_datetime(zone).date())
        }
        Builtin::DatesBetween => {
            let start = date_arg(name, a, 0)?;
            let end = date_arg(name, a, 1)?;
            let days = if end < start { 0 } else { (end - start).get_days() + 1 };
            let len = usize::try_from(days).unwrap_or(0);
            budget.check_list(len)?;
            budget.charge(len)?;
            let mut out = Vec::with_capacity(len);
            let mut d = start;
            for _ in 0..len {
                out.push(Value::Date(d));
                d = d
                    .tomorrow()
                    .map_err(|_| EvalError::Invalid("date out of range".into()))?;
            }
            Value::list(out)
        }
        Builtin::Env => match ctx.env.get(string_arg(name, a, 0)?) {
            Some(v) => Value::string(v.as_str()),
            None => Value::None,
        },
        Builtin::ToJson => {
            let out = a.first().map(|v| v.to_json().to_string()).unwrap_or_default();
            budget.check_string(out.len())?;
            Value::string(out)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::limits::Limits;

    fn run(name: &str, args: Vec<Value>) -> Result<Value, EvalError> {
        let ctx = EvalContext::capture();
        let mut budget = Budget::new(&Limits::default());
        let builtin = Builtin::from_name(name).expect("a built-in");
        call(builtin, args, Vec::new(), &ctx, &mut budget)
    }

    #[test]
    fn range_fails_fast_on_huge_lists() {
        let start = std::time::Instant::now();
        let r = run("range", vec![Value::Int(0), Value::Int(1_000_000_000_000)]);
        assert!(matches!(r, Err(EvalError::Limit(_))));
        assert!(start.elapsed().as_millis() < 100);
    }

    #[test]
    fn dates_and_lists() {
        let d = |s: &str| Value::Date(s.parse().unwrap());
        let r = run("dates_between", vec![d("2026-11-20"), d("2026-11-23")]).unwrap();
        assert_eq!(r.to_text(), "2026-11-20 2026-11-21 2026-11-22 2026-11-23");
        assert_eq!(
            run("format_date", vec![d("2026-11-23"), Value::string("%Y%m%d")])
                .unwrap()
                .to_text(),
            "20261123"
        );
        assert_eq!(
            run("sum", vec![Value::list(vec![Value::Int(1), Value::Int(2)])]).unwrap(),
            Value::Int(3)
        );
        assert_eq!(
            run(
                "max",
                vec![Value::list(vec![Value::Int(1), Value::Int(7), Value::Int(2)])]
            )
            .unwrap(),
            Value::Int(7)
        );
        assert_eq!(run("range", vec![Value::Int(3)]).unwrap().to_text(), "0 1 2");
        assert!(run("int", vec![Value::string("x1")]).is_err());
    }
}
