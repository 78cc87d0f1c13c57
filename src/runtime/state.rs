//! The states of runs and step instances (docs/runtime.md, "Run state").

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    Pending,
    Running,
    Succeeded,
    Failed,
    Skipped,
    Retrying,
    TimedOut,
    Cancelled,
}

impl StepState {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Pending => "pending",
            StepState::Running => "running",
            StepState::Succeeded => "succeeded",
            StepState::Failed => "failed",
            StepState::Skipped => "skipped",
            StepState::Retrying => "retrying",
            StepState::TimedOut => "timed_out",
            StepState::Cancelled => "cancelled",
        }
    }

    /// Whether the state is final.
    #[must_use]
    pub fn is_done(self) -> bool {
        !matches!(self, StepState::Pending | StepState::Running | StepState::Retrying)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
}

impl RunState {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Running => "running",
            RunState::Succeeded => "succeeded",
            RunState::Failed => "failed",
            RunState::Cancelled => "cancelled",
            RunState::TimedOut => "timed_out",
        }
    }

    /// The process exit code for a run that ended in this state (§10).
    #[must_use]
    pub fn exit_code(self) -> i32 {
        match self {
            RunState::Succeeded => 0,
            RunState::Failed | RunState::TimedOut | RunState::Running => 1,
            RunState::Cancelled => 130,
        }
    }
}
