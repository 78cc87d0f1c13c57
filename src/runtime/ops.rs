//! Operators on values: arithmetic, comparison, indexing, unary minus and `not`.

use std::cmp::Ordering;

use super::error::EvalError;
use super::limits::Budget;
use super::value::Value;
use crate::ir::{BinaryOp, UnaryOp};

const DAY_MS: i64 = 86_400_000;

pub fn unary(op: UnaryOp, v: &Value) -> Result<Value, EvalError> {
    match (op, v) {
        (UnaryOp::Neg, Value::Int(n)) => n.checked_neg().map(Value::Int).ok_or(EvalError::Overflow("-")),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Neg, Value::Duration(d)) => d.checked_neg().map(Value::Duration).ok_or(EvalError::Overflow("-")),
        (UnaryOp::Not, Value::Bool(b)) => Ok(Value::Bool(!b)),
        (op, v) => Err(EvalError::Invalid(format!(
            "`{}` cannot be applied to {}",
            op.symbol(),
            v.to_text()
        ))),
    }
}

/// Orders two values of an ordered type (numbers compare across int and float).
#[must_use]
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    #[allow(clippy::cast_precision_loss)] // int/float comparison, as in arithmetic
    match (a, b) {
        (Value::Int(x), Value::Int(y)) | (Value::Duration(x), Value::Duration(y)) => Some(x.cmp(y)),
        (Value::Float(x), Value::Float(y)) => x.partial_cmp(y),
        (Value::Int(x), Value::Float(y)) => (*x as f64).partial_cmp(y),
        (Value::Float(x), Value::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Value::Str(x), Value::Str(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(_) | Value::Float(_), Value::Int(_) | Value::Float(_)) => compare(a, b) == Some(Ordering::Equal),
        _ => a == b,
    }
}

/// A float result, or an error: arithmetic never produces infinity or NaN
/// (docs/runtime.md, "Numbers").
pub fn finite(f: f64, op: &'static str) -> Result<Value, EvalError> {
    if f.is_nan() {
        Err(EvalError::NotANumber(op))
    } else if f.is_infinite() {
        Err(EvalError::FloatOverflow(op))
    } else {
        Ok(Value::Float(f))
    }
}

