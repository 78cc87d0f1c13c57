//! Lowering a checked program (AST + [`Program`] facts) to the IR.

use std::collections::HashMap;

use petgraph::graph::NodeIndex;

use super::expr::{IrExpr, IrExprKind, IrStrPart, PathLevel};
use super::node::{
    Action, Body, Edge, EdgeKind, InitKind, Ir, IrBackoff, IrBranch, IrEmit, IrFn, IrForeach, IrIf, IrInit, IrOutput,
    IrParam, IrRetry, IrStep, IrStrategy, IrWhile, IrWorkflow, Node, Settings,
};
use super::policy::{FailureMode, RetryOn};
use super::Builtin;
use crate::check::module::Module;
use crate::check::Checked;
use crate::check::{BindingId, Dependent, FastMap, Program, Resolution, ScopeLevel, StepId, WorkflowId};
use crate::syntax::ast::{
    Backoff, ClauseKind, Expr, ExprKind, Item, Retry, Step, Stmt, StmtKind, StrPart, Strategy, Workflow,
};

/// Lowers every workflow and function of a program that checked without errors.
#[must_use]
pub fn lower(checked: &Checked<'_>) -> Ir {
    let (modules, program) = (checked.modules(), checked.program());
    let lowerer = Lowerer { modules, program };
    let fns = program
        .fns
        .iter()
        .enumerate()
        .filter_map(|(i, info)| {
            let Item::Fn(f) = &modules[info.module.0 as usize].ast.items[info.item] else {
                return None;
            };
            Some(IrFn {
                id: crate::check::FnId(u32::try_from(i).unwrap_or(u32::MAX)),
                name: info.name.clone(),
                params: info.params.iter().map(|(b, _)| *b).collect(),
                body: lowerer.expr(&f.body, &[]),
                span: f.span,
            })
        })
        .collect();
    let workflows = (0..program.workflows.len())
        .map(|i| lowerer.workflow(WorkflowId(u32::try_from(i).unwrap_or(u32::MAX))))
        .collect();
    Ir {
        workflows,
        fns,
        symbols: super::Symbols::of(program),
    }
}

struct Lowerer<'a> {
    modules: &'a [Module],
    program: &'a Program,
}

/// A dependency edge placed in the body that holds both of its (lifted) ends.
struct PlacedEdge {
    from: NodeKey,
    to: NodeKey,
    edge: Edge,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum NodeKey {
    Step(StepId),
    Scope(u32),
}

fn level_scope(level: ScopeLevel) -> u32 {
    match level {
        ScopeLevel::Foreach(s) | ScopeLevel::While(s) | ScopeLevel::Branch(s, _) => s.0,
    }
}

impl Lowerer<'_> {
    fn workflow(&self, id: WorkflowId) -> IrWorkflow {
        let info = self.program.workflow(id);
        let module = &self.modules[info.module.0 as usize];
        let Item::Workflow(wf) = &module.ast.items[info.item] else {
            unreachable!("workflow ids point at workflow items")
        };
        let mut values: HashMap<BindingId, (&Expr, InitKind)> = HashMap::new();
        for stmt in &wf.body {
            let (name, value, kind) = match &stmt.kind {
                StmtKind::Param {
                    name, default: Some(d), ..
                } => (name, d, InitKind::ParamDefault),
                StmtKind::Const { name, value, .. } => (name, value, InitKind::Const),
                StmtKind::Let { name, value, .. } => (name, value, InitKind::Let),
                _ => continue,
            };
            if let Some(b) = self.program.binding_sites.get(&name.span) {
                values.insert(*b, (value, kind));
            }
        }
        let init = info
            .init_order
            .iter()
            .filter_map(|b| {
                let (value, kind) = values.get(b)?;
                Some(IrInit {
                    binding: *b,
                    name: self.program.binding(*b).name.clone(),
                    kind: *kind,
                    value: self.expr(value, &[]),
                })
            })
            .collect();
        let params = info
            .params
            .iter()
            .map(|(b, has_default)| {
                let binding = self.program.binding(*b);
                IrParam {
                    binding: *b,
                    name: binding.name.clone(),
                    ty: binding.ty.clone(),
                    required: !has_default,
                }
            })
            .collect();
        let mut edges = self.place_edges(id);
        let defaults = Defaults::of(wf);
        let body = self.body(&wf.body, &[], &mut edges, &defaults);
        let outputs = wf
            .body
            .iter()
            .filter_map(|s| match &s.kind {
                StmtKind::Output { name, value, .. } => Some(IrOutput {
                    name: name.name.clone(),
                    ty: info
                        .outputs
                        .iter()
                        .find(|(n, _)| *n == name.name)
                        .map_or(crate::check::ty::Type::Error, |(_, t)| t.clone()),
                    value: self.expr(value, &[]),
                }),
                _ => None,
            })
            .collect();
        IrWorkflow {
            id,
            name: info.name.clone(),
            module: module.path.clone(),
            span: wf.span,
            params,
            init,
            settings: self.settings(wf),
            body,
            outputs,
        }
    }

