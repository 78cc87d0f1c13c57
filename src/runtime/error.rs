//! What can go wrong while a run starts or runs.
//!
//! [`EvalError`] says why one evaluation failed (the evaluator adds the span, see
//! `eval::Failure`); [`RuntimeError`] is every error the runtime reports, each a
//! `miette::Diagnostic` with a stable code (`docs/errors/E05xx.md`), the `.mflow` span as a
//! label where there is one, and a help line when a fix is known.

use miette::Diagnostic;
use thiserror::Error;

use crate::base::span::Span;

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
    /// A float result that is infinite: arithmetic never produces infinity.
    #[error("float overflow in `{0}`: the result is too large for a float")]
    FloatOverflow(&'static str),
    /// A float result that is not a number. Values are always finite (every operation
    /// checks), so only an operation of IEEE's own making could produce one; it is an error
    /// all the same, never `NaN.0` in a command.
    #[error("`{0}` has no numeric result (NaN)")]
    NotANumber(&'static str),
    /// A date before 0001-01-01 or after 9999-12-31 (dates must read back as `YYYY-MM-DD`).
    #[error("date out of range: {0} (dates run from 0001-01-01 to 9999-12-31)")]
    DateRange(String),
    #[error("{0}")]
    Conversion(String),
    /// A limit of the run passed; `flag` raises it.
    #[error("limit exceeded: {message}")]
    Limit { message: String, flag: &'static str },
    /// The run was interrupted (SIGINT, SIGTERM) while this expression was evaluated.
    #[error("interrupted while evaluating this expression")]
    Interrupted,
    /// `fn` calls nested deeper than the runtime allows.
    #[error("`fn` calls nested more than {0} deep")]
    CallDepth(usize),
    #[error("{0}")]
    Invalid(String),
}

impl EvalError {
    /// What the user can do about it, when something is known.
    #[must_use]
    pub fn help(&self) -> Option<String> {
        match self {
            EvalError::DivisionByZero => Some("check the divisor first, e.g. `if d == 0 { … } else { n / d }`".into()),
            EvalError::IndexOutOfRange { .. } => Some("check `len(…)` first, or iterate with `foreach`".into()),
            EvalError::Overflow(_) => Some("integers are 64-bit; use a `float` for larger values".into()),
            EvalError::FloatOverflow(_) | EvalError::NotANumber(_) => {
                Some("floats are 64-bit and never infinite or NaN; scale the values down".into())
            }
            EvalError::Limit { flag, .. } => Some(format!("raise it with `{flag} N` if this much is intended")),
            EvalError::CallDepth(_) => Some("make the chain of `fn` calls shorter".into()),
            EvalError::MissingKey(_)
            | EvalError::DateRange(_)
            | EvalError::Conversion(_)
            | EvalError::Interrupted
            | EvalError::Invalid(_) => None,
        }
    }
}

/// A value given at launch (`-p`, a params file) or read from a step's outputs or a
/// signal's payload that does not fit its declared type: what was found, in the user's
/// words (`` `x` is not an integer``, ``field `day`: expected a `date`…``).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{0}")]
pub struct ConversionError(pub String);

/// An error of the runtime, rendered like a compile error (`error[E0540]: …`).
#[derive(Debug, Error, Diagnostic)]
pub enum RuntimeError {
    #[error("{message}")]
    #[diagnostic(code(E0540))]
    Evaluation {
        message: String,
        #[label("in {instance}")]
        span: Span,
        instance: String,
        #[help]
        help: Option<String>,
    },
    #[error("`while` loop {label} passed its limit of {limit} iterations")]
    #[diagnostic(
        code(E0541),
        help("raise it with `limit N` in the loop header if more iterations are expected")
    )]
    LoopLimit {
        label: String,
        limit: i64,
        #[label("this loop")]
        span: Span,
    },
    /// A setting whose value comes from a param (or a const) and can never work, found at
    /// launch before anything runs: the same code as the literal case at check time.
    #[error("`{setting}` is {value}, {why}")]
    #[diagnostic(code(E0210))]
    InvalidSetting {
        setting: &'static str,
        value: String,
        why: &'static str,
        #[label("this value")]
        span: Span,
        #[help]
        help: Option<String>,
    },
    /// The run would create more step instances than `--max-instances`.
    #[error("{what} would make the run more than {limit} step instances")]
    #[diagnostic(
        code(E0542),
        help("raise the limit with `--max-instances N`, or make the loop smaller")
    )]
    TooManyInstances {
        what: String,
        limit: u64,
        #[label("{label}")]
        span: Span,
        label: String,
    },
    /// Subworkflow `call`s nested deeper than the runtime allows.
    #[error("subworkflow calls nested more than {limit} deep")]
    #[diagnostic(code(E0543), help("make the chain of `call`ed workflows shorter"))]
    CallDepth {
        limit: usize,
        #[label("this call")]
        span: Span,
    },
    /// The run could not be started or recorded: the store, the run directory, a lease.
    #[error("{message}")]
    #[diagnostic(code(E0544))]
    Start {
        message: String,
        #[help]
        help: Option<String>,
    },
}

impl RuntimeError {
    /// An error about the run store or the run directory, without a help line.
    pub fn start(message: impl std::fmt::Display) -> Self {
        RuntimeError::Start {
            message: message.to_string(),
            help: None,
        }
    }

    /// The span in the `.mflow` source, if the error has one.
    #[must_use]
    pub fn span(&self) -> Option<Span> {
        match self {
            RuntimeError::Evaluation { span, .. }
            | RuntimeError::LoopLimit { span, .. }
            | RuntimeError::InvalidSetting { span, .. }
            | RuntimeError::TooManyInstances { span, .. }
            | RuntimeError::CallDepth { span, .. } => Some(*span),
            RuntimeError::Start { .. } => None,
        }
    }

    /// The exit code of `maestroc run` when this error stops a run before it starts
    /// (docs/cli.md): 2, like every launch error.
    #[must_use]
    pub fn exit_code(&self) -> i32 {
        2
    }
}

impl From<crate::store::StoreError> for RuntimeError {
    fn from(e: crate::store::StoreError) -> Self {
        RuntimeError::start(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_errors_say_which_flag() {
        let e = EvalError::Limit {
            message: "a string of 9 bytes is longer than the limit of 8".into(),
            flag: "--max-string-len",
        };
        assert_eq!(
            e.help().as_deref(),
            Some("raise it with `--max-string-len N` if this much is intended")
        );
    }

    #[test]
    fn codes_are_stable() {
        let e = RuntimeError::start("x");
        assert_eq!(e.code().map(|c| c.to_string()).as_deref(), Some("E0544"));
    }
}
