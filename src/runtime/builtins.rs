//! The built-in functions (declared once in `check::builtins`; docs/language.md), over values, within a [`Budget`].

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
        Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::Duration(_)
        | Value::Date(_)
        | Value::List(_)
        | Value::Map(_)
        | Value::Record(_)
        | Value::None => None,
    }
}

fn list(v: &Value) -> Option<&Arc<Vec<Value>>> {
    match v {
        Value::List(l) => Some(l),
        Value::Int(_)
        | Value::Float(_)
        | Value::Bool(_)
        | Value::Str(_)
        | Value::Duration(_)
        | Value::Date(_)
        | Value::Map(_)
        | Value::Record(_)
        | Value::None => None,
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
/// Every value a built-in builds is within the limits (E0540): those that could grow past
/// them check before building, and every result is checked once more.
pub fn call(
    builtin: Builtin,
    args: Vec<Value>,
    named: Vec<(String, Value)>,
    ctx: &EvalContext,
    budget: &mut Budget,
) -> Result<Value, EvalError> {
    let out = build(builtin, args, named, ctx, budget)?;
    budget.check_value(&out)?;
    Ok(out)
}

/// The largest a string can grow when its case changes (`ß` → `SS`, `ȿ` → `Ȿ`): three
/// times its bytes.
const CASE_GROWTH: usize = 3;

/// A `fmt::Write` that refuses to grow past `max` bytes.
struct Capped {
    text: String,
    max: usize,
    /// Set when a write was refused.
    over: bool,
}

impl std::fmt::Write for Capped {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.text.len().saturating_add(s.len()) > self.max {
            self.over = true;
            return Err(std::fmt::Error);
        }
        self.text.push_str(s);
        Ok(())
    }
}

fn date_range(what: String) -> EvalError {
    EvalError::DateRange(what)
}

fn build(
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
                acc = super::ops::binary(crate::ir::BinaryOp::Add, &acc, item, budget)?;
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
                    other @ (Value::Int(_)
                    | Value::Float(_)
                    | Value::Bool(_)
                    | Value::Str(_)
                    | Value::Duration(_)
                    | Value::Date(_)
                    | Value::Map(_)
                    | Value::Record(_)
                    | Value::None) => out.push(other.clone()),
                }
                budget.check_list(out.len())?;
            }
            budget.charge(out.len())?;
            Value::list(out)
        }
        Builtin::Zip => {
            let x = list_arg(name, a, 0)?;
            let y = list_arg(name, a, 1)?;
            budget.check_list(x.len().min(y.len()))?;
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
            budget.check_list(x.len())?;
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
                budget.check_list(m.len())?;
                budget.charge(m.len())?;
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
            budget.charge(items.len())?;
            let mut out = String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    budget.check_string(out.len().saturating_add(sep.len()))?;
                    out.push_str(sep);
                }
                let max = budget.limits.max_string_len.saturating_sub(out.len());
                match item.to_text_within(max) {
                    Some(t) => out.push_str(&t),
                    None => budget.check_string(budget.limits.max_string_len.saturating_add(1))?,
                }
            }
            Value::string(out)
        }
        Builtin::Split => {
            let s = string_arg(name, a, 0)?;
            let sep = string_arg(name, a, 1)?;
            let count = if sep.is_empty() {
                s.chars().count()
            } else {
                s.matches(sep).count().saturating_add(1)
            };
            budget.check_list(count)?;
            budget.charge(count)?;
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::string(c.to_string())).collect()
            } else {
                s.split(sep).map(Value::string).collect()
            };
            Value::list(parts)
        }
        Builtin::Trim => Value::string(string_arg(name, a, 0)?.trim()),
        Builtin::Upper | Builtin::Lower => {
            let s = string_arg(name, a, 0)?;
            if s.len().saturating_mul(CASE_GROWTH) > budget.limits.max_string_len {
                // Only a string near the limit can pass it: measure before building.
                let grown: usize = s
                    .chars()
                    .map(|c| {
                        if builtin == Builtin::Upper {
                            c.to_uppercase().map(char::len_utf8).sum::<usize>()
                        } else {
                            c.to_lowercase().map(char::len_utf8).sum::<usize>()
                        }
                    })
                    .sum();
                budget.check_string(grown)?;
            }
            Value::string(if builtin == Builtin::Upper {
                s.to_uppercase()
            } else {
                s.to_lowercase()
            })
        }
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
        Builtin::Str => Value::string(match a.first() {
            Some(v) => budget.text(v)?,
            None => String::new(),
        }),
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
            // Written through a writer that stops at the limit: a pattern repeating a
            // directive never builds more than the limit allows.
            let mut out = Capped {
                text: String::new(),
                max: budget.limits.max_string_len,
                over: false,
            };
            let formatted =
                jiff::fmt::strtime::BrokenDownTime::from(d).format(pattern, jiff::fmt::StdFmtWrite(&mut out));
            if out.over {
                return Err(budget.too_long());
            }
            formatted.map_err(|e| EvalError::Invalid(format!("cannot format with {pattern:?}: {e}")))?;
            Value::string(out.text)
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
            super::ops::date(d).ok_or_else(|| date_range(format!("{s:?} parses as {d}")))?
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
                if d < end {
                    d = d.tomorrow().map_err(|_| date_range(format!("the day after {d}")))?;
                }
            }
            Value::list(out)
        }
        Builtin::Env => match ctx.env.get(string_arg(name, a, 0)?) {
            Some(v) => Value::string(v.as_str()),
            None => Value::None,
        },
        Builtin::ToJson => {
            let out = match a.first() {
                Some(v) => budget.json(v)?,
                None => String::new(),
            };
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
        call(
            Builtin::from_name(name).expect("a built-in"),
            args,
            Vec::new(),
            &ctx,
            &mut budget,
        )
    }

    fn small(name: &str, args: Vec<Value>) -> Result<Value, EvalError> {
        let ctx = EvalContext::capture();
        let limits = Limits {
            max_list_len: 5,
            max_string_len: 10,
            ..Limits::default()
        };
        call(
            Builtin::from_name(name).expect("a built-in"),
            args,
            Vec::new(),
            &ctx,
            &mut Budget::new(&limits),
        )
    }

    fn ints(n: i64) -> Value {
        Value::list((0..n).map(Value::Int).collect())
    }

    fn strs(items: &[&str]) -> Value {
        Value::list(items.iter().map(|s| Value::string(*s)).collect())
    }

    /// Every built-in that builds a string, a list or a map stays within the limits (E0540),
    /// each with an input just past them.
    #[test]
    fn every_building_builtin_checks_the_limits() {
        let d = Value::Date("2026-11-23".parse().unwrap());
        let six_entries = Value::map((0..6).map(|i| (format!("k{i}"), Value::Int(i))).collect());
        let cases: Vec<(&str, Vec<Value>)> = vec![
            ("range", vec![Value::Int(0), Value::Int(6)]),
            ("flatten", vec![Value::list(vec![ints(3), ints(3)])]),
            ("zip", vec![ints(6), ints(6)]),
            ("enumerate", vec![ints(6)]),
            ("keys", vec![six_entries.clone()]),
            ("values", vec![six_entries]),
            ("join", vec![strs(&["aaaaaa", "bbbbbb"]), Value::string("")]),
            ("split", vec![Value::string("a,a,a,a,a,a"), Value::string(",")]),
            ("upper", vec![Value::string("ȿȿȿȿȿ")]),
            ("lower", vec![Value::string("ȺȺȺȺȺ")]),
            (
                "replace",
                vec![Value::string("aaaaaa"), Value::string("a"), Value::string("bb")],
            ),
            ("str", vec![strs(&["aa", "aa", "aa", "aa"])]),
            ("to_json", vec![strs(&["aaaa", "bbbb"])]),
            ("format_date", vec![d.clone(), Value::string("%Y%Y%Y")]),
            (
                "dates_between",
                vec![d.clone(), Value::Date("2026-12-23".parse().unwrap())],
            ),
        ];
        for (name, args) in cases {
            let r = small(name, args);
            assert!(matches!(r, Err(EvalError::Limit { .. })), "{name}: {r:?}");
        }
        // Just within the limits, the same built-ins work.
        assert_eq!(
            small("format_date", vec![d, Value::string("%Y%m%d")])
                .unwrap()
                .to_text(),
            "20261123"
        );
        assert_eq!(small("upper", vec![Value::string("abc")]).unwrap().to_text(), "ABC");
        assert_eq!(
            small("join", vec![strs(&["a", "b"]), Value::string("-")])
                .unwrap()
                .to_text(),
            "a-b"
        );
    }

    #[test]
    fn sums_and_dates_out_of_range_are_errors() {
        let huge = Value::list(vec![Value::Float(1e308), Value::Float(1e308)]);
        assert_eq!(run("sum", vec![huge]), Err(EvalError::FloatOverflow("+")));
        assert!(matches!(
            run("parse_date", vec![Value::string("0000-01-01")]),
            Err(EvalError::DateRange(_))
        ));
    }

    #[test]
    fn range_fails_fast_on_huge_lists() {
        let start = std::time::Instant::now();
        let r = run("range", vec![Value::Int(0), Value::Int(1_000_000_000_000)]);
        assert!(matches!(r, Err(EvalError::Limit { .. })));
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