    fn settings(&self, wf: &Workflow) -> Settings {
        let mut settings = Settings::default();
        for stmt in &wf.body {
            match &stmt.kind {
                StmtKind::Concurrency(e) => settings.concurrency = Some(self.expr(e, &[])),
                StmtKind::Timeout(e) => settings.timeout = Some(self.expr(e, &[])),
                StmtKind::Schedule(text, _) => settings.schedule = Some(text.clone()),
                StmtKind::Strategy(s) => {
                    settings.strategy = Some(match &s.node {
                        Strategy::Parallel(n) => IrStrategy::Parallel(n.as_ref().map(|e| self.expr(e, &[]))),
                        Strategy::Sequential => IrStrategy::Sequential,
                        Strategy::StrictSequential => IrStrategy::StrictSequential,
                        Strategy::FirstOnly => IrStrategy::FirstOnly,
                        Strategy::LastOnly => IrStrategy::LastOnly,
                    });
                }
                _ => {}
            }
        }
        settings
    }

    /// Groups the workflow's dependencies by the body holding both (lifted) ends.
    fn place_edges(&self, wf: WorkflowId) -> FastMap<Option<ScopeLevel>, Vec<PlacedEdge>> {
        let mut placed: FastMap<Option<ScopeLevel>, Vec<PlacedEdge>> = FastMap::default();
        for dep in &self.program.dependencies {
            let from_info = self.program.step(dep.from);
            if from_info.workflow != wf {
                continue;
            }
            let (to_chain, to_key) = match dep.to {
                Dependent::Step(s) => (&self.program.step(s).scopes, NodeKey::Step(s)),
                Dependent::Scope(s) => (&self.program.scopes[s.0 as usize].levels, NodeKey::Scope(s.0)),
            };
            let from_chain = &from_info.scopes;
            let k = from_chain.iter().zip(to_chain).take_while(|(a, b)| a == b).count();
            let lift = |chain: &[ScopeLevel], key: NodeKey| -> NodeKey {
                chain.get(k).map_or(key, |level| NodeKey::Scope(level_scope(*level)))
            };
            let from = lift(from_chain, NodeKey::Step(dep.from));
            let to = lift(to_chain, to_key);
            if from == to {
                continue;
            }
            let lifted = from != NodeKey::Step(dep.from) || to != to_key;
            let body = if k == 0 { None } else { Some(from_chain[k - 1]) };
            placed.entry(body).or_default().push(PlacedEdge {
                from,
                to,
                edge: Edge {
                    kind: if dep.after { EdgeKind::After } else { EdgeKind::Data },
                    lifted,
                    span: dep.span,
                },
            });
        }
        placed
    }

