//! Why an evaluation failed; the evaluator adds the span.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq)]
pub enum EvalError {
    #[error("division by zero")]
    DivisionByZero,
    #[error("index {index} is out of range for a list of {len} element(s)")]
    IndexOutOfRange { index: i64, len: usize },
    #[error("the map has no key {0:?}")]
    MissingKey(String),
    #[error("integer overflow in `{0}`")]
    Overflow(&'static str),
    #[error("{0}")]
    Conversion(String),
    #[error("limit exceeded: {0}")]
    Limit(String),
    #[error("{0}")]
    Invalid(String),
}
