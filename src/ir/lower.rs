//! Lowering the checked tree to the IR.
//!
//! Lowering reads only what [`Checked`] hands out: the checked tree (every name already an
//! id, every argument in its parameter's place, every setting interpreted) and the
//! checker's id-indexed facts (bindings, steps, scopes and the dependencies between them).
//! It looks nothing up by span and reads no AST, so there is nothing it could miss.

use petgraph::graph::NodeIndex;

use super::expr::{IrExpr, IrExprKind, IrStrPart, PathLevel};
use super::node::{
    Action, Body, Edge, EdgeKind, InitKind, Ir, IrBackoff, IrBranch, IrEmit, IrFn, IrForeach, IrIf, IrInit, IrOutput,
    IrParam, IrRetry, IrStep, IrStrategy, IrWhile, IrWorkflow, Node, Settings,
};
use super::schedule::{IrSchedule, IrTrigger};
use crate::check::tree::{
    TAction, TBackoff, TBody, TExpr, TExprKind, TFn, TInitKind, TNode, TRetry, TSettings, TStep, TStrPart, TStrategy,
    TWorkflow,
};
use crate::check::Checked;
use crate::check::{Dependent, FastMap, Program, ScopeLevel, StepId};

/// Lowers every workflow and function of a program that checked without errors.
#[must_use]
pub fn lower(checked: &Checked<'_>) -> Ir {
    let (tree, program) = (checked.tree(), checked.program());
    let lowerer = Lowerer { program };
    let mut placed = lowerer.place_edges();
    Ir {
        workflows: tree
            .workflows
            .iter()
            .zip(&mut placed)
            .map(|(wf, edges)| lowerer.workflow(wf, edges))
            .collect(),
        fns: tree.fns.iter().map(|f| lowerer.function(f)).collect(),
        symbols: super::Symbols::of(program),
    }
}

struct Lowerer<'a> {
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

type Placed = FastMap<Option<ScopeLevel>, Vec<PlacedEdge>>;

