//! `compile --emit ir`: the IR as deterministic JSON (no hash-map order, no absolute
//! paths; spans as file, line and column).

use serde_json::{json, Value};

use crate::base::source::SourceMap;
use crate::base::span::Span;
use crate::check::Program;
use crate::ir::expr::{IrExpr, IrExprKind, IrStrPart, PathLevel};
use crate::ir::node::{Action, Body, IrBackoff, IrRetry, IrStrategy, IrWorkflow, Node, Settings};
use crate::ir::Ir;

/// The format version of this JSON.
pub const VERSION: u32 = 1;

struct Ctx<'a> {
    program: &'a Program,
    sources: &'a SourceMap,
}

/// The whole IR as JSON.
#[must_use]
pub fn to_json(ir: &Ir, program: &Program, sources: &SourceMap) -> Value {
    let cx = Ctx { program, sources };
    json!({
        "format": "maestroc-ir",
        "version": VERSION,
        "workflows": ir.workflows.iter().map(|w| cx.workflow(w)).collect::<Vec<_>>(),
        "functions": ir.fns.iter().map(|f| json!({
            "id": f.id.0,
            "name": f.name,
            "params": f.params.iter().map(|b| cx.var(*b)).collect::<Vec<_>>(),
            "body": cx.expr(&f.body),
            "span": cx.span(f.span),
        })).collect::<Vec<_>>(),
    })
}

