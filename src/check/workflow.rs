//! Checking workflows: declarations, settings, statements, steps and their clauses.

use std::collections::HashMap;

use super::error::{CheckError, CheckWarning};
use super::expr::{Ctx, StepRefs};
use super::names::free_names;
use super::ty::Type;
use super::{
    cron, graph, types, BindingId, BindingKind, Checker, Edge, Node, ScopeId, ScopeInfo, ScopeKind, ScopeLevel, StepId,
    StepInfo, Target, WfEnv, WorkflowId,
};
use crate::base::ids::ModuleId;
use crate::base::span::Span;
use crate::diagnostics::suggest::did_you_mean;
use crate::syntax::ast::{
    Backoff, ClauseKind, Expr, ExprKind, FailureMode, Ident, Retry, Step, Stmt, StmtKind, Strategy, UnaryOp, Workflow,
};

/// The `output` declarations of a workflow, with their declared types.
pub(super) fn declared_outputs(wf: &Workflow, errors: &mut Vec<CheckError>) -> Vec<(String, Type)> {
    let mut out: Vec<(String, Type)> = Vec::new();
    let mut spans: HashMap<&str, Span> = HashMap::new();
    for stmt in &wf.body {
        if let StmtKind::Output { name, ty, .. } = &stmt.kind {
            if let Some(first) = spans.get(name.name.as_str()) {
                errors.push(CheckError::Duplicate {
                    name: name.name.clone(),
                    span: name.span,
                    first: *first,
                    help: Some("each output of a workflow needs its own name".into()),
                });
                continue;
            }
            spans.insert(&name.name, name.span);
            out.push((name.name.clone(), types::resolve(ty, errors)));
        }
    }
    out
}

/// Where a body is, for what it may hold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Workflow,
    Foreach,
    While,
    Branch,
}

impl Place {
    fn describe(self) -> &'static str {
        match self {
            Place::Workflow => "at the top of a workflow",
            Place::Foreach => "inside a `foreach`",
            Place::While => "inside a `while`",
            Place::Branch => "inside an `if`",
        }
    }
}

fn each_step<'s>(body: &'s [Stmt], f: &mut dyn FnMut(&'s Step)) {
    for stmt in body {
        match &stmt.kind {
            StmtKind::Step(step) => f(step),
            StmtKind::Foreach(l) => each_step(&l.body, f),
            StmtKind::While(l) => each_step(&l.body, f),
            StmtKind::If(i) => {
                for b in &i.branches {
                    each_step(&b.body, f);
                }
                if let Some(e) = &i.else_body {
                    each_step(e, f);
                }
            }
            _ => {}
        }
    }
}

fn workflow_failure_mode(wf: &Workflow) -> Option<FailureMode> {
    wf.body.iter().find_map(|s| match &s.kind {
        StmtKind::OnFailure(m) => Some(m.node),
        _ => None,
    })
}