    fn body(
        &self,
        stmts: &[Stmt],
        levels: &[ScopeLevel],
        edges: &mut FastMap<Option<ScopeLevel>, Vec<PlacedEdge>>,
        defaults: &Defaults<'_>,
    ) -> Body {
        let mut body = Body::default();
        let mut index: FastMap<NodeKey, NodeIndex> = FastMap::default();
        let mut lets: Vec<(u32, BindingId, IrExpr)> = Vec::new();
        for stmt in stmts {
            let node = match &stmt.kind {
                StmtKind::Let { name, value, .. } if !levels.is_empty() => {
                    if let Some(b) = self.program.binding_sites.get(&name.span) {
                        let rank = self.program.let_rank.get(b).copied().unwrap_or(0);
                        lets.push((rank, *b, self.expr(value, levels)));
                    }
                    continue;
                }
                StmtKind::Step(step) => {
                    let Some(&id) = self.program.step_sites.get(&step.name.span) else {
                        continue;
                    };
                    index.insert(NodeKey::Step(id), NodeIndex::new(body.graph.node_count()));
                    Node::Step(Box::new(self.step(id, step, levels, defaults)))
                }
                StmtKind::Foreach(l) => {
                    let Some(&id) = self.program.scope_sites.get(&stmt.span) else {
                        continue;
                    };
                    let inner = [levels, &[ScopeLevel::Foreach(id)]].concat();
                    index.insert(NodeKey::Scope(id.0), NodeIndex::new(body.graph.node_count()));
                    Node::Foreach(IrForeach {
                        id,
                        span: stmt.span,
                        vars: l
                            .vars
                            .iter()
                            .filter_map(|(v, e)| {
                                Some((*self.program.binding_sites.get(&v.span)?, self.expr(e, levels)))
                            })
                            .collect(),
                        concurrency: l.concurrency.as_ref().map(|e| self.expr(e, levels)),
                        body: self.body(&l.body, &inner, edges, defaults),
                    })
                }
                StmtKind::While(l) => {
                    let Some(&id) = self.program.scope_sites.get(&stmt.span) else {
                        continue;
                    };
                    let inner = [levels, &[ScopeLevel::While(id)]].concat();
                    index.insert(NodeKey::Scope(id.0), NodeIndex::new(body.graph.node_count()));
                    let next = l
                        .body
                        .iter()
                        .filter_map(|s| match &s.kind {
                            StmtKind::Next(bindings) => Some(bindings),
                            _ => None,
                        })
                        .flatten()
                        .filter_map(|(name, value)| match self.program.resolutions.get(&name.span) {
                            Some(Resolution::Binding(b)) => Some((*b, self.expr(value, &inner))),
                            _ => None,
                        })
                        .collect();
                    Node::While(IrWhile {
                        id,
                        span: stmt.span,
                        vars: l
                            .vars
                            .iter()
                            .filter_map(|(v, e)| {
                                Some((*self.program.binding_sites.get(&v.span)?, self.expr(e, levels)))
                            })
                            .collect(),
                        cond: self.expr(&l.cond, levels),
                        limit: l.limit.as_ref().map(|e| self.expr(e, levels)),
                        next,
                        body: self.body(&l.body, &inner, edges, defaults),
                    })
                }
                StmtKind::If(i) => {
                    let Some(&id) = self.program.scope_sites.get(&stmt.span) else {
                        continue;
                    };
                    index.insert(NodeKey::Scope(id.0), NodeIndex::new(body.graph.node_count()));
                    let branches = i
                        .branches
                        .iter()
                        .enumerate()
                        .map(|(n, b)| {
                            let inner =
                                [levels, &[ScopeLevel::Branch(id, u32::try_from(n).unwrap_or(u32::MAX))]].concat();
                            IrBranch {
                                cond: self.expr(&b.cond, levels),
                                body: self.body(&b.body, &inner, edges, defaults),
                            }
                        })
                        .collect();
                    let else_body = i.else_body.as_ref().map(|e| {
                        let n = u32::try_from(i.branches.len()).unwrap_or(u32::MAX);
                        let inner = [levels, &[ScopeLevel::Branch(id, n)]].concat();
                        self.body(e, &inner, edges, defaults)
                    });
                    Node::If(IrIf {
                        id,
                        span: stmt.span,
                        branches,
                        else_body,
                    })
                }
                _ => continue,
            };
            body.graph.add_node(node);
        }
        lets.sort_by_key(|(rank, _, _)| *rank);
        body.lets = lets.into_iter().map(|(_, b, e)| (b, e)).collect();
        let key = levels.last().copied();
        let mut seen: std::collections::HashSet<_, rustc_hash::FxBuildHasher> = std::collections::HashSet::default();
        for placed in edges.remove(&key).unwrap_or_default() {
            let (Some(&a), Some(&b)) = (index.get(&placed.from), index.get(&placed.to)) else {
                continue;
            };
            if seen.insert((a, b, placed.edge.kind)) {
                body.graph.add_edge(a, b, placed.edge);
            }
        }
        body
    }

