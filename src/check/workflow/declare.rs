//! Declaring a workflow: its names, steps and scopes get ids; `call` targets are resolved.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;

impl<'a> Checker<'a> {
    pub(in crate::check) fn wf_ast(&self, wid: WorkflowId) -> &'a Workflow {
        let info = self.program.workflow(wid);
        let modules: &'a [crate::check::module::Module] = self.modules;
        match &modules[info.module.0 as usize].ast.items[info.item] {
            crate::syntax::ast::Item::Workflow(wf) => wf,
            crate::syntax::ast::Item::Import(_)
            | crate::syntax::ast::Item::Fn(_)
            | crate::syntax::ast::Item::Error { .. } => unreachable!("workflow ids point at workflow items"),
        }
    }

    pub(in crate::check) fn insert_name(&mut self, env: &mut WfEnv, ident: &Ident, target: Target) {
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
    pub(in crate::check) fn declare_workflow(&mut self, _module: ModuleId, wid: WorkflowId, wf: &Workflow) -> WfEnv {
        let mut env = WfEnv {
            id: Some(wid),
            names: HashMap::new(),
        };
        for stmt in &wf.body {
            let mut errors = Vec::new();
            match &stmt.kind {
                StmtKind::Param {
                    name,
                    ty,
                    default,
                    fixed,
                } => {
                    let t = types::resolve(ty, &mut errors);
                    let b = self.new_binding(&name.name, BindingKind::Param, name.span, t);
                    let info = &mut self.program.workflows[wid.0 as usize];
                    info.params.push((b, default.is_some()));
                    if fixed.is_some() {
                        info.fixed.push(b);
                    }
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
                StmtKind::Output { .. }
                | StmtKind::Concurrency(_)
                | StmtKind::Timeout(_)
                | StmtKind::Retry(_)
                | StmtKind::OnFailure(_)
                | StmtKind::Strategy(_)
                | StmtKind::Schedule(..)
                | StmtKind::Trigger(_)
                | StmtKind::Tags(_)
                | StmtKind::Step(_)
                | StmtKind::Foreach(_)
                | StmtKind::While(_)
                | StmtKind::If(_)
                | StmtKind::Next(_)
                | StmtKind::Error { .. } => {}
            }
            for e in errors {
                self.error(e);
            }
        }
        let default_ignore = workflow_failure_mode(wf) == Some(FailureMode::Ignore);
        self.declare_steps(wid, &wf.body, &mut Vec::new(), &mut env, default_ignore);
        env
    }

    pub(in crate::check) fn declare_steps(
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
                            ClauseKind::Run(_)
                            | ClauseKind::Exec(_)
                            | ClauseKind::Call { .. }
                            | ClauseKind::Sleep(_)
                            | ClauseKind::Wait { .. }
                            | ClauseKind::Env(_)
                            | ClauseKind::Dir(_)
                            | ClauseKind::Image(_)
                            | ClauseKind::Profile(_)
                            | ClauseKind::Resources(_)
                            | ClauseKind::Emit { .. }
                            | ClauseKind::After(_)
                            | ClauseKind::Retry(_)
                            | ClauseKind::Timeout(_) => {}
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
                        slot: 0,
                    });
                    self.sites.steps.insert(step.name.span, id);
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
                StmtKind::Param { .. }
                | StmtKind::Const { .. }
                | StmtKind::Let { .. }
                | StmtKind::Output { .. }
                | StmtKind::Concurrency(_)
                | StmtKind::Timeout(_)
                | StmtKind::Retry(_)
                | StmtKind::OnFailure(_)
                | StmtKind::Strategy(_)
                | StmtKind::Schedule(..)
                | StmtKind::Trigger(_)
                | StmtKind::Tags(_)
                | StmtKind::Next(_)
                | StmtKind::Error { .. } => {}
            }
        }
    }

    pub(in crate::check) fn new_scope(
        &mut self,
        kind: ScopeKind,
        wid: WorkflowId,
        span: Span,
        levels: &[ScopeLevel],
    ) -> ScopeId {
        let id = ScopeId(u32::try_from(self.program.scopes.len()).unwrap_or(u32::MAX));
        self.program.scopes.push(ScopeInfo {
            kind,
            workflow: wid,
            span,
            levels: levels.to_vec(),
            deps: Vec::new(),
            slot: 0,
        });
        self.sites.scopes.insert(span, id);
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
    pub(in crate::check) fn resolve_calls(&mut self, module: ModuleId, wid: WorkflowId, _env: &WfEnv) {
        let wf = self.wf_ast(wid);
        let mut calls: Vec<(StepId, Vec<Ident>, Span)> = Vec::new();
        each_step(&wf.body, &mut |step| {
            for clause in &step.clauses {
                if let ClauseKind::Call { target, .. } = &clause.kind {
                    if let Some(id) = self.sites.steps.get(&step.name.span) {
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
            let outputs = self.program.workflow(callee).outputs.clone();
            let step = &mut self.program.steps[sid.0 as usize];
            step.calls = Some(callee);
            step.outputs = outputs;
        }
    }

    pub(in crate::check) fn find_callee(&mut self, module: ModuleId, target: &[Ident]) -> Option<WorkflowId> {
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
}
