//! Statement bodies: params, consts and lets in dependency order, then the steps and
//! `foreach`/`while`/`if` scopes of each body.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;

impl Checker<'_> {
    pub(in crate::check) fn check_workflow(&mut self, module: ModuleId, wid: WorkflowId, env: &WfEnv) {
        let wf = self.wf_ast(wid);
        let settings = self.check_settings(wf, env, module);
        let init = self.check_decls(wid, wf, env, module);
        let mut ctx = Ctx::new(module, StepRefs::Allowed(None));
        let (body, _) = self.check_body(&wf.body, env, &mut ctx, Place::Workflow);
        let mut outputs = Vec::new();
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
                let value = self.expect(value, &declared, env, &mut ctx, "this output");
                outputs.push(TOutput {
                    name: name.name.clone(),
                    ty: declared,
                    value,
                });
            }
        }
        self.workflow_nodes[wid.0 as usize] = Some(TWorkflow {
            id: wid,
            module: self.modules[module.0 as usize].path.clone(),
            span: wf.span,
            init,
            settings,
            body,
            outputs,
        });
    }

    /// Params, consts and lets of the workflow: ordered by their references, cycles
    /// reported, values checked in that order. Returns the values in that order.
    pub(in crate::check) fn check_decls(
        &mut self,
        wid: WorkflowId,
        wf: &Workflow,
        env: &WfEnv,
        module: ModuleId,
    ) -> Vec<TInit> {
        struct Decl<'w> {
            binding: BindingId,
            value: Option<&'w Expr>,
            annotated: bool,
            kind: &'static str,
            init: TInitKind,
            name: &'w str,
        }
        let mut decls: Vec<Decl<'_>> = Vec::new();
        let mut index: HashMap<BindingId, usize> = HashMap::new();
        for stmt in &wf.body {
            let (name, value, annotated, kind, init) = match &stmt.kind {
                StmtKind::Param { name, default, .. } => {
                    (name, default.as_ref(), true, "a param default", TInitKind::ParamDefault)
                }
                StmtKind::Const { name, value, ty } => (name, Some(value), ty.is_some(), "a const", TInitKind::Const),
                StmtKind::Let { name, value, ty } => (name, Some(value), ty.is_some(), "a let", TInitKind::Let),
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
                | StmtKind::Error { .. } => continue,
            };
            let Some(&binding) = self.sites.bindings.get(&name.span) else {
                continue;
            };
            index.insert(binding, decls.len());
            decls.push(Decl {
                binding,
                value,
                annotated,
                kind,
                init,
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
        let mut values = Vec::with_capacity(decls.len());
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
            if d.annotated {
                let declared = self.program.binding(d.binding).ty.clone();
                self.require(&found.ty, &declared, value.span, "this value");
            } else {
                self.infer_binding(d.binding, found.ty.clone(), value);
            }
            values.push(TInit {
                binding: d.binding,
                kind: d.init,
                value: found,
            });
        }
        self.program.workflows[wid.0 as usize].init_order = order;
        values
    }

    pub(in crate::check) fn infer_binding(&mut self, b: BindingId, found: Type, value: &Expr) {
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

    /// Checks the statements of a body; locals it introduces are gone afterwards. Returns
    /// the body and the `next` updates written directly in it.
    pub(in crate::check) fn check_body(
        &mut self,
        body: &[Stmt],
        env: &WfEnv,
        ctx: &mut Ctx,
        place: Place,
    ) -> (TBody, Vec<(BindingId, TExpr)>) {
        let saved = ctx.locals.len();
        let mut out = TBody::default();
        let mut next = Vec::new();
        if place != Place::Workflow {
            out.lets = self.body_lets(body, env, ctx);
        }
        for stmt in body {
            match &stmt.kind {
                StmtKind::Param { .. } | StmtKind::Const { .. } | StmtKind::Output { .. }
                    if place != Place::Workflow =>
                {
                    let what = match &stmt.kind {
                        StmtKind::Param { .. } => "`param`",
                        StmtKind::Const { .. } => "`const`",
                        StmtKind::Let { .. }
                        | StmtKind::Output { .. }
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
                        | StmtKind::Error { .. } => "`output`",
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
                | StmtKind::Trigger(_)
                | StmtKind::Tags(_)
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
                        next.extend(self.check_next(bindings, env, ctx));
                    } else {
                        self.error(CheckError::Misplaced {
                            what: "`next`".into(),
                            place: place.describe().into(),
                            span: stmt.span,
                            help: Some("`next` updates the variables of the `while` loop it is directly in".into()),
                        });
                    }
                }
                StmtKind::Step(step) => {
                    if let Some(node) = self.check_step(step, env, ctx) {
                        self.program.steps[node.id.0 as usize].slot = out.slot();
                        out.nodes.push(TNode::Step(Box::new(node)));
                    }
                }
                StmtKind::Foreach(l) => {
                    let Some(&id) = self.sites.scopes.get(&stmt.span) else {
                        continue;
                    };
                    let outer = ctx.steps;
                    ctx.steps = StepRefs::Allowed(Some(Node::Scope(id)));
                    let mut vars = Vec::new();
                    for (var, iter) in &l.vars {
                        let node = self.expr(iter, env, ctx);
                        let elem = self.element_type(&node.ty, iter.span, "`foreach`");
                        vars.push((var, elem, node));
                    }
                    let concurrency = l
                        .concurrency
                        .as_ref()
                        .map(|c| self.positive_int(c, env, ctx, "the `foreach` concurrency"));
                    ctx.steps = outer;
                    let saved_inner = ctx.locals.len();
                    let vars = vars
                        .into_iter()
                        .map(|(var, elem, node)| (self.local(var, BindingKind::LoopVar, elem, env, ctx), node))
                        .collect();
                    ctx.levels.push(ScopeLevel::Foreach(id));
                    let (body, _) = self.check_body(&l.body, env, ctx, Place::Foreach);
                    ctx.levels.pop();
                    ctx.locals.truncate(saved_inner);
                    self.program.scopes[id.0 as usize].slot = out.slot();
                    out.nodes.push(TNode::Foreach(TForeach {
                        id,
                        span: stmt.span,
                        vars,
                        concurrency,
                        body,
                    }));
                }
                StmtKind::While(l) => {
                    let Some(&id) = self.sites.scopes.get(&stmt.span) else {
                        continue;
                    };
                    let outer = ctx.steps;
                    ctx.steps = StepRefs::Allowed(Some(Node::Scope(id)));
                    let mut vars = Vec::new();
                    for (var, init) in &l.vars {
                        let node = self.expr(init, env, ctx);
                        vars.push((var, node, init));
                    }
                    let limit = l
                        .limit
                        .as_ref()
                        .map(|limit| self.positive_int(limit, env, ctx, "the `while` limit"));
                    let saved_inner = ctx.locals.len();
                    let mut var_nodes = Vec::with_capacity(vars.len());
                    for (var, node, init) in vars {
                        let t = node.ty.clone();
                        if t.is_vague() && !contains_error(&t) {
                            self.error(CheckError::CannotInfer {
                                what: "value",
                                span: init.span,
                                help: Some("start the variable with a value of its type, not `none` or `[]`".into()),
                            });
                        }
                        let b = self.local(var, BindingKind::WhileVar, t, env, ctx);
                        self.used[b.0 as usize] = true;
                        var_nodes.push((b, node));
                    }
                    let cond = self.expect(&l.cond, &Type::Bool, env, ctx, "the `while` condition");
                    ctx.steps = outer;
                    ctx.levels.push(ScopeLevel::While(id));
                    let (body, next) = self.check_body(&l.body, env, ctx, Place::While);
                    ctx.levels.pop();
                    ctx.locals.truncate(saved_inner);
                    self.program.scopes[id.0 as usize].slot = out.slot();
                    out.nodes.push(TNode::While(TWhile {
                        id,
                        span: stmt.span,
                        vars: var_nodes,
                        cond,
                        limit,
                        next,
                        body,
                    }));
                }
                StmtKind::If(i) => {
                    let Some(&id) = self.sites.scopes.get(&stmt.span) else {
                        continue;
                    };
                    let mut branches = Vec::with_capacity(i.branches.len());
                    for (n, branch) in i.branches.iter().enumerate() {
                        let outer = ctx.steps;
                        ctx.steps = StepRefs::Allowed(Some(Node::Scope(id)));
                        let cond = self.expect(&branch.cond, &Type::Bool, env, ctx, "the condition");
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
                        let (body, _) = self.check_body(&branch.body, env, ctx, Place::Branch);
                        ctx.levels.pop();
                        branches.push(TBranch { cond, body });
                    }
                    let else_body = i.else_body.as_ref().map(|body| {
                        ctx.levels.push(ScopeLevel::Branch(
                            id,
                            u32::try_from(i.branches.len()).unwrap_or(u32::MAX),
                        ));
                        let (body, _) = self.check_body(body, env, ctx, Place::Branch);
                        ctx.levels.pop();
                        body
                    });
                    self.program.scopes[id.0 as usize].slot = out.slot();
                    out.nodes.push(TNode::If(TIf {
                        id,
                        span: stmt.span,
                        branches,
                        else_body,
                    }));
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
                | StmtKind::Trigger(_)
                | StmtKind::Tags(_)
                | StmtKind::Error { .. } => {}
            }
        }
        ctx.locals.truncate(saved);
        (out, next)
    }

    /// Declares a local (loop variable, body `let`, `while` variable) and reports clashes.
    pub(in crate::check) fn local(
        &mut self,
        var: &Ident,
        kind: BindingKind,
        ty: Type,
        env: &WfEnv,
        ctx: &mut Ctx,
    ) -> BindingId {
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

    /// The `let`s of a loop or branch body, ordered by their references; returns them in
    /// that (evaluation) order.
    pub(in crate::check) fn body_lets(&mut self, body: &[Stmt], env: &WfEnv, ctx: &mut Ctx) -> Vec<(BindingId, TExpr)> {
        let lets: Vec<(&Ident, Option<&crate::syntax::ast::TypeExpr>, &Expr)> = body
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Let { name, ty, value } => Some((name, ty.as_ref(), value)),
                StmtKind::Param { .. }
                | StmtKind::Const { .. }
                | StmtKind::Output { .. }
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
                | StmtKind::Error { .. } => None,
            })
            .collect();
        if lets.is_empty() {
            return Vec::new();
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
        let mut out = Vec::with_capacity(lets.len());
        for &n in &analysis.order {
            let (name, ty, value) = lets[n];
            let mut errors = Vec::new();
            let declared = ty.map(|t| types::resolve(t, &mut errors));
            for e in errors {
                self.error(e);
            }
            let node = if cyclic[n] {
                TExpr::invalid(value.span)
            } else {
                let outer = ctx.steps;
                ctx.steps = StepRefs::Forbidden("a let");
                let found = self.expr(value, env, ctx);
                ctx.steps = outer;
                if let Some(d) = &declared {
                    self.require(&found.ty, d, value.span, "this value");
                }
                found
            };
            let b = self.local(name, BindingKind::Let, declared.unwrap_or(Type::Error), env, ctx);
            if ty.is_none() {
                self.infer_binding(b, node.ty.clone(), value);
            }
            out.push((b, node));
        }
        out
    }

    /// The updates of one `next`, each with the `while` variable it sets.
    pub(in crate::check) fn check_next(
        &mut self,
        bindings: &[(Ident, Expr)],
        env: &WfEnv,
        ctx: &mut Ctx,
    ) -> Vec<(BindingId, TExpr)> {
        let mut out = Vec::with_capacity(bindings.len());
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
                    let t = self.program.binding(b).ty.clone();
                    self.require(&found.ty, &t, value.span, "the next value");
                    out.push((b, found));
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
        out
    }
}
