//! Workflow settings and the policies a step shares with them: `concurrency`, `timeout`,
//! `retry`, `strategy`, `schedule`, `trigger`, `tags`.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;
use crate::check::tree::TTrigger;

impl Checker<'_> {
    /// Workflow-level settings: each at most once, each well-typed. Returns the workflow's
    /// settings and sets the defaults its steps inherit (`retry`, `on_failure`).
    pub(in crate::check) fn check_settings(&mut self, wf: &Workflow, env: &WfEnv, module: ModuleId) -> TSettings {
        let mut settings = TSettings::default();
        self.defaults = StepDefaults::default();
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        let owner = format!("workflow `{}`", wf.name.name);
        let mut trigger_spans: Vec<Span> = Vec::new();
        for stmt in &wf.body {
            let key = match &stmt.kind {
                StmtKind::Concurrency(_) => "`concurrency`",
                StmtKind::Timeout(_) => "`timeout`",
                StmtKind::Retry(_) => "`retry`",
                StmtKind::OnFailure(_) => "`on_failure`",
                StmtKind::Strategy(_) => "`strategy`",
                StmtKind::Schedule(..) => "`schedule`",
                StmtKind::Tags(_) => "`tags`",
                StmtKind::Trigger(t) => {
                    let t = self.check_trigger(t, env, module);
                    settings.triggers.push(t);
                    trigger_spans.push(stmt.span);
                    continue;
                }
                StmtKind::Param { .. }
                | StmtKind::Const { .. }
                | StmtKind::Let { .. }
                | StmtKind::Output { .. }
                | StmtKind::Step(_)
                | StmtKind::Foreach(_)
                | StmtKind::While(_)
                | StmtKind::If(_)
                | StmtKind::Next(_)
                | StmtKind::Error { .. } => continue,
            };
            if let Some(first) = seen.get(key) {
                self.error(CheckError::DuplicateClause {
                    owner: owner.clone(),
                    what: key.to_string(),
                    span: stmt.span,
                    first: *first,
                    help: Some("keep one of them".into()),
                });
            } else {
                seen.insert(key, stmt.span);
            }
            let mut ctx = Ctx::new(module, StepRefs::Forbidden("a workflow setting"));
            match &stmt.kind {
                StmtKind::Concurrency(e) => {
                    settings.concurrency = Some(self.positive_int(e, env, &mut ctx, "`concurrency`"));
                }
                StmtKind::Timeout(e) => {
                    settings.timeout = Some(self.positive_duration(e, env, &mut ctx, "`timeout`"));
                }
                StmtKind::Retry(r) => self.defaults.retry = Some(self.check_retry_policy(r, env, &mut ctx)),
                StmtKind::OnFailure(mode) => self.defaults.on_failure = Some(mode.node),
                StmtKind::Strategy(s) => {
                    settings.strategy = Some(match &s.node {
                        Strategy::Parallel(n) => TStrategy::Parallel(
                            n.as_ref().map(|n| self.positive_int(n, env, &mut ctx, "`parallel(N)`")),
                        ),
                        Strategy::Sequential => TStrategy::Sequential,
                        Strategy::StrictSequential => TStrategy::StrictSequential,
                        Strategy::FirstOnly => TStrategy::FirstOnly,
                        Strategy::LastOnly => TStrategy::LastOnly,
                    });
                }
                StmtKind::Schedule(s) => settings.schedule = Some(self.check_schedule(s)),
                StmtKind::Tags(e) => settings.tags = self.check_tags(e, env),
                StmtKind::Trigger(_)
                | StmtKind::Param { .. }
                | StmtKind::Const { .. }
                | StmtKind::Let { .. }
                | StmtKind::Output { .. }
                | StmtKind::Step(_)
                | StmtKind::Foreach(_)
                | StmtKind::While(_)
                | StmtKind::If(_)
                | StmtKind::Next(_)
                | StmtKind::Error { .. } => {}
            }
        }
        self.redundant_triggers(&settings.triggers, &trigger_spans);
        settings
    }

    /// W0006: a trigger on a signal that another trigger, without `where`, already takes.
    fn redundant_triggers(&mut self, triggers: &[TTrigger], spans: &[Span]) {
        for (i, t) in triggers.iter().enumerate() {
            let unconditional = triggers
                .iter()
                .enumerate()
                .find(|(j, u)| *j != i && u.signal == t.signal && u.filter.is_none());
            // Of two unconditional ones only the later is reported.
            if let Some((j, u)) = unconditional {
                if t.filter.is_some() || j < i {
                    self.warning(CheckWarning::RedundantTrigger {
                        signal: t.signal.clone(),
                        span: spans.get(i).copied().unwrap_or(t.span),
                        first: u.span,
                    });
                }
            }
        }
    }

    pub(in crate::check) fn positive_int(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx, what: &str) -> TExpr {
        let node = self.expect(e, &Type::Int, env, ctx, what);
        if let ExprKind::Int(n) = e.kind {
            if n < 1 {
                self.error(CheckError::BadConstant {
                    message: format!("{what} must be at least 1"),
                    span: e.span,
                    label: format!("this is {n}"),
                    help: None,
                });
            }
        }
        node
    }

    pub(in crate::check) fn positive_duration(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx, what: &str) -> TExpr {
        let node = self.expect(e, &Type::Duration, env, ctx, what);
        match &e.kind {
            ExprKind::Duration(0) => self.error(CheckError::BadConstant {
                message: format!("{what} must be longer than zero"),
                span: e.span,
                label: "this is 0".into(),
                help: None,
            }),
            ExprKind::Duration(n) if *n < 0 => self.error(CheckError::BadConstant {
                message: format!("{what} must be longer than zero"),
                span: e.span,
                label: "this is negative".into(),
                help: Some("remove the `-`".into()),
            }),
            ExprKind::Unary(UnaryOp::Neg, inner) if matches!(inner.kind, ExprKind::Duration(_)) => {
                self.error(CheckError::BadConstant {
                    message: format!("{what} must be longer than zero"),
                    span: e.span,
                    label: "this is negative".into(),
                    help: Some("remove the `-`".into()),
                });
            }
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::Str(_)
            | ExprKind::RawStr(_)
            | ExprKind::Duration(_)
            | ExprKind::Date(_)
            | ExprKind::List(_)
            | ExprKind::Map(_)
            | ExprKind::Record(_)
            | ExprKind::Name(_)
            | ExprKind::Field(..)
            | ExprKind::Index(..)
            | ExprKind::Call { .. }
            | ExprKind::Unary(..)
            | ExprKind::Binary(..)
            | ExprKind::If(..)
            | ExprKind::Comprehension { .. }
            | ExprKind::Error => {}
        }
        node
    }

    /// A retry policy, with the default backoff (exponential from 1s up to 1m) and the
    /// default `on failure` filled in.
    pub(in crate::check) fn check_retry_policy(&mut self, r: &Retry, env: &WfEnv, ctx: &mut Ctx) -> TRetry {
        let count = self.expect(&r.count, &Type::Int, env, ctx, "the retry count");
        if let ExprKind::Int(n) = r.count.kind {
            if n < 0 {
                self.error(CheckError::BadConstant {
                    message: "the retry count cannot be negative".into(),
                    span: r.count.span,
                    label: format!("this is {n}"),
                    help: Some("`retry 0` means no retries".into()),
                });
            }
        }
        let backoff = match r.backoff.as_ref().map(|b| &b.node) {
            Some(Backoff::Fixed(d)) => TBackoff::Fixed(self.expect(d, &Type::Duration, env, ctx, "the backoff delay")),
            Some(Backoff::Exponential { base, max }) => TBackoff::Exponential {
                base: self.expect(base, &Type::Duration, env, ctx, "the backoff delay"),
                max: max
                    .as_ref()
                    .map(|m| self.expect(m, &Type::Duration, env, ctx, "the backoff maximum")),
            },
            None => {
                let at = |ms| TExpr {
                    kind: TExprKind::Duration(ms),
                    ty: Type::Duration,
                    span: r.span,
                };
                TBackoff::Exponential {
                    base: at(1000),
                    max: Some(at(60_000)),
                }
            }
        };
        TRetry {
            count,
            backoff,
            on: r.on.as_ref().map_or(RetryOn::Failure, |o| o.node),
        }
    }
}
