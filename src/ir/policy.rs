//! Failure handling in the IR: what a failed step does to its run, and which failures a
//! retry covers. Lowering maps the AST's words (`syntax::ast::{FailureMode, RetryOn}`)
//! to these.

use crate::syntax::ast;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryOn {
    Failure,
    Timeout,
    Any,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureMode {
    FailFast,
    FailAfterRunning,
    Ignore,
}

impl From<ast::RetryOn> for RetryOn {
    fn from(on: ast::RetryOn) -> Self {
        match on {
            ast::RetryOn::Failure => RetryOn::Failure,
            ast::RetryOn::Timeout => RetryOn::Timeout,
            ast::RetryOn::Any => RetryOn::Any,
        }
    }
}

impl From<ast::FailureMode> for FailureMode {
    fn from(mode: ast::FailureMode) -> Self {
        match mode {
            ast::FailureMode::FailFast => FailureMode::FailFast,
            ast::FailureMode::FailAfterRunning => FailureMode::FailAfterRunning,
            ast::FailureMode::Ignore => FailureMode::Ignore,
        }
    }
}
