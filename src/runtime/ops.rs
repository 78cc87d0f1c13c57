//! Operators on values: arithmetic, comparison, indexing, unary minus and `not`.

use std::cmp::Ordering;

use super::error::EvalError;
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

fn days(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

fn shift(d: jiff::civil::Date, ms: i64) -> Result<Value, EvalError> {
    let span = jiff::Span::new()
        .try_days(days(ms))
        .map_err(|_| EvalError::Overflow("date arithmetic"))?;
    d.checked_add(span)
        .map(Value::Date)
        .map_err(|_| EvalError::Invalid("the date is out of range".into()))
}

#[allow(clippy::cast_precision_loss)] // int with float is float arithmetic, as specified
pub fn binary(op: BinaryOp, a: &Value, b: &Value) -> Result<Value, EvalError> {
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
                _ => ord != Ordering::Less,
            }));
        }
        _ => {}
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
                _ => 0.0,
            };
            let y = match b {
                V::Int(n) => *n as f64,
                V::Float(f) => *f,
                _ => 0.0,
            };
            if matches!(op, BinaryOp::Div | BinaryOp::Rem) && y == 0.0 {
                return Err(EvalError::DivisionByZero);
            }
            Ok(V::Float(match op {
                BinaryOp::Add => x + y,
                BinaryOp::Sub => x - y,
                BinaryOp::Mul => x * y,
                BinaryOp::Div => x / y,
                _ => x % y,
            }))
        }
        (BinaryOp::Add, V::Str(x), V::Str(y)) => Ok(V::string(format!("{x}{y}"))),
        (BinaryOp::Add, V::List(x), V::List(y)) => Ok(V::list(x.iter().chain(y.iter()).cloned().collect())),
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
