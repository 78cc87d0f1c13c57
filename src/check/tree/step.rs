//! Checked steps: the action, the clauses, and the policies with the workflow's defaults applied.

use super::expr::{TExpr, TStrPart};
use super::{FailureMode, RetryOn};
use crate::base::ids::{BindingId, StepId, WorkflowId};
use crate::base::span::Span;

#[derive(Clone, Debug)]
pub struct TStep {
    pub id: StepId,
    pub name: String,
    /// The span of the step's name.
    pub span: Span,
    pub action: TAction,
    pub env: Vec<(String, TExpr)>,
    pub dir: Option<TExpr>,
    pub image: Option<TExpr>,
    /// `profile "NAME"`: the executor profile of `mflow.toml` (only on `run`/`exec` steps).
    pub profile: Option<String>,
    pub resources: Vec<(String, TExpr)>,
    pub emit: Option<TEmit>,
    /// The step's own `retry`, else the workflow's.
    pub retry: Option<TRetry>,
    pub timeout: Option<TExpr>,
    /// The step's own `on_failure`, else the workflow's, else `fail_after_running`.
    pub on_failure: FailureMode,
}

#[derive(Clone, Debug)]
pub enum TAction {
    None,
    /// The command as written: the parts of a quoted string, one literal for a raw string,
    /// or one value for any other expression.
    Run(Vec<TStrPart>),
    Exec(TExpr),
    /// The callee's params, each with its value.
    Call {
        workflow: WorkflowId,
        args: Vec<(BindingId, TExpr)>,
    },
    Sleep(TExpr),
    /// `filter` binds the `signal` variable. `since` is how long before the run's start
    /// a signal may have been received and still count (`None`: since the run's start).
    Wait {
        signal: TExpr,
        filter: Option<(BindingId, TExpr)>,
        since: Option<TExpr>,
    },
}

#[derive(Clone, Debug)]
pub struct TEmit {
    pub signal: TExpr,
    pub fields: Vec<(String, TExpr)>,
}

#[derive(Clone, Debug)]
pub struct TRetry {
    pub count: TExpr,
    /// As written, else exponential from 1s up to 1m (at the retry clause's span).
    pub backoff: TBackoff,
    /// As written, else `failure`.
    pub on: RetryOn,
}

#[derive(Clone, Debug)]
pub enum TBackoff {
    Fixed(TExpr),
    Exponential { base: TExpr, max: Option<TExpr> },
}
