//! Bounds on evaluation: list length, string length and evaluation steps.

use super::error::EvalError;

/// Limits of one evaluation (defaults documented in `docs/runtime.md`, set by flags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_list_len: usize,
    pub max_string_len: usize,
    pub max_steps: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_list_len: 1_000_000,
            max_string_len: 16 * 1024 * 1024,
            max_steps: 10_000_000,
        }
    }
}

/// What one evaluation may still spend.
#[derive(Debug)]
pub struct Budget {
    pub limits: Limits,
    steps: u64,
}

impl Budget {
    #[must_use]
    pub fn new(limits: &Limits) -> Self {
        Self {
            limits: *limits,
            steps: 0,
        }
    }

    /// Charges `n` evaluation steps.
    pub fn charge(&mut self, n: usize) -> Result<(), EvalError> {
        self.steps = self.steps.saturating_add(n as u64);
        if self.steps > self.limits.max_steps {
            return Err(EvalError::Limit(format!(
                "more than {} evaluation steps (raise it with --max-eval-steps)",
                self.limits.max_steps
            )));
        }
        Ok(())
    }

    pub fn check_list(&self, len: usize) -> Result<(), EvalError> {
        if len > self.limits.max_list_len {
            return Err(EvalError::Limit(format!(
                "a list of {len} elements is longer than the limit of {} (raise it with --max-list-len)",
                self.limits.max_list_len
            )));
        }
        Ok(())
    }

    pub fn check_string(&self, len: usize) -> Result<(), EvalError> {
        if len > self.limits.max_string_len {
            return Err(EvalError::Limit(format!(
                "a string of {len} bytes is longer than the limit of {} (raise it with --max-string-len)",
                self.limits.max_string_len
            )));
        }
        Ok(())
    }
}
