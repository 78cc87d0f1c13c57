//! What layout needs from the syntax tree: where statements and clauses start (each on
//! its own line), where type expressions are (`<` and `>` there are brackets, not
//! comparisons), and where a postfix `(` or `[` follows its operand without a space.

use rustc_hash::FxHashSet;

use crate::syntax::ast::{
    Backoff, Clause, ClauseKind, Expr, ExprKind, Ident, Item, Retry, SourceFile, Stmt, StmtKind, Strategy, TypeExpr,
    TypeExprKind,
};

#[derive(Default)]
pub(super) struct Marks {
    /// Offsets where an item, a statement or a clause starts.
    pub(super) starts: FxHashSet<usize>,
    /// `(start, end)` of every type expression.
    pub(super) types: Vec<(usize, usize)>,
    /// End offsets of callees and indexed operands: the `(`/`[` after them is tight.
    pub(super) postfix: FxHashSet<usize>,
}

pub(super) fn marks(file: &SourceFile) -> Marks {
    let mut m = Marks::default();
    for item in &file.items {
        match item {
            Item::Import(i) => {
                m.starts.insert(i.span.start as usize);
            }
            Item::Fn(f) => {
                m.starts.insert(f.span.start as usize);
                for (_, ty) in &f.params {
                    m.ty(ty);
                }
                m.ty(&f.ret);
                m.expr(&f.body);
            }
            Item::Workflow(w) => {
                m.starts.insert(w.span.start as usize);
                m.stmts(&w.body);
            }
            Item::Error { span, .. } => {
                m.starts.insert(span.start as usize);
            }
        }
    }
    m
}

impl Marks {
    fn ty(&mut self, ty: &TypeExpr) {
        self.types.push((ty.span.start as usize, ty.span.end as usize));
        match &ty.kind {
            TypeExprKind::Named(_) => {}
            TypeExprKind::Generic(_, args) => {
                for t in args {
                    self.ty(t);
                }
            }
            TypeExprKind::Record(fields) => self.typed(fields),
            TypeExprKind::Optional(t) => self.ty(t),
        }
    }

    fn typed(&mut self, fields: &[(Ident, TypeExpr)]) {
        for (_, t) in fields {
            self.ty(t);
        }
    }

    fn exprs<'e>(&mut self, exprs: impl IntoIterator<Item = &'e Expr>) {
        for e in exprs {
            self.expr(e);
        }
    }

    fn named(&mut self, fields: &[(Ident, Expr)]) {
        self.exprs(fields.iter().map(|(_, e)| e));
    }

    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        self.starts.insert(s.span.start as usize);
        match &s.kind {
            StmtKind::Param { ty, default, .. } => {
                self.ty(ty);
                self.exprs(default);
            }
            StmtKind::Const { ty, value, .. } | StmtKind::Let { ty, value, .. } => {
                if let Some(t) = ty {
                    self.ty(t);
                }
                self.expr(value);
            }
            StmtKind::Output { ty, value, .. } => {
                self.ty(ty);
                self.expr(value);
            }
            StmtKind::Concurrency(e) | StmtKind::Timeout(e) => self.expr(e),
            StmtKind::Retry(r) => self.retry(r),
            StmtKind::Strategy(s) => {
                if let Strategy::Parallel(Some(e)) = &s.node {
                    self.expr(e);
                }
            }
            StmtKind::OnFailure(_) | StmtKind::Schedule(..) | StmtKind::Error { .. } => {}
            StmtKind::Step(step) => {
                for c in &step.clauses {
                    self.clause(c);
                }
            }
            StmtKind::Foreach(f) => {
                self.named(&f.vars);
                self.exprs(&f.concurrency);
                self.stmts(&f.body);
            }
            StmtKind::While(w) => {
                self.expr(&w.cond);
                self.named(&w.vars);
                self.exprs(&w.limit);
                self.stmts(&w.body);
            }
            StmtKind::If(i) => {
                for b in &i.branches {
                    self.expr(&b.cond);
                    self.stmts(&b.body);
                }
                if let Some(body) = &i.else_body {
                    self.stmts(body);
                }
            }
            StmtKind::Next(binds) => self.named(binds),
        }
    }

    fn retry(&mut self, r: &Retry) {
        self.expr(&r.count);
        if let Some(b) = &r.backoff {
            match &b.node {
                Backoff::Fixed(e) => self.expr(e),
                Backoff::Exponential { base, max } => {
                    self.expr(base);
                    self.exprs(max);
                }
            }
        }
    }

    fn clause(&mut self, c: &Clause) {
        self.starts.insert(c.span.start as usize);
        match &c.kind {
            ClauseKind::Run(e)
            | ClauseKind::Exec(e)
            | ClauseKind::Sleep(e)
            | ClauseKind::Dir(e)
            | ClauseKind::Image(e)
            | ClauseKind::Timeout(e) => self.expr(e),
            ClauseKind::Call { args, .. } | ClauseKind::Env(args) | ClauseKind::Resources(args) => self.named(args),
            ClauseKind::Wait { signal, filter } => {
                self.expr(signal);
                self.exprs(filter);
            }
            ClauseKind::Outputs(fields) => self.typed(fields),
            ClauseKind::Emit { signal, fields } => {
                self.expr(signal);
                self.named(fields);
            }
            ClauseKind::Retry(r) => self.retry(r),
            ClauseKind::After(_) | ClauseKind::OnFailure(_) => {}
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Int(_)
            | ExprKind::Float(_)
            | ExprKind::Bool(_)
            | ExprKind::None
            | ExprKind::RawStr(_)
            | ExprKind::Duration(_)
            | ExprKind::Date(_)
            | ExprKind::Name(_)
            | ExprKind::Error
            // Interpolations are printed verbatim with their string.
            | ExprKind::Str(_) => {}
            ExprKind::List(items) => self.exprs(items),
            ExprKind::Map(entries) => {
                for (k, v) in entries {
                    self.expr(k);
                    self.expr(v);
                }
            }
            ExprKind::Record(fields) => self.named(fields),
            ExprKind::Field(base, _) => self.expr(base),
            ExprKind::Index(base, index) => {
                self.postfix.insert(base.span.end as usize);
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Call { callee, args, named } => {
                self.postfix.insert(callee.span.end as usize);
                self.expr(callee);
                self.exprs(args);
                self.named(named);
            }
            ExprKind::Unary(_, e) => self.expr(e),
            ExprKind::Binary(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::If(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            ExprKind::Comprehension { elem, iter, cond, .. } => {
                self.expr(elem);
                self.expr(iter);
                self.exprs(cond.as_deref());
            }
        }
    }
}
