//! Statements of workflow and loop bodies, and the clauses of a step.

use super::{Expr, Ident, TypeExpr};
use crate::syntax::span::Span;

/// A statement in a workflow body or in a `foreach` / `while` / `if` body.
///
/// The grammar accepts every statement kind in every body; the checker reports the
/// ones that are out of place (an `output` inside a `foreach`, a `next` outside a `while`).
#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
    /// The `///` doc comment written right before the statement, if any.
    pub doc: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `param name: T [= default] [fixed]`
    Param {
        name: Ident,
        ty: TypeExpr,
        default: Option<Expr>,
        /// The span of the `fixed` word, when written.
        fixed: Option<Span>,
    },
    /// `const name [: T] = value`
    Const {
        name: Ident,
        ty: Option<TypeExpr>,
        value: Expr,
    },
    /// `let name [: T] = value`
    Let {
        name: Ident,
        ty: Option<TypeExpr>,
        value: Expr,
    },
    /// `output name: T = value`
    Output {
        name: Ident,
        ty: TypeExpr,
        value: Expr,
    },
    /// `concurrency N`
    Concurrency(Expr),
    /// `timeout D`
    Timeout(Expr),
    /// `retry N [backoff ...] [on ...]`
    Retry(Retry),
    /// `on_failure MODE`
    OnFailure(Spanned<FailureMode>),
    /// `strategy S`
    Strategy(Spanned<Strategy>),
    /// `schedule "cron" [in "Area/City"] [catchup none | last | all(max: N)]`
    Schedule(Schedule),
    /// `trigger on signal "NAME" [where COND]` (may repeat).
    Trigger(Trigger),
    /// `tags [...]`: the expression as written (the checker wants a list of string literals).
    Tags(Expr),
    Step(Step),
    Foreach(Foreach),
    While(While),
    If(If),
    /// `next a = e, b = e` (only inside `while`).
    Next(Vec<(Ident, Expr)>),
    /// A statement that failed to parse; a diagnostic was reported. `declares` is the
    /// name it would have declared (`step foo` → `foo`), so later stages do not report
    /// that name as undefined.
    Error {
        declares: Option<Ident>,
    },
}

impl StmtKind {
    /// The statement lists this statement holds: a loop's body, each `if` branch and the
    /// `else`, in source order; none for every other statement.
    pub fn nested_bodies(&self) -> Vec<&[Stmt]> {
        match self {
            StmtKind::Foreach(f) => vec![&f.body],
            StmtKind::While(w) => vec![&w.body],
            StmtKind::If(i) => i
                .branches
                .iter()
                .map(|b| b.body.as_slice())
                .chain(i.else_body.as_deref())
                .collect(),
            StmtKind::Param { .. }
            | StmtKind::Const { .. }
            | StmtKind::Let { .. }
            | StmtKind::Output { .. }
            | StmtKind::Step(_)
            | StmtKind::Concurrency(_)
            | StmtKind::Timeout(_)
            | StmtKind::Retry(_)
            | StmtKind::OnFailure(_)
            | StmtKind::Strategy(_)
            | StmtKind::Schedule(..)
            | StmtKind::Trigger(_)
            | StmtKind::Tags(_)
            | StmtKind::Next(_)
            | StmtKind::Error { .. } => Vec::new(),
        }
    }
}

pub use crate::syntax::span::Spanned;

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub name: Ident,
    pub clauses: Vec<Clause>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    pub kind: ClauseKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ClauseKind {
    /// `run "..."`: a `Str` or `RawStr` expression.
    Run(Expr),
    /// `exec [..]`
    Exec(Expr),
    /// `call wf(p: e, ...)` or `call module.wf(...)`
    Call {
        target: Vec<Ident>,
        args: Vec<(Ident, Expr)>,
    },
    /// `sleep D`
    Sleep(Expr),
    /// `wait signal NAME [where COND] [since D | since run_start]`
    Wait {
        signal: Expr,
        filter: Option<Expr>,
        /// The `since` part with the span of what follows `since`, when written.
        since: Option<Spanned<WaitSince>>,
    },
    /// `env { NAME: e, ... }`
    Env(Vec<(Ident, Expr)>),
    /// `dir "path"`
    Dir(Expr),
    /// `outputs { name: T, ... }`
    Outputs(Vec<(Ident, TypeExpr)>),
    /// `image "repo/image:tag"`
    Image(Expr),
    /// `resources { cpu: 2, memory: "4Gi" }`
    Resources(Vec<(Ident, Expr)>),
    /// `emit signal NAME { key: e, ... }`
    Emit {
        signal: Expr,
        fields: Vec<(Ident, Expr)>,
    },
    /// `after a, b`
    After(Vec<Ident>),
    Retry(Retry),
    Timeout(Expr),
    OnFailure(FailureMode),
    /// `profile "NAME"`: an executor profile of `mflow.toml`.
    Profile(Expr),
}

/// `schedule "CRON" [in "ZONE"] [catchup POLICY]`
#[derive(Clone, Debug, PartialEq)]
pub struct Schedule {
    /// The text of the cron string literal.
    pub cron: String,
    /// The span of the cron string literal, quotes included.
    pub cron_span: Span,
    /// The time zone name after `in`, with the span of its literal.
    pub zone: Option<Spanned<String>>,
    /// The catch-up policy after `catchup`, with the span of the policy.
    pub catchup: Option<Spanned<Catchup>>,
}

/// What a schedule does about fire times missed while nothing was serving.
#[derive(Clone, Debug, PartialEq)]
pub enum Catchup {
    /// `none`: skip missed times.
    None,
    /// `last`: start one run for the latest missed time.
    Last,
    /// `all(max: N)`: start a run for each missed time, at most the latest `N`.
    All { max: Expr },
}

/// `trigger on signal "NAME" [where COND]`
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    /// The signal name (a string literal without interpolation).
    pub signal: String,
    /// The span of the signal name's literal.
    pub signal_span: Span,
    pub filter: Option<Expr>,
}

/// The `since` part of `wait signal`.
#[derive(Clone, Debug, PartialEq)]
pub enum WaitSince {
    /// `since run_start` (also the default).
    RunStart,
    /// `since D`: signals received from `D` before the run started.
    Before(Expr),
}

/// `retry N [backoff fixed(D) | exponential(D [, max: D])] [on failure | timeout | any]`
#[derive(Clone, Debug, PartialEq)]
pub struct Retry {
    pub count: Expr,
    pub backoff: Option<Spanned<Backoff>>,
    pub on: Option<Spanned<RetryOn>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Backoff {
    Fixed(Expr),
    Exponential { base: Expr, max: Option<Expr> },
}

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

#[derive(Clone, Debug, PartialEq)]
pub enum Strategy {
    /// `parallel(N)`; `None` when written `parallel` without a bound.
    Parallel(Option<Expr>),
    Sequential,
    StrictSequential,
    FirstOnly,
    LastOnly,
}

/// `foreach x in xs, y in ys [concurrency N] { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct Foreach {
    pub vars: Vec<(Ident, Expr)>,
    pub concurrency: Option<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// `while cond with a = e, ... [limit N] { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct While {
    pub cond: Expr,
    pub vars: Vec<(Ident, Expr)>,
    pub limit: Option<Expr>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// `if c { ... } else if c { ... } else { ... }`
#[derive(Clone, Debug, PartialEq)]
pub struct If {
    pub branches: Vec<Branch>,
    pub else_body: Option<Vec<Stmt>>,
    pub else_span: Option<Span>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub cond: Expr,
    pub body: Vec<Stmt>,
    pub span: Span,
}