impl<'a> Checker<'a> {
    fn wf_ast(&self, wid: WorkflowId) -> &'a Workflow {
        let info = self.program.workflow(wid);
        let modules: &'a [super::module::Module] = self.modules;
        match &modules[info.module.0 as usize].ast.items[info.item] {
            crate::syntax::ast::Item::Workflow(wf) => wf,
            _ => unreachable!("workflow ids point at workflow items"),
        }
    }

    fn insert_name(&mut self, env: &mut WfEnv, ident: &Ident, target: Target) {
        if let Some((_, first)) = env.names.get(&ident.name) {
            self.error(CheckError::Duplicate {
                name: ident.name.clone(),
                span: ident.span,
                first: *first,
                help: Some(
                    "params, consts, lets and steps of a workflow share one namespace; rename one of them".into(),
                ),
            });
            // The duplicate is reported; do not also call it unused.
            if let Target::Binding(b) = target {
                if let Some(u) = self.used.get_mut(b.0 as usize) {
                    *u = true;
                }
            }
            return;
        }
        env.names.insert(ident.name.clone(), (target, ident.span));
        let module = env.id.map(|w| self.program.workflow(w).module);
        if let Some(import) = module
            .and_then(|m| self.scopes.get(m.0 as usize))
            .and_then(|s| s.imports.get(&ident.name))
            .map(|info| info.span)
        {
            self.warning(CheckWarning::ShadowsModule {
                name: ident.name.clone(),
                span: ident.span,
                import,
            });
        }
    }

    /// Registers a workflow's params, consts, lets, steps and scopes.
    pub(super) fn declare_workflow(&mut self, _module: ModuleId, wid: WorkflowId, wf: &Workflow) -> WfEnv {
        let mut env = WfEnv {
            id: Some(wid),
            names: HashMap::new(),
        };
        for stmt in &wf.body {
            let mut errors = Vec::new();
            match &stmt.kind {
                StmtKind::Param { name, ty, default } => {
                    let t = types::resolve(ty, &mut errors);
                    let b = self.new_binding(&name.name, BindingKind::Param, name.span, t);
                    self.program.workflows[wid.0 as usize]
                        .params
                        .push((b, default.is_some()));
                    self.insert_name(&mut env, name, Target::Binding(b));
                }
                StmtKind::Const { name, ty, .. } | StmtKind::Let { name, ty, .. } => {
                    let t = ty.as_ref().map_or(Type::Unknown, |t| types::resolve(t, &mut errors));
                    let kind = if matches!(stmt.kind, StmtKind::Const { .. }) {
                        BindingKind::Const
                    } else {
                        BindingKind::Let
                    };
                    let b = self.new_binding(&name.name, kind, name.span, t);
                    if kind == BindingKind::Const {
                        self.program.workflows[wid.0 as usize].consts.push(b);
                    }
                    self.insert_name(&mut env, name, Target::Binding(b));
                }
                StmtKind::Error { declares: Some(name) } => {
                    let b = self.new_binding(&name.name, BindingKind::Let, name.span, Type::Error);
                    self.used[b.0 as usize] = true;
                    self.insert_name(&mut env, name, Target::Binding(b));
                }
                _ => {}
            }
            for e in errors {
                self.error(e);
            }
        }
        let default_ignore = workflow_failure_mode(wf) == Some(FailureMode::Ignore);
        self.declare_steps(wid, &wf.body, &mut Vec::new(), &mut env, default_ignore);
        env
    }

    fn declare_steps(
        &mut self,
        wid: WorkflowId,
        body: &[Stmt],
        levels: &mut Vec<ScopeLevel>,
        env: &mut WfEnv,
        default_ignore: bool,
    ) {
        for stmt in body {
            match &stmt.kind {
                StmtKind::Step(step) => {
                    let id = StepId(u32::try_from(self.program.steps.len()).unwrap_or(u32::MAX));
                    let mut errors = Vec::new();
                    let mut outputs: Vec<(String, Type)> = Vec::new();
                    let mut ignore = default_ignore;
                    for clause in &step.clauses {
                        match &clause.kind {
                            ClauseKind::Outputs(fields) => {
                                for (name, te) in fields {
                                    if let Some(prev) = fields
                                        .iter()
                                        .take_while(|(n, _)| n.span != name.span)
                                        .find(|(n, _)| n.name == name.name)
                                    {
                                        errors.push(CheckError::Duplicate {
                                            name: name.name.clone(),
                                            span: name.span,
                                            first: prev.0.span,
                                            help: Some("each output of a step needs its own name".into()),
                                        });
                                        continue;
                                    }
                                    outputs.push((name.name.clone(), types::resolve(te, &mut errors)));
                                }
                            }
                            ClauseKind::OnFailure(mode) => ignore = *mode == FailureMode::Ignore,
                            _ => {}
                        }
                    }
                    for e in errors {
                        self.error(e);
                    }
                    self.program.steps.push(StepInfo {
                        name: step.name.name.clone(),
                        workflow: wid,
                        span: step.name.span,
                        scopes: levels.clone(),
                        outputs,
                        ignore_failure: ignore,
                        deps: Vec::new(),
                        calls: None,
                    });
                    self.program.step_sites.insert(step.name.span, id);
                    self.program.workflows[wid.0 as usize].steps.push(id);
                    self.insert_name(env, &step.name, Target::Step(id));
                }
                StmtKind::Foreach(l) => {
                    let id = self.new_scope(ScopeKind::Foreach, wid, stmt.span, levels);
                    levels.push(ScopeLevel::Foreach(id));
                    self.declare_steps(wid, &l.body, levels, env, default_ignore);
                    levels.pop();
                }
                StmtKind::While(l) => {
                    let id = self.new_scope(ScopeKind::While, wid, stmt.span, levels);
                    levels.push(ScopeLevel::While(id));
                    self.declare_steps(wid, &l.body, levels, env, default_ignore);
                    levels.pop();
                }
                StmtKind::If(i) => {
                    let id = self.new_scope(ScopeKind::If, wid, stmt.span, levels);
                    for (n, b) in i.branches.iter().enumerate() {
                        levels.push(ScopeLevel::Branch(id, u32::try_from(n).unwrap_or(u32::MAX)));
                        self.declare_steps(wid, &b.body, levels, env, default_ignore);
                        levels.pop();
                    }
                    if let Some(e) = &i.else_body {
                        levels.push(ScopeLevel::Branch(
                            id,
                            u32::try_from(i.branches.len()).unwrap_or(u32::MAX),
                        ));
                        self.declare_steps(wid, e, levels, env, default_ignore);
                        levels.pop();
                    }
                }
                _ => {}
            }
        }
    }

    fn new_scope(&mut self, kind: ScopeKind, wid: WorkflowId, span: Span, levels: &[ScopeLevel]) -> ScopeId {
        let id = ScopeId(u32::try_from(self.program.scopes.len()).unwrap_or(u32::MAX));
        self.program.scopes.push(ScopeInfo {
            kind,
            workflow: wid,
            span,
            levels: levels.to_vec(),
            deps: Vec::new(),
        });
        self.program.scope_sites.insert(span, id);
        if let Some(outer) = levels.last() {
            let outer = match outer {
                ScopeLevel::Foreach(s) | ScopeLevel::While(s) | ScopeLevel::Branch(s, _) => *s,
            };
            self.edges.push(Edge {
                from: Node::Scope(outer),
                to: Node::Scope(id),
                span,
                after: false,
            });
        }
        id
    }

    /// Resolves the targets of `call` steps, so their outputs are known before any
    /// expression refers to them.
    pub(super) fn resolve_calls(&mut self, module: ModuleId, wid: WorkflowId, _env: &WfEnv) {
        let wf = self.wf_ast(wid);
        let mut calls: Vec<(StepId, Vec<Ident>, Span)> = Vec::new();
        each_step(&wf.body, &mut |step| {
            for clause in &step.clauses {
                if let ClauseKind::Call { target, .. } = &clause.kind {
                    if let Some(id) = self.program.step_sites.get(&step.name.span) {
                        calls.push((*id, target.clone(), clause.span));
                    }
                }
            }
        });
        for (sid, target, span) in calls {
            let Some(callee) = self.find_callee(module, &target) else {
                self.unresolved_calls.insert(sid);
                continue;
            };
            self.wf_calls.push((wid, callee, span));
            self.program.call_targets.insert(sid, callee);
            let outputs = self.program.workflow(callee).outputs.clone();
            let step = &mut self.program.steps[sid.0 as usize];
            step.calls = Some(callee);
            step.outputs = outputs;
        }
    }

    fn find_callee(&mut self, module: ModuleId, target: &[Ident]) -> Option<WorkflowId> {
        let (scope_module, name) = match target {
            [name] => (module, name),
            [alias, name] => {
                let scope = &mut self.scopes[module.0 as usize];
                match scope.imports.get_mut(&alias.name) {
                    Some(info) => {
                        info.used = true;
                        (info.module?, name)
                    }
                    None => {
                        let help = did_you_mean(&alias.name, scope.imports.keys().map(String::as_str));
                        self.error(CheckError::Undefined {
                            name: alias.name.clone(),
                            span: alias.span,
                            help,
                        });
                        return None;
                    }
                }
            }
            _ => return None,
        };
        let scope = &self.scopes[scope_module.0 as usize];
        if let Some(w) = scope.workflows.get(&name.name) {
            return Some(*w);
        }
        let help = did_you_mean(&name.name, scope.workflows.keys().map(String::as_str)).or_else(|| {
            scope.fns.contains_key(&name.name).then(|| {
                format!(
                    "`{}` is a function; call it in an expression, not with `call`",
                    name.name
                )
            })
        });
        self.error(CheckError::UnknownWorkflow {
            name: target.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join("."),
            span: name.span,
            help,
        });
        None
    }

    pub(super) fn check_workflow(&mut self, module: ModuleId, wid: WorkflowId, env: &WfEnv) {
        let wf = self.wf_ast(wid);
        self.check_settings(wf, env, module);
        self.check_decls(wid, wf, env, module);
        let mut ctx = Ctx::new(module, StepRefs::Allowed(None));
        self.check_body(&wf.body, env, &mut ctx, Place::Workflow);
        for stmt in &wf.body {
            if let StmtKind::Output { name, value, .. } = &stmt.kind {
                let declared = self
                    .program
                    .workflow(wid)
                    .outputs
                    .iter()
                    .find(|(n, _)| *n == name.name)
                    .map_or(Type::Error, |(_, t)| t.clone());
                let mut ctx = Ctx::new(module, StepRefs::Allowed(None));
                self.expect(value, &declared, env, &mut ctx, "this output");
            }
        }
    }

    /// Workflow-level settings: each at most once, each well-typed.
    fn check_settings(&mut self, wf: &Workflow, env: &WfEnv, module: ModuleId) {
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

    fn check_cron(&mut self, text: &str, span: Span) {
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

    pub(super) fn positive_int(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx, what: &str) {
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

    pub(super) fn positive_duration(&mut self, e: &Expr, env: &WfEnv, ctx: &mut Ctx, what: &str) {
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

    pub(super) fn check_retry_policy(&mut self, r: &Retry, env: &WfEnv, ctx: &mut Ctx) {
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

    /// Params, consts and lets of the workflow: ordered by their references, cycles
    /// reported, values checked in that order.
    fn check_decls(&mut self, wid: WorkflowId, wf: &Workflow, env: &WfEnv, module: ModuleId) {
        struct Decl<'w> {
            binding: BindingId,
            value: Option<&'w Expr>,
            annotated: bool,
            kind: &'static str,
            name: &'w str,
        }
        let mut decls: Vec<Decl<'_>> = Vec::new();
        let mut index: HashMap<BindingId, usize> = HashMap::new();
        for stmt in &wf.body {
            let (name, value, annotated, kind) = match &stmt.kind {
                StmtKind::Param { name, default, .. } => (name, default.as_ref(), true, "a param default"),
                StmtKind::Const { name, value, ty } => (name, Some(value), ty.is_some(), "a const"),
                StmtKind::Let { name, value, ty } => (name, Some(value), ty.is_some(), "a let"),
                _ => continue,
            };
            let Some(&binding) = self.program.binding_sites.get(&name.span) else {
                continue;
            };
            index.insert(binding, decls.len());
            decls.push(Decl {
                binding,
                value,
                annotated,
                kind,
                name: &name.name,
            });
        }
        let mut edges = Vec::new();
        let mut edge_spans: HashMap<(usize, usize), Span> = HashMap::new();
        for (i, d) in decls.iter().enumerate() {
            let Some(value) = d.value else { continue };
            let mut names = Vec::new();
            free_names(value, &mut Vec::new(), &mut names);
            for (name, span) in names {
                if let Some((Target::Binding(b), _)) = env.names.get(name) {
                    if let Some(&j) = index.get(b) {
                        edges.push((j, i));
                        edge_spans.entry((j, i)).or_insert(span);
                    }
                }
            }
        }
        let analysis = graph::analyse(decls.len(), &edges);
        let mut cyclic = vec![false; decls.len()];
        for cycle in &analysis.cycles {
            for &n in cycle {
                cyclic[n] = true;
            }
            // cycle [a, b] : a → b → a (b uses a, a uses b). Read as "a uses b uses a".
            let uses: Vec<usize> = cycle.iter().rev().copied().collect();
            let names: Vec<String> = uses.iter().map(|&n| decls[n].name.to_string()).collect();
            let first = uses[0];
            let next = uses.get(1).copied().unwrap_or(first);
            let span = edge_spans.get(&(next, first)).copied().unwrap_or_default();
            self.error(CheckError::CyclicValue {
                name: names[0].clone(),
                cycle: graph::describe_cycle(&names),
                span,
            });
        }
        let mut order = Vec::with_capacity(decls.len());
        for &n in &analysis.order {
            let d = &decls[n];
            order.push(d.binding);
            if cyclic[n] {
                self.used[d.binding.0 as usize] = true;
                if !d.annotated {
                    self.program.bindings[d.binding.0 as usize].ty = Type::Error;
                }
                continue;
            }
            let Some(value) = d.value else { continue };
            let mut ctx = Ctx::new(module, StepRefs::Forbidden(d.kind));
            let found = self.expr(value, env, &mut ctx);
            let declared = self.program.binding(d.binding).ty.clone();
            if d.annotated {
                self.require(&found, &declared, value.span, "this value");
            } else {
                self.infer_binding(d.binding, found, value);
            }
        }
        self.program.workflows[wid.0 as usize].init_order = order;
    }

    fn infer_binding(&mut self, b: BindingId, found: Type, value: &Expr) {
        if found.is_vague() && !contains_error(&found) {
            let what = if matches!(found, Type::Optional(_)) {
                "value"
            } else if matches!(found, Type::Map(_)) {
                "map"
            } else {
                "list"
            };
            self.error(CheckError::CannotInfer {
                what,
                span: value.span,
                help: Some(format!(
                    "write its type: `let {}: list<string> = …`",
                    self.program.binding(b).name
                )),
            });
            self.program.bindings[b.0 as usize].ty = Type::Error;
            return;
        }
        self.program.bindings[b.0 as usize].ty = found;
    }

    /// Checks the statements of a body; locals it introduces are gone afterwards.
    fn check_body(&mut self, body: &[Stmt], env: &WfEnv, ctx: &mut Ctx, place: Place) {
        let saved = ctx.locals.len();
        if place != Place::Workflow {
            self.body_lets(body, env, ctx);
        }
        for stmt in body {
            match &stmt.kind {
                StmtKind::Param { .. } | StmtKind::Const { .. } | StmtKind::Output { .. }
                    if place != Place::Workflow =>
                {
                    let what = match &stmt.kind {
                        StmtKind::Param { .. } => "`param`",
                        StmtKind::Const { .. } => "`const`",
                        _ => "`output`",
                    };
                    self.error(CheckError::Misplaced {
                        what: what.into(),
                        place: place.describe().into(),
                        span: stmt.span,
                        help: Some(format!("move the {what} to the top level of the workflow")),
                    });
                }
                StmtKind::Concurrency(_)
                | StmtKind::Timeout(_)
                | StmtKind::Retry(_)
                | StmtKind::OnFailure(_)
                | StmtKind::Strategy(_)
                | StmtKind::Schedule(..)
                    if place != Place::Workflow =>
                {
                    self.error(CheckError::Misplaced {
                        what: "a workflow setting".into(),
                        place: place.describe().into(),
                        span: stmt.span,
                        help: Some("settings apply to a whole workflow or to one step: move it to the top of the workflow or into a step".into()),
                    });
                }
                StmtKind::Next(bindings) => {
                    if place == Place::While {
                        self.check_next(bindings, env, ctx);
                    } else {
                        self.error(CheckError::Misplaced {
                            what: "`next`".into(),
                            place: place.describe().into(),
                            span: stmt.span,
                            help: Some("`next` updates the variables of the `while` loop it is directly in".into()),
                        });
                    }
                }
                StmtKind::Step(step) => self.check_step(step, env, ctx),
                StmtKind::Foreach(l) => {
                    let Some(&id) = self.program.scope_sites.get(&stmt.span) else {
                        continue;
                    };
                    let outer = ctx.steps;
                    ctx.steps = StepRefs::Allowed(Some(Node::Scope(id)));
                    let mut vars = Vec::new();
                    for (var, iter) in &l.vars {
                        let t = self.expr(iter, env, ctx);
                        let elem = self.element_type(&t, iter.span, "`foreach`");
                        vars.push((var, elem));
                    }
                    if let Some(c) = &l.concurrency {
                        self.positive_int(c, env, ctx, "the `foreach` concurrency");
                    }
                    ctx.steps = outer;
                    let saved_inner = ctx.locals.len();
                    for (var, elem) in vars {
                        self.local(var, BindingKind::LoopVar, elem, env, ctx);
                    }
                    ctx.levels.push(ScopeLevel::Foreach(id));
                    self.check_body(&l.body, env, ctx, Place::Foreach);
                    ctx.levels.pop();
                    ctx.locals.truncate(saved_inner);
                }
                StmtKind::While(l) => {
                    let Some(&id) = self.program.scope_sites.get(&stmt.span) else {
                        continue;
                    };
                    let outer = ctx.steps;
                    ctx.steps = StepRefs::Allowed(Some(Node::Scope(id)));
                    let mut vars = Vec::new();
                    for (var, init) in &l.vars {
                        let t = self.expr(init, env, ctx);
                        vars.push((var, t, init));
                    }
                    if let Some(limit) = &l.limit {
                        self.positive_int(limit, env, ctx, "the `while` limit");
                    }
                    let saved_inner = ctx.locals.len();
                    for (var, t, init) in vars {
                        if t.is_vague() && !contains_error(&t) {
                            self.error(CheckError::CannotInfer {
                                what: "value",
                                span: init.span,
                                help: Some("start the variable with a value of its type, not `none` or `[]`".into()),
                            });
                        }
                        let b = self.local(var, BindingKind::WhileVar, t, env, ctx);
                        self.used[b.0 as usize] = true;
                    }
                    self.expect(&l.cond, &Type::Bool, env, ctx, "the `while` condition");
                    ctx.steps = outer;
                    ctx.levels.push(ScopeLevel::While(id));
                    self.check_body(&l.body, env, ctx, Place::While);
                    ctx.levels.pop();
                    ctx.locals.truncate(saved_inner);
                }
                StmtKind::If(i) => {
                    let Some(&id) = self.program.scope_sites.get(&stmt.span) else {
                        continue;
                    };
                    for (n, branch) in i.branches.iter().enumerate() {
                        let outer = ctx.steps;
                        ctx.steps = StepRefs::Allowed(Some(Node::Scope(id)));
                        self.expect(&branch.cond, &Type::Bool, env, ctx, "the condition");
                        ctx.steps = outer;
                        if matches!(branch.cond.kind, ExprKind::Bool(false)) {
                            each_step(&branch.body, &mut |step| {
                                self.warning(CheckWarning::NeverRuns {
                                    name: step.name.name.clone(),
                                    span: step.name.span,
                                    cond: branch.cond.span,
                                });
                            });
                        }
                        ctx.levels
                            .push(ScopeLevel::Branch(id, u32::try_from(n).unwrap_or(u32::MAX)));
                        self.check_body(&branch.body, env, ctx, Place::Branch);
                        ctx.levels.pop();
                    }
                    if let Some(body) = &i.else_body {
                        ctx.levels.push(ScopeLevel::Branch(
                            id,
                            u32::try_from(i.branches.len()).unwrap_or(u32::MAX),
                        ));
                        self.check_body(body, env, ctx, Place::Branch);
                        ctx.levels.pop();
                    }
                }
                StmtKind::Let { .. }
                | StmtKind::Param { .. }
                | StmtKind::Const { .. }
                | StmtKind::Output { .. }
                | StmtKind::Concurrency(_)
                | StmtKind::Timeout(_)
                | StmtKind::Retry(_)
                | StmtKind::OnFailure(_)
                | StmtKind::Strategy(_)
                | StmtKind::Schedule(..)
                | StmtKind::Error { .. } => {}
            }
        }
        ctx.locals.truncate(saved);
    }

    /// Declares a local (loop variable, body `let`, `while` variable) and reports clashes.
    fn local(&mut self, var: &Ident, kind: BindingKind, ty: Type, env: &WfEnv, ctx: &mut Ctx) -> BindingId {
        if let Some((_, first)) = env.names.get(&var.name) {
            self.error(CheckError::Duplicate {
                name: var.name.clone(),
                span: var.span,
                first: *first,
                help: Some("a name inside a body cannot reuse a name of its workflow; rename it".into()),
            });
        } else if let Some((_, b)) = ctx.locals.iter().rev().find(|(n, _)| *n == var.name) {
            let first = self.program.binding(*b).span;
            self.error(CheckError::Duplicate {
                name: var.name.clone(),
                span: var.span,
                first,
                help: Some("it is already defined in an enclosing body; rename it".into()),
            });
        }
        if let Some(info) = self.scopes[ctx.module.0 as usize].imports.get(&var.name) {
            let import = info.span;
            self.warning(CheckWarning::ShadowsModule {
                name: var.name.clone(),
                span: var.span,
                import,
            });
        }
        let b = self.new_binding(&var.name, kind, var.span, ty);
        ctx.locals.push((var.name.clone(), b));
        b
    }

    /// The `let`s of a loop or branch body, ordered by their references.
    fn body_lets(&mut self, body: &[Stmt], env: &WfEnv, ctx: &mut Ctx) {
        let lets: Vec<(&Ident, Option<&crate::syntax::ast::TypeExpr>, &Expr)> = body
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Let { name, ty, value } => Some((name, ty.as_ref(), value)),
                _ => None,
            })
            .collect();
        if lets.is_empty() {
            return;
        }
        let mut edges = Vec::new();
        let mut edge_spans: HashMap<(usize, usize), Span> = HashMap::new();
        // First declaration of each name (a duplicate is reported elsewhere).
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(lets.len());
        for (j, (n, _, _)) in lets.iter().enumerate() {
            index.entry(n.name.as_str()).or_insert(j);
        }
        for (i, (_, _, value)) in lets.iter().enumerate() {
            let mut names = Vec::new();
            free_names(value, &mut Vec::new(), &mut names);
            for (name, span) in names {
                if let Some(&j) = index.get(name) {
                    edges.push((j, i));
                    edge_spans.entry((j, i)).or_insert(span);
                }
            }
        }
        let analysis = graph::analyse(lets.len(), &edges);
        let mut cyclic = vec![false; lets.len()];
        for cycle in &analysis.cycles {
            for &n in cycle {
                cyclic[n] = true;
            }
            let uses: Vec<usize> = cycle.iter().rev().copied().collect();
            let names: Vec<String> = uses.iter().map(|&n| lets[n].0.name.clone()).collect();
            let next = uses.get(1).copied().unwrap_or(uses[0]);
            self.error(CheckError::CyclicValue {
                name: names[0].clone(),
                cycle: graph::describe_cycle(&names),
                span: edge_spans.get(&(next, uses[0])).copied().unwrap_or_default(),
            });
        }
        for (rank, &n) in analysis.order.iter().enumerate() {
            let (name, ty, value) = lets[n];
            let mut errors = Vec::new();
            let declared = ty.map(|t| types::resolve(t, &mut errors));
            for e in errors {
                self.error(e);
            }
            let t = if cyclic[n] {
                Type::Error
            } else {
                let outer = ctx.steps;
                ctx.steps = StepRefs::Forbidden("a let");
                let found = self.expr(value, env, ctx);
                ctx.steps = outer;
                if let Some(d) = &declared {
                    self.require(&found, d, value.span, "this value");
                }
                found
            };
            let b = self.local(name, BindingKind::Let, declared.unwrap_or(Type::Error), env, ctx);
            self.program.let_rank.insert(b, u32::try_from(rank).unwrap_or(u32::MAX));
            if ty.is_none() {
                self.infer_binding(b, t, value);
            }
        }
    }

    fn check_next(&mut self, bindings: &[(Ident, Expr)], env: &WfEnv, ctx: &mut Ctx) {
        for (i, (name, value)) in bindings.iter().enumerate() {
            if let Some((first, _)) = bindings[..i].iter().find(|(n, _)| n.name == name.name) {
                self.error(CheckError::Duplicate {
                    name: name.name.clone(),
                    span: name.span,
                    first: first.span,
                    help: Some("a `next` sets each variable once; remove one of them".into()),
                });
            }
            let var = ctx
                .locals
                .iter()
                .rev()
                .find(|(n, b)| *n == name.name && self.program.binding(*b).kind == BindingKind::WhileVar)
                .map(|(_, b)| *b);
            let outer = ctx.steps;
            let scope = match ctx.levels.last() {
                Some(ScopeLevel::While(id)) => Some(Node::Scope(*id)),
                _ => None,
            };
            ctx.steps = StepRefs::Allowed(scope);
            let found = self.expr(value, env, ctx);
            ctx.steps = outer;
            match var {
                Some(b) => {
                    self.program
                        .resolutions
                        .insert(name.span, super::Resolution::Binding(b));
                    let t = self.program.binding(b).ty.clone();
                    self.require(&found, &t, value.span, "the next value");
                }
                None => {
                    let vars: Vec<&str> = ctx
                        .locals
                        .iter()
                        .filter(|(_, b)| self.program.binding(*b).kind == BindingKind::WhileVar)
                        .map(|(n, _)| n.as_str())
                        .collect();
                    let help = did_you_mean(&name.name, vars.iter().copied()).or_else(|| {
                        Some(format!(
                            "declare it in the loop header: `while … with {} = …`",
                            name.name
                        ))
                    });
                    self.error(CheckError::UnknownWhileVar {
                        name: name.name.clone(),
                        span: name.span,
                        help,
                    });
                }
            }
        }
    }
}

fn contains_error(t: &Type) -> bool {
    match t {
        Type::Error => true,
        Type::List(i) | Type::Map(i) | Type::Optional(i) => contains_error(i),
        Type::Record(f) => f.iter().any(|(_, t)| contains_error(t)),
        _ => false,
    }
}
