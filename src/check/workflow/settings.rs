//! Workflow settings and the policies a step shares with them: `concurrency`, `timeout`,
//! `retry`, `strategy`, `schedule`.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;

impl Checker<'_> {
    /// Workflow-level settings: each at most once, each well-typed.
    pub(in crate::check) fn check_settings(&mut self, wf: &Workflow, env: &WfEnv, module: ModuleId) {
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        let owner = format!("workflow `{}`", wf.name.name);
        for stmt in &wf.body {
            let key = match &stmt.kind {
                StmtKind::Concurrency(_) => "`concurrency`",
                StmtKind::Timeout(_) => "`timeout`",
                StmtKind::Retry(_) => "`retry`",
                StmtKind::OnFailure(_) => "`on_failure`",
                StmtKind::Strategy(_) => "`strategy`",
                StmtKind::Schedule(..) => "`schedule`",
                _ => continue,
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
                StmtKind::Concurrency(e) => self.positive_int(e, env, &mut ctx, "`concurrency`"),
                StmtKind::Timeout(e) => self.positive_duration(e, env, &mut ctx, "`timeout`"),
                StmtKind::Retry(r) => self.check_retry_policy(r, env, &mut ctx),
                StmtKind::Strategy(s) => {
                    if let Strategy::Parallel(Some(n)) = &s.node {
                        self.positive_int(n, env, &mut ctx, "`parallel(N)`");
                    }
                }
                StmtKind::Schedule(text, span) => self.check_cron(text, *span),
                _ => {}
            }
        }
    }

    pub(in crate::check) fn check_cron(&mut self, text: &str, span: Span) {
        if let Err(e) = cron::validate(text) {
            // The span covers the quotes; point inside them when the text has no escapes.
            let inner = span.start + 1;
            let exact = span.len() == text.len() + 2;
            let at = if exact {
                Span {
                    file: span.file,
                    start: inner + u32::try_from(e.start).unwrap_or(0),
                    end: inner + u32::try_from(e.end).unwrap_or(0),
                }
            } else {
                span
            };
            self.error(CheckError::BadCron {
                reason: e.message,
                span: at,
                label: "here".into(),
                help: e.help,
            });
        }
    }

    pub(in crate::check) fn positive_int(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx, what: &str) {
        self.expect(e, &Type::Int, env, ctx, what);
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
    }

    pub(in crate::check) fn positive_duration(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx, what: &str) {
        self.expect(e, &Type::Duration, env, ctx, what);
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
            _ => {}
        }
    }

    pub(in crate::check) fn check_retry_policy(&mut self, r: &Retry, env: &WfEnv, ctx: &mut Ctx) {
        self.expect(&r.count, &Type::Int, env, ctx, "the retry count");
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
        if let Some(b) = &r.backoff {
            match &b.node {
                Backoff::Fixed(d) => {
                    self.expect(d, &Type::Duration, env, ctx, "the backoff delay");
                }
                Backoff::Exponential { base, max } => {
                    self.expect(base, &Type::Duration, env, ctx, "the backoff delay");
                    if let Some(m) = max {
                        self.expect(m, &Type::Duration, env, ctx, "the backoff maximum");
                    }
                }
            }
        }
    }
}
