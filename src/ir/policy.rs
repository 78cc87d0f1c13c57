//! Failure handling in the IR: what a failed step does to its run, and which failures a
//! retry covers. Lowering maps the checked tree's words (`check::tree::{FailureMode,
//! RetryOn}`) to these.

use crate::check::tree;

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

impl From<tree::RetryOn> for RetryOn {
    fn from(on: tree::RetryOn) -> Self {
        match on {
            tree::RetryOn::Failure => RetryOn::Failure,
            tree::RetryOn::Timeout => RetryOn::Timeout,
            tree::RetryOn::Any => RetryOn::Any,
        }
    }
}

impl From<tree::FailureMode> for FailureMode {
    fn from(mode: tree::FailureMode) -> Self {
        match mode {
            tree::FailureMode::FailFast => FailureMode::FailFast,
            tree::FailureMode::FailAfterRunning => FailureMode::FailAfterRunning,
            tree::FailureMode::Ignore => FailureMode::Ignore,
        }
    }
}