fn days(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

fn shift(d: jiff::civil::Date, ms: i64) -> Result<Value, EvalError> {
    let out_of_range = || EvalError::DateRange(format!("{d} shifted by {}", super::value::format_duration(ms)));
    let span = jiff::Span::new().try_days(days(ms)).map_err(|_| out_of_range())?;
    let shifted = d.checked_add(span).map_err(|_| out_of_range())?;
    date(shifted).ok_or_else(out_of_range)
}

/// `d` as a value, if it is in the range a date value may hold (0001-01-01 to 9999-12-31:
/// the dates whose `YYYY-MM-DD` text reads back).
#[must_use]
pub fn date(d: jiff::civil::Date) -> Option<Value> {
    (d.year() >= 1).then_some(Value::Date(d))
}

#[allow(clippy::cast_precision_loss)] // int with float is float arithmetic, as specified
pub fn binary(op: BinaryOp, a: &Value, b: &Value, budget: &Budget) -> Result<Value, EvalError> {
    use Value as V;
    match op {
        BinaryOp::Eq => return Ok(V::Bool(equal(a, b))),
        BinaryOp::Ne => return Ok(V::Bool(!equal(a, b))),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            let ord = compare(a, b).ok_or_else(|| EvalError::Invalid("these values cannot be ordered".into()))?;
            return Ok(V::Bool(match op {
                BinaryOp::Lt => ord == Ordering::Less,
                BinaryOp::Le => ord != Ordering::Greater,
                BinaryOp::Gt => ord == Ordering::Greater,
                BinaryOp::Coalesce
                | BinaryOp::Or
                | BinaryOp::And
                | BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Ge
                | BinaryOp::Add
                | BinaryOp::Sub
                | BinaryOp::Mul
                | BinaryOp::Div
                | BinaryOp::Rem => ord != Ordering::Less,
            }));
        }
        BinaryOp::Coalesce
        | BinaryOp::Or
        | BinaryOp::And
        | BinaryOp::Add
        | BinaryOp::Sub
        | BinaryOp::Mul
        | BinaryOp::Div
        | BinaryOp::Rem => {}
    }
    let sym = op.symbol();
    match (op, a, b) {
        (BinaryOp::Add, V::Int(x), V::Int(y)) => x.checked_add(*y).map(V::Int).ok_or(EvalError::Overflow(sym)),
        (BinaryOp::Sub, V::Int(x), V::Int(y)) => x.checked_sub(*y).map(V::Int).ok_or(EvalError::Overflow(sym)),
        (BinaryOp::Mul, V::Int(x), V::Int(y)) => x.checked_mul(*y).map(V::Int).ok_or(EvalError::Overflow(sym)),
        (BinaryOp::Div | BinaryOp::Rem, V::Int(_), V::Int(0)) => Err(EvalError::DivisionByZero),
        (BinaryOp::Div, V::Int(x), V::Int(y)) => x.checked_div(*y).map(V::Int).ok_or(EvalError::Overflow(sym)),
        (BinaryOp::Rem, V::Int(x), V::Int(y)) => x.checked_rem(*y).map(V::Int).ok_or(EvalError::Overflow(sym)),
        (_, V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => {
            let x = match a {
                V::Int(n) => *n as f64,
                V::Float(f) => *f,
                V::Bool(_)
                | V::Str(_)
                | V::Duration(_)
                | V::Date(_)
                | V::List(_)
                | V::Map(_)
                | V::Record(_)
                | V::None => 0.0,
            };
            let y = match b {
                V::Int(n) => *n as f64,
                V::Float(f) => *f,
                V::Bool(_)
                | V::Str(_)
                | V::Duration(_)
                | V::Date(_)
                | V::List(_)
                | V::Map(_)
                | V::Record(_)
                | V::None => 0.0,
            };
            if matches!(op, BinaryOp::Div | BinaryOp::Rem) && y == 0.0 {
                return Err(EvalError::DivisionByZero);
            }
            finite(
                match op {
                    BinaryOp::Add => x + y,
                    BinaryOp::Sub => x - y,
                    BinaryOp::Mul => x * y,
                    BinaryOp::Div => x / y,
                    BinaryOp::Coalesce
                    | BinaryOp::Or
                    | BinaryOp::And
                    | BinaryOp::Eq
                    | BinaryOp::Ne
                    | BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge
                    | BinaryOp::Rem => x % y,
                },
                sym,
            )
        }
        (BinaryOp::Add, V::Str(x), V::Str(y)) => {
            // Checked before the string is built: a loop doubling a string stops at the limit.
            budget.check_string(x.len().saturating_add(y.len()))?;
            Ok(V::string(format!("{x}{y}")))
        }
        (BinaryOp::Add, V::List(x), V::List(y)) => {
            budget.check_list(x.len().saturating_add(y.len()))?;
            Ok(V::list(x.iter().chain(y.iter()).cloned().collect()))
        }
        (BinaryOp::Add, V::Duration(x), V::Duration(y)) => {
            x.checked_add(*y).map(V::Duration).ok_or(EvalError::Overflow(sym))
        }
        (BinaryOp::Sub, V::Duration(x), V::Duration(y)) => {
            x.checked_sub(*y).map(V::Duration).ok_or(EvalError::Overflow(sym))
        }
        (BinaryOp::Add, V::Date(d), V::Duration(ms)) => shift(*d, *ms),
        (BinaryOp::Sub, V::Date(d), V::Duration(ms)) => shift(*d, ms.checked_neg().ok_or(EvalError::Overflow(sym))?),
        (BinaryOp::Sub, V::Date(x), V::Date(y)) => {
            let n = (*x - *y).get_days();
            i64::from(n)
                .checked_mul(DAY_MS)
                .map(V::Duration)
                .ok_or(EvalError::Overflow(sym))
        }
        _ => Err(EvalError::Invalid(format!("`{sym}` cannot be applied to these values"))),
    }
}

pub fn index(base: &Value, index: &Value) -> Result<Value, EvalError> {
    match (base, index) {
        (Value::List(items), Value::Int(i)) => {
            let len = items.len();
            let at = if *i < 0 {
                i64::try_from(len).ok().and_then(|l| l.checked_add(*i))
            } else {
                Some(*i)
            };
            at.and_then(|a| usize::try_from(a).ok())
                .and_then(|a| items.get(a))
                .cloned()
                .ok_or(EvalError::IndexOutOfRange { index: *i, len })
        }
        (Value::Map(entries), Value::Str(k)) => entries
            .iter()
            .find(|(n, _)| **n == **k)
            .map(|(_, v)| v.clone())
            .ok_or_else(|| EvalError::MissingKey(k.to_string())),
        _ => Err(EvalError::Invalid("this value cannot be indexed".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::limits::Limits;

    /// Each operator that builds a value checks the limits before building it; float
    /// arithmetic never yields infinity or NaN.
    #[test]
    fn every_building_operator_checks() {
        let limits = Limits {
            max_list_len: 5,
            max_string_len: 10,
            ..Limits::default()
        };
        let b = Budget::new(&limits);
        let s = Value::string("abcdef");
        assert!(matches!(
            binary(BinaryOp::Add, &s, &s, &b),
            Err(EvalError::Limit { .. })
        ));
        let l = Value::list(vec![Value::Int(1); 3]);
        assert!(matches!(
            binary(BinaryOp::Add, &l, &l, &b),
            Err(EvalError::Limit { .. })
        ));
        let ok = Value::string("abcde");
        assert_eq!(binary(BinaryOp::Add, &ok, &ok, &b).unwrap().to_text(), "abcdeabcde");
        let big = Value::Float(1e308);
        for op in [BinaryOp::Add, BinaryOp::Mul] {
            assert_eq!(binary(op, &big, &big, &b), Err(EvalError::FloatOverflow(op.symbol())));
        }
        assert_eq!(
            binary(BinaryOp::Sub, &Value::Float(-1e308), &big, &b),
            Err(EvalError::FloatOverflow("-"))
        );
        assert_eq!(
            binary(BinaryOp::Div, &big, &Value::Float(1e-308), &b),
            Err(EvalError::FloatOverflow("/"))
        );
        assert_eq!(
            binary(BinaryOp::Mul, &big, &Value::Int(10), &b),
            Err(EvalError::FloatOverflow("*"))
        );
        let last = Value::Date("9999-12-31".parse().unwrap());
        assert!(matches!(
            binary(BinaryOp::Add, &last, &Value::Duration(86_400_000), &b),
            Err(EvalError::DateRange(_))
        ));
        let first = Value::Date("0001-01-01".parse().unwrap());
        assert!(matches!(
            binary(BinaryOp::Sub, &first, &Value::Duration(86_400_000), &b),
            Err(EvalError::DateRange(_))
        ));
    }
}
