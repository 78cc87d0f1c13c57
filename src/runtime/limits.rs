//! Bounds on evaluation and expansion: list length, string length, evaluation steps, `fn`
//! call depth, step instances per run; and the interruption flag that stops a long
//! evaluation (docs/runtime.md, "Limits").

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::error::EvalError;
use super::value::Value;

/// Limits of one run (defaults documented in `docs/runtime.md`, set by flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_list_len: usize,
    pub max_string_len: usize,
    pub max_steps: u64,
    /// Step instances one run may create, called workflows included (`--max-instances`).
    pub max_instances: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_list_len: 1_000_000,
            max_string_len: 16 * 1024 * 1024,
            max_steps: 10_000_000,
            max_instances: 10_000_000,
        }
    }
}

/// `fn` calls nested at most this deep in one evaluation; the checker refuses deeper chains
/// (E0118, `check::depth`), so only a bug can reach it, and then it fails instead of overflowing the stack.
pub const MAX_FN_DEPTH: usize = 256;

/// How often (in evaluation steps) an evaluation looks at the interruption flag.
const INTERRUPT_EVERY: u64 = 4_096;

/// What one evaluation may still spend.
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    steps: u64,
    /// Set when the run is interrupted (SIGINT, SIGTERM): the evaluation stops.
    interrupted: Option<Arc<AtomicBool>>,
}

impl Budget {
    #[must_use]
    pub fn new(limits: &Limits) -> Self {
        Self {
            limits: *limits,
            steps: 0,
            interrupted: None,
        }
    }

    /// A budget whose evaluation stops soon after `flag` is set.
    #[must_use]
    pub fn interruptible(limits: &Limits, flag: Arc<AtomicBool>) -> Self {
        Self {
            limits: *limits,
            steps: 0,
            interrupted: Some(flag),
        }
    }

    /// Charges `n` evaluation steps.
    pub fn charge(&mut self, n: usize) -> Result<(), EvalError> {
        let before = self.steps;
        self.steps = self.steps.saturating_add(n as u64);
        if self.steps > self.limits.max_steps {
            return Err(EvalError::Limit {
                message: format!("more than {} evaluation steps", self.limits.max_steps),
                flag: "--max-eval-steps",
            });
        }
        if before / INTERRUPT_EVERY != self.steps / INTERRUPT_EVERY
            && self.interrupted.as_ref().is_some_and(|f| f.load(Ordering::Relaxed))
        {
            return Err(EvalError::Interrupted);
        }
        Ok(())
    }

    pub fn check_list(&self, len: usize) -> Result<(), EvalError> {
        if len > self.limits.max_list_len {
            return Err(EvalError::Limit {
                message: format!(
                    "a list of {len} elements is longer than the limit of {}",
                    self.limits.max_list_len
                ),
                flag: "--max-list-len",
            });
        }
        Ok(())
    }

    pub fn check_map(&self, len: usize) -> Result<(), EvalError> {
        if len > self.limits.max_list_len {
            return Err(EvalError::Limit {
                message: format!(
                    "a map of {len} entries is larger than the limit of {}",
                    self.limits.max_list_len
                ),
                flag: "--max-list-len",
            });
        }
        Ok(())
    }

    pub fn check_string(&self, len: usize) -> Result<(), EvalError> {
        if len > self.limits.max_string_len {
            return Err(EvalError::Limit {
                message: format!(
                    "a string of {len} bytes is longer than the limit of {}",
                    self.limits.max_string_len
                ),
                flag: "--max-string-len",
            });
        }
        Ok(())
    }

    /// The error of a string that would pass the limit, its length not yet known.
    #[must_use]
    pub fn too_long(&self) -> EvalError {
        EvalError::Limit {
            message: format!("a string longer than the limit of {} bytes", self.limits.max_string_len),
            flag: "--max-string-len",
        }
    }

    /// Checks the outer size of a value just built (a string, list or map).
    pub fn check_value(&self, v: &Value) -> Result<(), EvalError> {
        match v {
            Value::Str(s) => self.check_string(s.len()),
            Value::List(items) => self.check_list(items.len()),
            Value::Map(entries) => self.check_map(entries.len()),
            Value::Int(_)
            | Value::Float(_)
            | Value::Bool(_)
            | Value::Duration(_)
            | Value::Date(_)
            | Value::Record(_)
            | Value::None => Ok(()),
        }
    }

    /// The text of `v` (interpolation, `str`, `join`), never longer than the string limit:
    /// fails before the text is built when it would be.
    pub fn text(&self, v: &Value) -> Result<String, EvalError> {
        v.to_text_within(self.limits.max_string_len)
            .ok_or_else(|| self.too_long())
    }

    /// The JSON text of `v` (`to_json`), never longer than the string limit.
    pub fn json(&self, v: &Value) -> Result<String, EvalError> {
        v.to_json_text_within(self.limits.max_string_len)
            .ok_or_else(|| self.too_long())
    }
}