impl Lowerer<'_> {
    fn function(&self, f: &TFn) -> IrFn {
        IrFn {
            id: f.id,
            name: f.name.clone(),
            params: f.params.clone(),
            body: self.expr(&f.body, &[]),
            span: f.span,
        }
    }

    fn workflow(&self, wf: &TWorkflow, edges: &mut Placed) -> IrWorkflow {
        let info = self.program.workflow(wf.id);
        let init = wf
            .init
            .iter()
            .map(|i| IrInit {
                binding: i.binding,
                name: self.program.binding(i.binding).name.clone(),
                kind: match i.kind {
                    TInitKind::ParamDefault => InitKind::ParamDefault,
                    TInitKind::Const => InitKind::Const,
                    TInitKind::Let => InitKind::Let,
                },
                value: self.expr(&i.value, &[]),
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
                    fixed: info.fixed.contains(b),
                }
            })
            .collect();
        let body = self.body(&wf.body, &[], edges);
        let outputs = wf
            .outputs
            .iter()
            .map(|o| IrOutput {
                name: o.name.clone(),
                ty: o.ty.clone(),
                value: self.expr(&o.value, &[]),
            })
            .collect();
        IrWorkflow {
            id: wf.id,
            name: info.name.clone(),
            module: wf.module.clone(),
            span: wf.span,
            params,
            init,
            settings: self.settings(&wf.settings),
            body,
            outputs,
        }
    }

    fn settings(&self, s: &TSettings) -> Settings {
        Settings {
            concurrency: s.concurrency.as_ref().map(|e| self.expr(e, &[])),
            timeout: s.timeout.as_ref().map(|e| self.expr(e, &[])),
            schedule: s.schedule.as_ref().map(|sc| IrSchedule {
                cron: sc.cron.clone(),
                zone: sc.zone.clone(),
                catchup: sc.catchup.into(),
                span: sc.span,
            }),
            triggers: s
                .triggers
                .iter()
                .map(|t| IrTrigger {
                    signal: t.signal.clone(),
                    span: t.span,
                    filter: t.filter.as_ref().map(|(b, f)| (*b, self.expr(f, &[]))),
                })
                .collect(),
            tags: s.tags.clone(),
            strategy: s.strategy.as_ref().map(|s| match s {
                TStrategy::Parallel(n) => IrStrategy::Parallel(n.as_ref().map(|e| self.expr(e, &[]))),
                TStrategy::Sequential => IrStrategy::Sequential,
                TStrategy::StrictSequential => IrStrategy::StrictSequential,
                TStrategy::FirstOnly => IrStrategy::FirstOnly,
                TStrategy::LastOnly => IrStrategy::LastOnly,
            }),
        }
    }

    /// Groups the dependencies of each workflow (by [`WorkflowId`](crate::check::WorkflowId))
    /// by the body holding both (lifted) ends.
    fn place_edges(&self) -> Vec<Placed> {
        let mut placed: Vec<Placed> = Vec::new();
        placed.resize_with(self.program.workflows.len(), Placed::default);
        for dep in &self.program.dependencies {
            let from_info = self.program.step(dep.from);
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
            placed[from_info.workflow.0 as usize]
                .entry(body)
                .or_default()
                .push(PlacedEdge {
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

    fn body(&self, b: &TBody, levels: &[ScopeLevel], edges: &mut Placed) -> Body {
        let mut body = Body::default();
        for node in &b.nodes {
            let node = match node {
                TNode::Step(step) => Node::Step(Box::new(self.step(step, levels))),
                TNode::Foreach(l) => {
                    let inner = [levels, &[ScopeLevel::Foreach(l.id)]].concat();
                    Node::Foreach(IrForeach {
                        id: l.id,
                        span: l.span,
                        vars: l.vars.iter().map(|(v, e)| (*v, self.expr(e, levels))).collect(),
                        concurrency: l.concurrency.as_ref().map(|e| self.expr(e, levels)),
                        body: self.body(&l.body, &inner, edges),
                    })
                }
                TNode::While(l) => {
                    let inner = [levels, &[ScopeLevel::While(l.id)]].concat();
                    Node::While(IrWhile {
                        id: l.id,
                        span: l.span,
                        vars: l.vars.iter().map(|(v, e)| (*v, self.expr(e, levels))).collect(),
                        cond: self.expr(&l.cond, levels),
                        limit: l.limit.as_ref().map(|e| self.expr(e, levels)),
                        next: l.next.iter().map(|(v, e)| (*v, self.expr(e, &inner))).collect(),
                        body: self.body(&l.body, &inner, edges),
                    })
                }
                TNode::If(i) => {
                    let branch_levels = |n: usize| {
                        [
                            levels,
                            &[ScopeLevel::Branch(i.id, u32::try_from(n).unwrap_or(u32::MAX))],
                        ]
                        .concat()
                    };
                    let branches = i
                        .branches
                        .iter()
                        .enumerate()
                        .map(|(n, b)| IrBranch {
                            cond: self.expr(&b.cond, levels),
                            body: self.body(&b.body, &branch_levels(n), edges),
                        })
                        .collect();
                    let else_body = i
                        .else_body
                        .as_ref()
                        .map(|e| self.body(e, &branch_levels(i.branches.len()), edges));
                    Node::If(IrIf {
                        id: i.id,
                        span: i.span,
                        branches,
                        else_body,
                    })
                }
            };
            body.graph.add_node(node);
        }
        body.lets = b.lets.iter().map(|(v, e)| (*v, self.expr(e, levels))).collect();
        let key = levels.last().copied();
        let mut seen: std::collections::HashSet<_, rustc_hash::FxBuildHasher> = std::collections::HashSet::default();
        // Both ends of an edge placed in this body are nodes of it (placing lifted each end
        // to the outermost level the two do not share), at the slot the checker gave them
        // when it put them in this body.
        for placed in edges.remove(&key).unwrap_or_default() {
            let (a, b) = (self.node_index(placed.from), self.node_index(placed.to));
            if seen.insert((a, b, placed.edge.kind)) {
                body.graph.add_edge(a, b, placed.edge);
            }
        }
        body
    }

    /// The index of a step's or scope's node in the graph of its body.
    fn node_index(&self, key: NodeKey) -> NodeIndex {
        let slot = match key {
            NodeKey::Step(s) => self.program.step(s).slot,
            NodeKey::Scope(s) => self.program.scopes[s as usize].slot,
        };
        NodeIndex::new(slot as usize)
    }

    fn step(&self, step: &TStep, levels: &[ScopeLevel]) -> IrStep {
        let fields = |fs: &[(String, TExpr)]| -> Vec<(String, IrExpr)> {
            fs.iter().map(|(n, e)| (n.clone(), self.expr(e, levels))).collect()
        };
        IrStep {
            id: step.id,
            name: step.name.clone(),
            span: step.span,
            action: match &step.action {
                TAction::None => Action::None,
                TAction::Run(parts) => Action::Run(self.str_parts(parts, levels)),
                TAction::Exec(e) => Action::Exec(self.expr(e, levels)),
                TAction::Call { workflow, args } => Action::Call {
                    workflow: *workflow,
                    args: args.iter().map(|(b, e)| (*b, self.expr(e, levels))).collect(),
                },
                TAction::Sleep(e) => Action::Sleep(self.expr(e, levels)),
                TAction::Wait { signal, filter, since } => Action::Wait {
                    signal: self.expr(signal, levels),
                    filter: filter.as_ref().map(|(b, f)| (*b, self.expr(f, levels))),
                    since: since.as_ref().map(|d| self.expr(d, levels)),
                },
            },
            env: fields(&step.env),
            dir: step.dir.as_ref().map(|e| self.expr(e, levels)),
            outputs: self.program.step(step.id).outputs.clone(),
            image: step.image.as_ref().map(|e| self.expr(e, levels)),
            profile: step.profile.clone(),
            resources: fields(&step.resources),
            emit: step.emit.as_ref().map(|e| IrEmit {
                signal: self.expr(&e.signal, levels),
                fields: fields(&e.fields),
            }),
            retry: step.retry.as_ref().map(|r| self.retry(r, levels)),
            timeout: step.timeout.as_ref().map(|e| self.expr(e, levels)),
            on_failure: step.on_failure.into(),
        }
    }

    fn retry(&self, r: &TRetry, levels: &[ScopeLevel]) -> IrRetry {
        IrRetry {
            count: self.expr(&r.count, levels),
            backoff: match &r.backoff {
                TBackoff::Fixed(d) => IrBackoff::Fixed(self.expr(d, levels)),
                TBackoff::Exponential { base, max } => IrBackoff::Exponential {
                    base: self.expr(base, levels),
                    max: max.as_ref().map(|m| self.expr(m, levels)),
                },
            },
            on: r.on.into(),
        }
    }

    fn str_parts(&self, parts: &[TStrPart], levels: &[ScopeLevel]) -> Vec<IrStrPart> {
        parts
            .iter()
            .map(|p| match p {
                TStrPart::Lit(s) => IrStrPart::Lit(s.clone()),
                TStrPart::Value { expr, raw } => IrStrPart::Value {
                    expr: self.expr(expr, levels),
                    raw: *raw,
                },
            })
            .collect()
    }

    fn boxed(&self, e: &TExpr, levels: &[ScopeLevel]) -> Box<IrExpr> {
        Box::new(self.expr(e, levels))
    }

    /// Lowers an expression that sits inside `levels`.
    fn expr(&self, e: &TExpr, levels: &[ScopeLevel]) -> IrExpr {
        let list = |items: &[TExpr]| -> Vec<IrExpr> { items.iter().map(|i| self.expr(i, levels)).collect() };
        let kind = match &e.kind {
            TExprKind::Int(n) => IrExprKind::Int(*n),
            TExprKind::Float(f) => IrExprKind::Float(*f),
            TExprKind::Bool(b) => IrExprKind::Bool(*b),
            // `Invalid` is only built where the checker reported an error, and then it hands
            // out no tree: lowering never sees one.
            TExprKind::None | TExprKind::Invalid => IrExprKind::None,
            TExprKind::Str(s) => IrExprKind::Str(s.clone()),
            TExprKind::Interp(parts) => match parts.as_slice() {
                [] => IrExprKind::Str(String::new()),
                [TStrPart::Lit(s)] => IrExprKind::Str(s.clone()),
                _ => IrExprKind::Interp(self.str_parts(parts, levels)),
            },
            TExprKind::Duration(ms) => IrExprKind::Duration(*ms),
            TExprKind::Date(d) => IrExprKind::Date(d.clone()),
            TExprKind::List(items) => IrExprKind::List(list(items)),
            TExprKind::Map(entries) => IrExprKind::Map(
                entries
                    .iter()
                    .map(|(k, v)| (self.expr(k, levels), self.expr(v, levels)))
                    .collect(),
            ),
            TExprKind::Record(fields) => {
                IrExprKind::Record(fields.iter().map(|(n, v)| (n.clone(), self.expr(v, levels))).collect())
            }
            TExprKind::Var(b) => IrExprKind::Var(*b),
            TExprKind::Step(s) => self.step_ref(*s, levels),
            TExprKind::Field(base, field) => IrExprKind::Field(self.boxed(base, levels), field.clone()),
            TExprKind::Index(a, b) => IrExprKind::Index(self.boxed(a, levels), self.boxed(b, levels)),
            TExprKind::CallFn(f, args) => IrExprKind::CallFn(*f, list(args)),
            TExprKind::CallBuiltin(builtin, args) => IrExprKind::CallBuiltin(*builtin, list(args)),
            TExprKind::Unary(op, inner) => IrExprKind::Unary((*op).into(), self.boxed(inner, levels)),
            TExprKind::Binary(op, a, b) => {
                IrExprKind::Binary((*op).into(), self.boxed(a, levels), self.boxed(b, levels))
            }
            TExprKind::If(c, a, b) => {
                IrExprKind::If(self.boxed(c, levels), self.boxed(a, levels), self.boxed(b, levels))
            }
            TExprKind::Comprehension { var, iter, elem, cond } => IrExprKind::Comprehension {
                var: *var,
                iter: self.boxed(iter, levels),
                elem: self.boxed(elem, levels),
                cond: cond.as_ref().map(|c| self.boxed(c, levels)),
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
}