    fn step(&self, id: StepId, step: &Step, levels: &[ScopeLevel], defaults: &Defaults<'_>) -> IrStep {
        let info = self.program.step(id);
        let mut out = IrStep {
            id,
            name: step.name.name.clone(),
            span: step.name.span,
            action: Action::None,
            env: Vec::new(),
            dir: None,
            outputs: info.outputs.clone(),
            image: None,
            resources: Vec::new(),
            emit: None,
            retry: defaults.retry.map(|r| self.retry(r, levels)),
            timeout: None,
            on_failure: defaults.on_failure.unwrap_or(FailureMode::FailAfterRunning),
        };
        let fields = |fs: &[(crate::syntax::ast::Ident, Expr)]| -> Vec<(String, IrExpr)> {
            fs.iter().map(|(n, e)| (n.name.clone(), self.expr(e, levels))).collect()
        };
        for clause in &step.clauses {
            match &clause.kind {
                ClauseKind::Run(e) => {
                    out.action = Action::Run(match &e.kind {
                        ExprKind::Str(parts) => self.str_parts(parts, levels),
                        ExprKind::RawStr(s) => vec![IrStrPart::Lit(s.clone())],
                        _ => vec![IrStrPart::Value {
                            expr: self.expr(e, levels),
                            raw: false,
                        }],
                    });
                }
                ClauseKind::Exec(e) => out.action = Action::Exec(self.expr(e, levels)),
                ClauseKind::Call { args, .. } => {
                    let Some(&callee) = self.program.call_targets.get(&id) else {
                        continue;
                    };
                    let callee_info = self.program.workflow(callee);
                    let args = args
                        .iter()
                        .filter_map(|(name, e)| {
                            let (b, _) = callee_info
                                .params
                                .iter()
                                .find(|(b, _)| self.program.binding(*b).name == name.name)?;
                            Some((*b, self.expr(e, levels)))
                        })
                        .collect();
                    out.action = Action::Call { workflow: callee, args };
                }
                ClauseKind::Sleep(e) => out.action = Action::Sleep(self.expr(e, levels)),
                ClauseKind::Wait { signal, filter } => {
                    out.action = Action::Wait {
                        signal: self.expr(signal, levels),
                        filter: filter.as_ref().and_then(|f| {
                            let b = self.program.binding_sites.get(&signal.span)?;
                            Some((*b, self.expr(f, levels)))
                        }),
                    };
                }
                ClauseKind::Env(fs) => out.env = fields(fs),
                ClauseKind::Dir(e) => out.dir = Some(self.expr(e, levels)),
                ClauseKind::Image(e) => out.image = Some(self.expr(e, levels)),
                ClauseKind::Resources(fs) => out.resources = fields(fs),
                ClauseKind::Emit { signal, fields: fs } => {
                    out.emit = Some(IrEmit {
                        signal: self.expr(signal, levels),
                        fields: fields(fs),
                    });
                }
                ClauseKind::Retry(r) => out.retry = Some(self.retry(r, levels)),
                ClauseKind::Timeout(e) => out.timeout = Some(self.expr(e, levels)),
                ClauseKind::OnFailure(mode) => out.on_failure = (*mode).into(),
                ClauseKind::Outputs(_) | ClauseKind::After(_) => {}
            }
        }
        out
    }