impl Ctx<'_> {
    fn span(&self, span: Span) -> Value {
        let file = self.sources.get(span.file);
        let (line, col) = file.line_col(span.start);
        json!({ "file": file.name, "line": line, "col": col })
    }

    fn var(&self, b: crate::check::BindingId) -> Value {
        json!({ "id": b.0, "name": self.program.binding(b).name })
    }

    fn workflow(&self, w: &IrWorkflow) -> Value {
        json!({
            "id": w.id.0,
            "name": w.name,
            "module": w.module,
            "span": self.span(w.span),
            "params": w.params.iter().map(|p| json!({
                "id": p.binding.0,
                "name": p.name,
                "type": p.ty.to_string(),
                "required": p.required,
                "fixed": p.fixed,
            })).collect::<Vec<_>>(),
            "init": w.init.iter().map(|i| json!({
                "id": i.binding.0,
                "name": i.name,
                "kind": i.kind,
                "value": self.expr(&i.value),
            })).collect::<Vec<_>>(),
            "settings": self.settings(&w.settings),
            "body": self.body(&w.body),
            "outputs": w.outputs.iter().map(|o| json!({
                "name": o.name,
                "type": o.ty.to_string(),
                "value": self.expr(&o.value),
            })).collect::<Vec<_>>(),
            "topological_order": w.body.topo_order().iter().map(|n| n.index()).collect::<Vec<_>>(),
            "critical_path_depth": w.body.critical_path_depth(),
        })
    }

    fn settings(&self, s: &Settings) -> Value {
        json!({
            "concurrency": s.concurrency.as_ref().map(|e| self.expr(e)),
            "timeout": s.timeout.as_ref().map(|e| self.expr(e)),
            "strategy": s.strategy.as_ref().map(|st| match st {
                IrStrategy::Parallel(n) => json!({ "parallel": n.as_ref().map(|e| self.expr(e)) }),
                IrStrategy::Sequential => json!("sequential"),
                IrStrategy::StrictSequential => json!("strict_sequential"),
                IrStrategy::FirstOnly => json!("first_only"),
                IrStrategy::LastOnly => json!("last_only"),
            }),
            "schedule": s.schedule,
            "triggers": s.triggers.iter().map(|t| json!({
                "signal": t.signal,
                "where": t.filter.as_ref().map(|(b, f)| json!({ "var": self.var(*b), "cond": self.expr(f) })),
            })).collect::<Vec<_>>(),
            "tags": s.tags,
        })
    }

    fn body(&self, b: &Body) -> Value {
        let nodes: Vec<Value> = b.graph.node_indices().map(|i| self.node(&b.graph[i])).collect();
        let edges: Vec<Value> = b
            .graph
            .edge_indices()
            .filter_map(|e| {
                let (from, to) = b.graph.edge_endpoints(e)?;
                let edge = b.graph[e];
                Some(json!({ "from": from.index(), "to": to.index(), "kind": edge.kind, "lifted": edge.lifted }))
            })
            .collect();
        json!({
            "lets": b.lets.iter().map(|(v, e)| json!({ "var": self.var(*v), "value": self.expr(e) })).collect::<Vec<_>>(),
            "nodes": nodes,
            "edges": edges,
        })
    }

    fn retry(&self, r: &IrRetry) -> Value {
        json!({
            "count": self.expr(&r.count),
            "backoff": match &r.backoff {
                IrBackoff::Fixed(d) => json!({ "fixed": self.expr(d) }),
                IrBackoff::Exponential { base, max } => json!({ "exponential": { "base": self.expr(base), "max": max.as_ref().map(|m| self.expr(m)) } }),
            },
            "on": r.on,
        })
    }

    fn node(&self, n: &Node) -> Value {
        match n {
            Node::Step(s) => {
                let action = match &s.action {
                    Action::None => json!(null),
                    Action::Run(parts) => json!({ "run": self.parts(parts) }),
                    Action::Exec(e) => json!({ "exec": self.expr(e) }),
                    Action::Call { workflow, args } => json!({ "call": {
                        "workflow": { "id": workflow.0, "name": self.program.workflow(*workflow).name },
                        "args": args.iter().map(|(b, e)| json!({ "param": self.var(*b), "value": self.expr(e) })).collect::<Vec<_>>(),
                    } }),
                    Action::Sleep(e) => json!({ "sleep": self.expr(e) }),
                    Action::Wait { signal, filter, since } => json!({ "wait": {
                        "signal": self.expr(signal),
                        "where": filter.as_ref().map(|(b, e)| json!({ "var": self.var(*b), "cond": self.expr(e) })),
                        "since": since.as_ref().map(|d| self.expr(d)),
                    } }),
                };
                json!({
                    "kind": "step",
                    "id": s.id.0,
                    "name": s.name,
                    "span": self.span(s.span),
                    "action": action,
                    "env": s.env.iter().map(|(k, e)| json!([k, self.expr(e)])).collect::<Vec<_>>(),
                    "dir": s.dir.as_ref().map(|e| self.expr(e)),
                    "outputs": s.outputs.iter().map(|(k, t)| json!([k, t.to_string()])).collect::<Vec<_>>(),
                    "image": s.image.as_ref().map(|e| self.expr(e)),
                    "profile": s.profile,
                    "resources": s.resources.iter().map(|(k, e)| json!([k, self.expr(e)])).collect::<Vec<_>>(),
                    "emit": s.emit.as_ref().map(|em| json!({
                        "signal": self.expr(&em.signal),
                        "fields": em.fields.iter().map(|(k, e)| json!([k, self.expr(e)])).collect::<Vec<_>>(),
                    })),
                    "retry": s.retry.as_ref().map(|r| self.retry(r)),
                    "timeout": s.timeout.as_ref().map(|e| self.expr(e)),
                    "on_failure": s.on_failure,
                })
            }
            Node::Foreach(f) => json!({
                "kind": "foreach",
                "id": f.id.0,
                "span": self.span(f.span),
                "vars": f.vars.iter().map(|(b, e)| json!({ "var": self.var(*b), "in": self.expr(e) })).collect::<Vec<_>>(),
                "concurrency": f.concurrency.as_ref().map(|e| self.expr(e)),
                "body": self.body(&f.body),
            }),
            Node::While(w) => json!({
                "kind": "while",
                "id": w.id.0,
                "span": self.span(w.span),
                "vars": w.vars.iter().map(|(b, e)| json!({ "var": self.var(*b), "init": self.expr(e) })).collect::<Vec<_>>(),
                "cond": self.expr(&w.cond),
                "limit": w.limit.as_ref().map(|e| self.expr(e)),
                "next": w.next.iter().map(|(b, e)| json!({ "var": self.var(*b), "value": self.expr(e) })).collect::<Vec<_>>(),
                "body": self.body(&w.body),
            }),
            Node::If(x) => json!({
                "kind": "if",
                "id": x.id.0,
                "span": self.span(x.span),
                "branches": x.branches.iter().map(|b| json!({ "cond": self.expr(&b.cond), "body": self.body(&b.body) })).collect::<Vec<_>>(),
                "else": x.else_body.as_ref().map(|b| self.body(b)),
            }),
        }
    }

    fn parts(&self, parts: &[IrStrPart]) -> Value {
        Value::Array(
            parts
                .iter()
                .map(|p| match p {
                    IrStrPart::Lit(s) => json!({ "text": s }),
                    IrStrPart::Value { expr, raw } => {
                        json!({ "value": self.expr(expr), "raw": raw })
                    }
                })
                .collect(),
        )
    }

    fn expr(&self, e: &IrExpr) -> Value {
        match &e.kind {
            IrExprKind::Int(n) => json!({ "int": n }),
            IrExprKind::Float(f) => json!({ "float": f }),
            IrExprKind::Bool(b) => json!({ "bool": b }),
            IrExprKind::None => json!({ "none": null }),
            IrExprKind::Str(s) => json!({ "str": s }),
            IrExprKind::Interp(parts) => json!({ "interp": self.parts(parts) }),
            IrExprKind::Duration(ms) => json!({ "duration_ms": ms }),
            IrExprKind::Date(d) => json!({ "date": d }),
            IrExprKind::List(items) => {
                json!({ "list": items.iter().map(|i| self.expr(i)).collect::<Vec<_>>() })
            }
            IrExprKind::Map(entries) => {
                json!({ "map": entries.iter().map(|(k, v)| json!([self.expr(k), self.expr(v)])).collect::<Vec<_>>() })
            }
            IrExprKind::Record(fields) => {
                json!({ "record": fields.iter().map(|(k, v)| json!([k, self.expr(v)])).collect::<Vec<_>>() })
            }
            IrExprKind::Var(b) => json!({ "var": self.var(*b) }),
            IrExprKind::Step { step, up, path } => json!({ "step": {
                "id": step.0,
                "name": self.program.step(*step).name,
                "up": up,
                "path": path.iter().map(|l| match l {
                    PathLevel::Foreach(s) => json!({ "foreach": s }),
                    PathLevel::While(s) => json!({ "while": s }),
                    PathLevel::Branch(s, n) => json!({ "branch": [s, n] }),
                }).collect::<Vec<_>>(),
            } }),
            IrExprKind::Field(b, f) => json!({ "field": [self.expr(b), f] }),
            IrExprKind::Index(a, b) => json!({ "index": [self.expr(a), self.expr(b)] }),
            IrExprKind::CallFn(f, args) => {
                json!({ "call_fn": { "id": f.0, "name": self.program.fns[f.0 as usize].name, "args": args.iter().map(|a| self.expr(a)).collect::<Vec<_>>() } })
            }
            IrExprKind::CallBuiltin(name, args) => {
                json!({ "call_builtin": { "name": name.name(), "args": args.iter().map(|a| self.expr(a)).collect::<Vec<_>>() } })
            }
            IrExprKind::Unary(op, a) => json!({ "unary": [op.symbol(), self.expr(a)] }),
            IrExprKind::Binary(op, a, b) => {
                json!({ "binary": [op.symbol(), self.expr(a), self.expr(b)] })
            }
            IrExprKind::If(c, a, b) => json!({ "if": [self.expr(c), self.expr(a), self.expr(b)] }),
            IrExprKind::Comprehension { var, iter, elem, cond } => json!({ "comprehension": {
                "var": self.var(*var),
                "in": self.expr(iter),
                "elem": self.expr(elem),
                "if": cond.as_ref().map(|c| self.expr(c)),
            } }),
        }
    }
}
