//! The type of every checked expression by its span, gathered from the checked tree (ids and
//! types on nodes), for hovers on expressions like `load.loaded`.

use rustc_hash::FxHashMap;

use crate::base::span::{FileId, Span};
use crate::check::tree::{TAction, TBackoff, TBody, TExpr, TExprKind, TNode, TStep, TStrPart, TStrategy, Tree};
use crate::check::ty::Type;

/// Expression spans and their types, per file, sorted by start.
#[derive(Debug, Default)]
pub struct ExprTypes {
    by_file: FxHashMap<FileId, Vec<(Span, Type)>>,
}

impl ExprTypes {
    #[must_use]
    pub fn from_tree(tree: &Tree) -> Self {
        let mut out = ExprTypes::default();
        for f in &tree.fns {
            out.expr(&f.body);
        }
        for w in &tree.workflows {
            for init in &w.init {
                out.expr(&init.value);
            }
            for e in [&w.settings.concurrency, &w.settings.timeout].into_iter().flatten() {
                out.expr(e);
            }
            if let Some(TStrategy::Parallel(Some(e))) = &w.settings.strategy {
                out.expr(e);
            }
            out.body(&w.body);
            for o in &w.outputs {
                out.expr(&o.value);
            }
        }
        for list in out.by_file.values_mut() {
            list.sort_by_key(|(s, _)| (s.start, std::cmp::Reverse(s.end)));
        }
        out
    }

    /// The type of the smallest expression around `offset`, with its span.
    #[must_use]
    pub fn at(&self, file: FileId, offset: u32) -> Option<(Span, &Type)> {
        self.by_file
            .get(&file)?
            .iter()
            .filter(|(s, _)| s.start <= offset && offset <= s.end)
            .min_by_key(|(s, _)| s.end - s.start)
            .map(|(s, t)| (*s, t))
    }

    /// The type of the expression with exactly this span.
    #[must_use]
    pub fn exact(&self, span: Span) -> Option<&Type> {
        let list = self.by_file.get(&span.file)?;
        let i = list.partition_point(|(s, _)| s.start < span.start);
        list[i..]
            .iter()
            .take_while(|(s, _)| s.start == span.start)
            .find(|(s, _)| s.end == span.end)
            .map(|(_, t)| t)
    }

    fn body(&mut self, body: &TBody) {
        for (_, e) in &body.lets {
            self.expr(e);
        }
        for node in &body.nodes {
            match node {
                TNode::Step(step) => self.step(step),
                TNode::Foreach(f) => {
                    for (_, e) in &f.vars {
                        self.expr(e);
                    }
                    if let Some(c) = &f.concurrency {
                        self.expr(c);
                    }
                    self.body(&f.body);
                }
                TNode::While(w) => {
                    for (_, e) in w.vars.iter().chain(&w.next) {
                        self.expr(e);
                    }
                    self.expr(&w.cond);
                    if let Some(l) = &w.limit {
                        self.expr(l);
                    }
                    self.body(&w.body);
                }
                TNode::If(i) => {
                    for b in &i.branches {
                        self.expr(&b.cond);
                        self.body(&b.body);
                    }
                    if let Some(e) = &i.else_body {
                        self.body(e);
                    }
                }
            }
        }
    }

    fn step(&mut self, step: &TStep) {
        match &step.action {
            TAction::None => {}
            TAction::Run(parts) => self.parts(parts),
            TAction::Exec(e) | TAction::Sleep(e) => self.expr(e),
            TAction::Call { args, .. } => {
                for (_, e) in args {
                    self.expr(e);
                }
            }
            TAction::Wait { signal, filter, since } => {
                self.expr(signal);
                if let Some((_, f)) = filter {
                    self.expr(f);
                }
                if let Some(d) = since {
                    self.expr(d);
                }
            }
        }
        for (_, e) in step.env.iter().chain(&step.resources) {
            self.expr(e);
        }
        for e in [&step.dir, &step.image, &step.timeout].into_iter().flatten() {
            self.expr(e);
        }
        if let Some(emit) = &step.emit {
            self.expr(&emit.signal);
            for (_, e) in &emit.fields {
                self.expr(e);
            }
        }
        if let Some(r) = &step.retry {
            self.expr(&r.count);
            match &r.backoff {
                TBackoff::Fixed(e) => self.expr(e),
                TBackoff::Exponential { base, max } => {
                    self.expr(base);
                    if let Some(m) = max {
                        self.expr(m);
                    }
                }
            }
        }
    }

    fn parts(&mut self, parts: &[TStrPart]) {
        for part in parts {
            if let TStrPart::Value { expr, .. } = part {
                self.expr(expr);
            }
        }
    }

    fn expr(&mut self, e: &TExpr) {
        if e.span.end > e.span.start {
            self.by_file
                .entry(e.span.file)
                .or_default()
                .push((e.span, e.ty.clone()));
        }
        match &e.kind {
            TExprKind::Int(_)
            | TExprKind::Float(_)
            | TExprKind::Bool(_)
            | TExprKind::None
            | TExprKind::Str(_)
            | TExprKind::Duration(_)
            | TExprKind::Date(_)
            | TExprKind::Var(_)
            | TExprKind::Step(_)
            | TExprKind::Invalid => {}
            TExprKind::Interp(parts) => self.parts(parts),
            TExprKind::List(items) => {
                for i in items {
                    self.expr(i);
                }
            }
            TExprKind::Map(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            TExprKind::Record(fields) => {
                for (_, v) in fields {
                    self.expr(v);
                }
            }
            TExprKind::Field(base, _) => self.expr(base),
            TExprKind::Index(a, b) | TExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            TExprKind::CallFn(_, args) | TExprKind::CallBuiltin(_, args) => {
                for a in args {
                    self.expr(a);
                }
            }
            TExprKind::Unary(_, a) => self.expr(a),
            TExprKind::If(c, a, b) => {
                self.expr(c);
                self.expr(a);
                self.expr(b);
            }
            TExprKind::Comprehension { iter, elem, cond, .. } => {
                self.expr(iter);
                self.expr(elem);
                if let Some(c) = cond {
                    self.expr(c);
                }
            }
        }
    }
}