    fn retry(&self, r: &Retry, levels: &[ScopeLevel]) -> IrRetry {
        let backoff = match r.backoff.as_ref().map(|b| &b.node) {
            Some(Backoff::Fixed(d)) => IrBackoff::Fixed(self.expr(d, levels)),
            Some(Backoff::Exponential { base, max }) => IrBackoff::Exponential {
                base: self.expr(base, levels),
                max: max.as_ref().map(|m| self.expr(m, levels)),
            },
            None => IrBackoff::Exponential {
                base: IrExpr {
                    kind: IrExprKind::Duration(1000),
                    span: r.span,
                },
                max: Some(IrExpr {
                    kind: IrExprKind::Duration(60_000),
                    span: r.span,
                }),
            },
        };
        IrRetry {
            count: self.expr(&r.count, levels),
            backoff,
            on: r.on.as_ref().map_or(RetryOn::Failure, |o| o.node.into()),
        }
    }

    fn str_parts(&self, parts: &[StrPart], levels: &[ScopeLevel]) -> Vec<IrStrPart> {
        parts
            .iter()
            .map(|p| match p {
                StrPart::Lit(s) => IrStrPart::Lit(s.clone()),
                StrPart::Interp(e) => {
                    if let ExprKind::Call { callee, args, .. } = &e.kind {
                        if let ExprKind::Name(id) = &callee.kind {
                            if self.program.resolutions.get(&id.span) == Some(&Resolution::Builtin(Builtin::Raw)) {
                                if let Some(arg) = args.first() {
                                    return IrStrPart::Value {
                                        expr: self.expr(arg, levels),
                                        raw: true,
                                    };
                                }
                            }
                        }
                    }
                    IrStrPart::Value {
                        expr: self.expr(e, levels),
                        raw: false,
                    }
                }
            })
            .collect()
    }

    /// Lowers an expression that sits inside `levels`.
    fn expr(&self, e: &Expr, levels: &[ScopeLevel]) -> IrExpr {
        let kind = match &e.kind {
            ExprKind::Int(n) => IrExprKind::Int(*n),
            ExprKind::Float(f) => IrExprKind::Float(*f),
            ExprKind::Bool(b) => IrExprKind::Bool(*b),
            ExprKind::None | ExprKind::Error => IrExprKind::None,
            ExprKind::Str(parts) => match parts.as_slice() {
                [] => IrExprKind::Str(String::new()),
                [StrPart::Lit(s)] => IrExprKind::Str(s.clone()),
                _ => IrExprKind::Interp(self.str_parts(parts, levels)),
            },
            ExprKind::RawStr(s) => IrExprKind::Str(s.clone()),
            ExprKind::Duration(ms) => IrExprKind::Duration(*ms),
            ExprKind::Date(d) => IrExprKind::Date(d.to_string()),
            ExprKind::List(items) => IrExprKind::List(items.iter().map(|i| self.expr(i, levels)).collect()),
            ExprKind::Map(entries) => IrExprKind::Map(
                entries
                    .iter()
                    .map(|(k, v)| (self.expr(k, levels), self.expr(v, levels)))
                    .collect(),
            ),
            ExprKind::Record(fields) => IrExprKind::Record(
                fields
                    .iter()
                    .map(|(n, v)| (n.name.clone(), self.expr(v, levels)))
                    .collect(),
            ),
            ExprKind::Name(id) => match self.program.resolutions.get(&id.span) {
                Some(Resolution::Binding(b)) => IrExprKind::Var(*b),
                Some(Resolution::Step(s)) => self.step_ref(*s, levels),
                _ => IrExprKind::None,
            },
            ExprKind::Field(base, field) => IrExprKind::Field(Box::new(self.expr(base, levels)), field.name.clone()),
            ExprKind::Index(a, b) => IrExprKind::Index(Box::new(self.expr(a, levels)), Box::new(self.expr(b, levels))),
            ExprKind::Call { callee, args, named } => self.call(callee, args, named, levels),
            ExprKind::Unary(op, inner) => IrExprKind::Unary((*op).into(), Box::new(self.expr(inner, levels))),
            ExprKind::Binary(op, a, b) => IrExprKind::Binary(
                (*op).into(),
                Box::new(self.expr(a, levels)),
                Box::new(self.expr(b, levels)),
            ),
            ExprKind::If(c, a, b) => IrExprKind::If(
                Box::new(self.expr(c, levels)),
                Box::new(self.expr(a, levels)),
                Box::new(self.expr(b, levels)),
            ),
            ExprKind::Comprehension { elem, var, iter, cond } => IrExprKind::Comprehension {
                var: self
                    .program
                    .binding_sites
                    .get(&var.span)
                    .copied()
                    .unwrap_or(BindingId(0)),
                iter: Box::new(self.expr(iter, levels)),
                elem: Box::new(self.expr(elem, levels)),
                cond: cond.as_ref().map(|c| Box::new(self.expr(c, levels))),
            },
        };
        IrExpr { kind, span: e.span }
    }

