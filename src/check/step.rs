//! Checking one step's clauses, and the dependency graph between steps.

use std::collections::HashMap;

use super::error::CheckError;
use super::expr::{Ctx, StepRefs};
use super::tree::{FailureMode, TAction, TEmit, TExpr, TExprKind, TRetry, TStep, TStrPart};
use super::ty::Type;
use super::{
    graph, BindingId, BindingKind, Checker, Edge, Node, ScopeKind, ScopeLevel, StepId, Target, WfEnv, WorkflowId,
};
use crate::base::span::Span;
use crate::diagnostics::suggest::did_you_mean;
use crate::syntax::ast::{ClauseKind, Expr, ExprKind, Ident, Step, UnaryOp, WaitSince};

impl Checker<'_> {
    /// Checks a step; `None` when the declaring pass gave it no id (a problem it reported).
    pub(super) fn check_step(&mut self, step: &Step, env: &WfEnv, ctx: &mut Ctx) -> Option<TStep> {
        let &sid = self.sites.steps.get(&step.name.span)?;
        let mut node = TStep {
            id: sid,
            name: step.name.name.clone(),
            span: step.name.span,
            action: TAction::None,
            env: Vec::new(),
            dir: None,
            image: None,
            profile: None,
            resources: Vec::new(),
            emit: None,
            retry: self.defaults.retry.clone(),
            timeout: None,
            on_failure: self.defaults.on_failure.unwrap_or(FailureMode::FailAfterRunning),
        };
        let outer = ctx.steps;
        ctx.steps = StepRefs::Allowed(Some(Node::Step(sid)));
        if let Some(level) = ctx.levels.last() {
            let (ScopeLevel::Foreach(scope) | ScopeLevel::While(scope) | ScopeLevel::Branch(scope, _)) = *level;
            self.edges.push(Edge {
                from: Node::Scope(scope),
                to: Node::Step(sid),
                span: step.name.span,
                after: false,
            });
        }
        let owner = format!("step `{}`", step.name.name);
        let mut seen: HashMap<&'static str, Span> = HashMap::new();
        for clause in &step.clauses {
            let key = match &clause.kind {
                ClauseKind::Run(_)
                | ClauseKind::Exec(_)
                | ClauseKind::Call { .. }
                | ClauseKind::Sleep(_)
                | ClauseKind::Wait { .. } => "action",
                ClauseKind::Env(_) => "`env`",
                ClauseKind::Dir(_) => "`dir`",
                ClauseKind::Outputs(_) => "`outputs`",
                ClauseKind::Image(_) => "`image`",
                ClauseKind::Profile(_) => "`profile`",
                ClauseKind::Resources(_) => "`resources`",
                ClauseKind::Emit { .. } => "`emit`",
                ClauseKind::After(_) => "`after`",
                ClauseKind::Retry(_) => "`retry`",
                ClauseKind::Timeout(_) => "`timeout`",
                ClauseKind::OnFailure(_) => "`on_failure`",
            };
            if let Some(first) = seen.get(key) {
                let help = if key == "action" {
                    "a step does one thing (`run`, `exec`, `call`, `sleep` or `wait`): split it into two steps, the second `after` the first".to_string()
                } else {
                    "keep one of them".to_string()
                };
                self.error(CheckError::DuplicateClause {
                    owner: owner.clone(),
                    what: key.to_string(),
                    span: clause.span,
                    first: *first,
                    help: Some(help),
                });
            } else {
                seen.insert(key, clause.span);
            }
            self.check_clause(&mut node, &clause.kind, clause.span, env, ctx);
        }
        ctx.steps = outer;
        if let Some(clause) = step.clauses.iter().find(|c| matches!(c.kind, ClauseKind::Profile(_))) {
            if !matches!(node.action, TAction::Run(_) | TAction::Exec(_)) {
                self.error(CheckError::ProfileWithoutCommand {
                    step: step.name.name.clone(),
                    span: clause.span,
                    help: Some("remove the `profile`, or give the step a `run` or `exec`".into()),
                });
            }
        }
        Some(node)
    }

    /// `profile "NAME"`: a non-empty string literal (the executor settings check the name).
    fn profile(&mut self, e: &Expr) -> Option<String> {
        let text = super::zone::literal(e).map(str::to_string);
        match text {
            Some(t) if !t.trim().is_empty() => Some(t),
            Some(_) => {
                self.error(CheckError::BadProfile {
                    message: "empty executor profile name".into(),
                    span: e.span,
                    label: "empty".into(),
                    help: Some("name a profile of `mflow.toml`, like `profile \"gpu\"`, or remove the clause".into()),
                });
                None
            }
            None => {
                self.error(CheckError::BadProfile {
                    message: "`profile` takes the name of an executor profile as a string".into(),
                    span: e.span,
                    label: "not a plain string literal".into(),
                    help: Some("profiles are chosen when the file is written: write `profile \"gpu\"`".into()),
                });
                None
            }
        }
    }

    /// `since D`: a duration, not negative (`0s` is the run's start).
    fn look_back(&mut self, d: &Expr, env: &WfEnv, ctx: &mut Ctx) -> TExpr {
        let node = self.expect(d, &Type::Duration, env, ctx, "the `since` look-back");
        let negative = if let ExprKind::Duration(n) = d.kind {
            n < 0
        } else if let ExprKind::Unary(UnaryOp::Neg, inner) = &d.kind {
            matches!(inner.kind, ExprKind::Duration(n) if n > 0)
        } else {
            false
        };
        if negative {
            self.error(CheckError::BadConstant {
                message: "the `since` look-back cannot be negative".into(),
                span: d.span,
                label: "this is negative".into(),
                help: Some("`since 1h` counts signals received up to an hour before the run started".into()),
            });
        }
        node
    }

    /// Checks one clause of step `node` and puts what it says into `node`.
    fn check_clause(&mut self, node: &mut TStep, clause: &ClauseKind, span: Span, env: &WfEnv, ctx: &mut Ctx) {
        let sid = node.id;
        match clause {
            ClauseKind::Run(e) => {
                let value = self.expect(e, &Type::String, env, ctx, "this");
                node.action = TAction::Run(match (value.kind, &e.kind) {
                    (TExprKind::Interp(parts), _) => parts,
                    (TExprKind::Str(s), ExprKind::RawStr(_)) => vec![TStrPart::Lit(s)],
                    (kind, _) => vec![TStrPart::Value {
                        expr: TExpr {
                            kind,
                            ty: value.ty,
                            span: value.span,
                        },
                        raw: false,
                    }],
                });
            }
            ClauseKind::Dir(e) => node.dir = Some(self.expect(e, &Type::String, env, ctx, "this")),
            ClauseKind::Image(e) => node.image = Some(self.expect(e, &Type::String, env, ctx, "this")),
            ClauseKind::Exec(e) => {
                let argv = if let ExprKind::List(items) = &e.kind {
                    if items.is_empty() {
                        self.error(CheckError::BadConstant {
                            message: "`exec` needs at least the program to run".into(),
                            span: e.span,
                            label: "empty argv".into(),
                            help: Some("write `exec [\"program\", \"arg\", …]`".into()),
                        });
                    }
                    let mut nodes = Vec::with_capacity(items.len());
                    let mut elem = Type::Unknown;
                    for item in items {
                        let n = self.expr(item, env, ctx);
                        self.check_interpolable(&n.ty, item.span);
                        elem = crate::check::types::join(&elem, &n.ty).unwrap_or(Type::Error);
                        nodes.push(n);
                    }
                    TExpr {
                        kind: TExprKind::List(nodes),
                        ty: Type::list(elem),
                        span: e.span,
                    }
                } else {
                    let argv = self.expr(e, env, ctx);
                    let fits = argv.ty == Type::Error
                        || matches!(&argv.ty, Type::List(inner) if inner.is_scalar() || inner.is_vague());
                    if !fits {
                        let t = argv.ty.clone();
                        self.require(&t, &Type::list(Type::String), e.span, "`exec`'s argv");
                    }
                    argv
                };
                node.action = TAction::Exec(argv);
            }
            ClauseKind::Call { args, .. } => {
                if let Some((workflow, args)) = self.check_call_args(sid, args, span, env, ctx) {
                    node.action = TAction::Call { workflow, args };
                }
            }
            ClauseKind::Sleep(e) => node.action = TAction::Sleep(self.expect(e, &Type::Duration, env, ctx, "this")),
            ClauseKind::Timeout(e) => node.timeout = Some(self.positive_duration(e, env, ctx, "`timeout`")),
            ClauseKind::Wait { signal, filter, since } => {
                let name = self.expect(signal, &Type::String, env, ctx, "the signal name");
                let filter = filter.as_ref().map(|f| {
                    let b = self.new_binding("signal", BindingKind::Signal, signal.span, Type::map(Type::String));
                    self.used[b.0 as usize] = true;
                    ctx.locals.push(("signal".to_string(), b));
                    let cond = self.expect(f, &Type::Bool, env, ctx, "the `where` condition");
                    ctx.locals.pop();
                    (b, cond)
                });
                let since = since.as_ref().and_then(|s| match &s.node {
                    WaitSince::RunStart => None,
                    WaitSince::Before(d) => Some(self.look_back(d, env, ctx)),
                });
                node.action = TAction::Wait {
                    signal: name,
                    filter,
                    since,
                };
            }
            ClauseKind::Env(fields) => node.env = self.scalar_fields(fields, env, ctx),
            ClauseKind::Resources(fields) => node.resources = self.scalar_fields(fields, env, ctx),
            ClauseKind::Emit { signal, fields } => {
                let signal = self.expect(signal, &Type::String, env, ctx, "the signal name");
                let fields = self.scalar_fields(fields, env, ctx);
                node.emit = Some(TEmit { signal, fields });
            }
            ClauseKind::Outputs(_) => {}
            ClauseKind::Profile(e) => {
                self.mark_used(e, env);
                node.profile = self.profile(e);
            }
            ClauseKind::OnFailure(mode) => node.on_failure = *mode,
            ClauseKind::After(names) => {
                for name in names {
                    match env.names.get(&name.name) {
                        Some((Target::Step(dep), _)) => {
                            self.edges.push(Edge {
                                from: Node::Step(*dep),
                                to: Node::Step(sid),
                                span: name.span,
                                after: true,
                            });
                        }
                        _ => {
                            let steps: Vec<&str> = env
                                .names
                                .iter()
                                .filter(|(_, (t, _))| matches!(t, Target::Step(_)))
                                .map(|(n, _)| n.as_str())
                                .collect();
                            let help = did_you_mean(&name.name, steps.iter().copied());
                            let wf = env
                                .id
                                .map(|w| self.program.workflow(w).name.clone())
                                .unwrap_or_default();
                            self.error(CheckError::UnknownStep {
                                name: name.name.clone(),
                                span: name.span,
                                workflow: wf,
                                help,
                            });
                        }
                    }
                }
            }
            ClauseKind::Retry(r) => node.retry = Some(self.check_retry_clause(r, env, ctx)),
        }
    }

    /// `env`, `resources` and `emit` fields: distinct names, scalar values.
    fn scalar_fields(&mut self, fields: &[(Ident, Expr)], env: &WfEnv, ctx: &mut Ctx) -> Vec<(String, TExpr)> {
        let mut names: HashMap<&str, Span> = HashMap::new();
        let mut out = Vec::with_capacity(fields.len());
        for (name, value) in fields {
            if let Some(first) = names.get(name.name.as_str()) {
                self.error(CheckError::Duplicate {
                    name: name.name.clone(),
                    span: name.span,
                    first: *first,
                    help: None,
                });
            }
            names.insert(&name.name, name.span);
            let node = self.expr(value, env, ctx);
            let t = &node.ty;
            if !(t.is_scalar() || t.is_vague()) {
                let help = if t.is_optional() {
                    Some("give a default: `x ?? \"\"`".to_string())
                } else {
                    Some("convert it with `to_json(…)` or `join(…, \",\")`".to_string())
                };
                self.error(CheckError::Mismatch {
                    expected: "a scalar".into(),
                    found: t.to_string(),
                    span: value.span,
                    label: "values here must be scalars (`int float bool string duration date`)".into(),
                    help,
                });
            }
            out.push((name.name.clone(), node));
        }
        out
    }

    fn check_retry_clause(&mut self, r: &crate::syntax::ast::Retry, env: &WfEnv, ctx: &mut Ctx) -> TRetry {
        let outer = ctx.steps;
        ctx.steps = StepRefs::Forbidden("a retry policy");
        let retry = self.check_retry_policy(r, env, ctx);
        ctx.steps = outer;
        retry
    }

    fn check_call_args(
        &mut self,
        sid: StepId,
        args: &[(Ident, Expr)],
        span: Span,
        env: &WfEnv,
        ctx: &mut Ctx,
    ) -> Option<(WorkflowId, Vec<(BindingId, TExpr)>)> {
        let callee = self.program.step(sid).calls;
        let Some(callee) = callee else {
            for (_, e) in args {
                self.expr(e, env, ctx);
            }
            return None;
        };
        let info = self.program.workflow(callee).clone();
        let mut given: Vec<&str> = Vec::new();
        let mut nodes = Vec::with_capacity(args.len());
        for (name, value) in args {
            let found = self.expr(value, env, ctx);
            if given.contains(&name.name.as_str()) {
                self.error(CheckError::BadCallArgument {
                    message: format!("argument `{}` is given twice", name.name),
                    span: name.span,
                    label: "given again here".into(),
                    help: None,
                });
                continue;
            }
            given.push(&name.name);
            if let Some((b, _)) = info
                .params
                .iter()
                .find(|(b, _)| self.program.binding(*b).name == name.name)
            {
                let t = self.program.binding(*b).ty.clone();
                self.require(&found.ty, &t, value.span, "this argument");
                nodes.push((*b, found));
            } else if info.consts.iter().any(|b| self.program.binding(*b).name == name.name) {
                self.error(CheckError::BadCallArgument {
                    message: format!(
                        "`{}` is a const of workflow `{}` and cannot be set",
                        name.name, info.name
                    ),
                    span: name.span,
                    label: "a const".into(),
                    help: Some(format!(
                        "make it a `param` in `{}` if callers should choose it",
                        info.name
                    )),
                });
            } else {
                let names: Vec<String> = info
                    .params
                    .iter()
                    .map(|(b, _)| self.program.binding(*b).name.clone())
                    .collect();
                let help = did_you_mean(&name.name, names.iter().map(String::as_str)).or_else(|| {
                    Some(if names.is_empty() {
                        format!("workflow `{}` takes no params", info.name)
                    } else {
                        format!(
                            "the params of `{}` are {}",
                            info.name,
                            names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                        )
                    })
                });
                self.error(CheckError::BadCallArgument {
                    message: format!("workflow `{}` has no param `{}`", info.name, name.name),
                    span: name.span,
                    label: "unknown param".into(),
                    help,
                });
            }
        }
        let missing: Vec<String> = info
            .params
            .iter()
            .filter(|(b, has_default)| !has_default && !given.contains(&self.program.binding(*b).name.as_str()))
            .map(|(b, _)| self.program.binding(*b).name.clone())
            .collect();
        if !missing.is_empty() {
            let list = missing.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ");
            self.error(CheckError::BadCallArgument {
                message: format!(
                    "missing required param{} {list} of workflow `{}`",
                    if missing.len() == 1 { "" } else { "s" },
                    info.name
                ),
                span,
                label: "in this call".into(),
                help: Some(format!(
                    "pass {}",
                    missing
                        .iter()
                        .map(|n| format!("`{n}: …`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            });
        }
        Some((callee, nodes))
    }

    /// Finds cycles in the step graph of every workflow and records each step's dependencies.
    pub(super) fn check_step_graph(&mut self) {
        let steps = self.program.steps.len();
        let index = |n: Node| match n {
            Node::Step(s) => s.0 as usize,
            Node::Scope(s) => steps + s.0 as usize,
        };
        let edges: Vec<(usize, usize)> = self.edges.iter().map(|e| (index(e.from), index(e.to))).collect();
        let total = steps + self.program.scopes.len();
        let analysis = graph::analyse(total, &edges);
        let mut spans: HashMap<(usize, usize), Span> = HashMap::new();
        for (e, &(a, b)) in self.edges.iter().zip(&edges) {
            spans.entry((a, b)).or_insert(e.span);
        }
        for cycle in &analysis.cycles {
            // cycle [a, b, c]: a → b → c → a, i.e. b needs a. Read it as "needs": a needs c needs b.
            let needs: Vec<usize> = std::iter::once(cycle[0])
                .chain(cycle[1..].iter().rev().copied())
                .collect();
            let names: Vec<String> = needs.iter().map(|&n| self.node_name(n, steps)).collect();
            let first = needs[0];
            let second = needs.get(1).copied().unwrap_or(first);
            let span = spans.get(&(second, first)).copied().unwrap_or_default();
            let mut more = Vec::new();
            let mut around = needs.clone();
            around.push(needs[0]);
            for w in around.windows(2).skip(1).take(4) {
                let next = w[1];
                if let Some(s) = spans.get(&(next, w[0])) {
                    if s.file == span.file {
                        more.push(miette::LabeledSpan::new_with_span(
                            Some(format!(
                                "`{}` depends on `{}` here",
                                self.node_name(w[0], steps),
                                self.node_name(next, steps)
                            )),
                            *s,
                        ));
                    }
                }
            }
            self.file = span.file;
            self.error(CheckError::DependencyCycle {
                cycle: graph::describe_cycle(&names),
                span,
                first: names[0].clone(),
                second: names.get(1).unwrap_or(&names[0]).clone(),
                more,
            });
        }
        let mut step_deps: Vec<Vec<StepId>> = vec![Vec::new(); steps];
        let mut scope_deps: Vec<Vec<StepId>> = vec![Vec::new(); self.program.scopes.len()];
        for e in &self.edges {
            if let Node::Step(from) = e.from {
                let list = match e.to {
                    Node::Step(to) => &mut step_deps[to.0 as usize],
                    Node::Scope(to) => &mut scope_deps[to.0 as usize],
                };
                if !list.contains(&from) {
                    list.push(from);
                }
            }
        }
        for e in &self.edges {
            if let Node::Step(from) = e.from {
                let to = match e.to {
                    Node::Step(s) => super::Dependent::Step(s),
                    Node::Scope(s) => super::Dependent::Scope(s),
                };
                self.program.dependencies.push(super::Dependency {
                    from,
                    to,
                    span: e.span,
                    after: e.after,
                });
            }
        }
        for (info, deps) in self.program.steps.iter_mut().zip(step_deps) {
            info.deps = deps;
        }
        for (info, deps) in self.program.scopes.iter_mut().zip(scope_deps) {
            info.deps = deps;
        }
    }

    fn node_name(&self, n: usize, steps: usize) -> String {
        if n < steps {
            self.program.steps[n].name.clone()
        } else {
            let scope = &self.program.scopes[n - steps];
            match scope.kind {
                ScopeKind::Foreach => "foreach".into(),
                ScopeKind::While => "while".into(),
                ScopeKind::If => "if".into(),
            }
        }
    }
}