    fn step_ref(&self, s: StepId, levels: &[ScopeLevel]) -> IrExprKind {
        let chain = &self.program.step(s).scopes;
        let k = chain.iter().zip(levels).take_while(|(a, b)| a == b).count();
        IrExprKind::Step {
            step: s,
            up: u32::try_from(levels.len() - k).unwrap_or(u32::MAX),
            path: chain[k..].iter().map(|l| PathLevel::from(*l)).collect(),
        }
    }

    fn call(
        &self,
        callee: &Expr,
        args: &[Expr],
        named: &[(crate::syntax::ast::Ident, Expr)],
        levels: &[ScopeLevel],
    ) -> IrExprKind {
        let id_span = match &callee.kind {
            ExprKind::Name(id) => id.span,
            ExprKind::Field(_, f) => f.span,
            _ => callee.span,
        };
        let mut positional: Vec<IrExpr> = args.iter().map(|a| self.expr(a, levels)).collect();
        match self.program.resolutions.get(&id_span) {
            Some(Resolution::Fn(f)) => {
                let info = &self.program.fns[f.0 as usize];
                let param_names: Vec<&str> = info
                    .params
                    .iter()
                    .map(|(b, _)| self.program.binding(*b).name.as_str())
                    .collect();
                let mut slots: Vec<Option<IrExpr>> = positional.into_iter().map(Some).collect();
                slots.resize_with(param_names.len(), || None);
                for (n, e) in named {
                    if let Some(i) = param_names.iter().position(|p| *p == n.name) {
                        slots[i] = Some(self.expr(e, levels));
                    }
                }
                IrExprKind::CallFn(
                    *f,
                    slots
                        .into_iter()
                        .map(|s| {
                            s.unwrap_or(IrExpr {
                                kind: IrExprKind::None,
                                span: callee.span,
                            })
                        })
                        .collect(),
                )
            }
            Some(Resolution::Builtin(builtin)) => {
                let params = builtin.params();
                let mut named_sorted: Vec<(usize, &Expr)> = named
                    .iter()
                    .filter_map(|(n, e)| params.iter().position(|p| *p == n.name).map(|i| (i, e)))
                    .collect();
                named_sorted.sort_by_key(|(i, _)| *i);
                positional.extend(named_sorted.into_iter().map(|(_, e)| self.expr(e, levels)));
                IrExprKind::CallBuiltin(*builtin, positional)
            }
            _ => IrExprKind::None,
        }
    }
}

/// Workflow-level defaults a step inherits.
struct Defaults<'w> {
    retry: Option<&'w Retry>,
    on_failure: Option<FailureMode>,
}

impl<'w> Defaults<'w> {
    fn of(wf: &'w Workflow) -> Self {
        let mut d = Defaults {
            retry: None,
            on_failure: None,
        };
        for stmt in &wf.body {
            match &stmt.kind {
                StmtKind::Retry(r) => d.retry = Some(r),
                StmtKind::OnFailure(m) => d.on_failure = Some(m.node.into()),
                _ => {}
            }
        }
        d
    }
}
