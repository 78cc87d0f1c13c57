//! Building the AST from pest pairs, with file-absolute spans; literal checks; depth bounds.

#![allow(
    clippy::wildcard_enum_match_arm,
    reason = "matches over pest's generated `Rule` enum (about 145 grammar rules) name the rules a pair can hold there; listing the others would bury them"
)]

use pest::iterators::{Pair, Pairs};

use super::ast::{
    Backoff, BinaryOp, Branch, Catchup, Clause, ClauseKind, Expr, ExprKind, FailureMode, FnDef, Foreach, Ident, If,
    Import, Item, Retry, RetryOn, Schedule, Spanned, Step, Stmt, StmtKind, StrPart, Strategy, Trigger, TypeExpr,
    TypeExprKind, UnaryOp, WaitSince, While, Workflow,
};
use super::error::SyntaxError;
use super::grammar::Rule;
use super::keywords::is_reserved;
use super::literal;
use super::span::{FileId, Span};
use super::words::{self, BackoffName, StrategyName, BACKOFFS, FAILURE_MODES, RETRY_ON, STRATEGIES};
use crate::diagnostics::suggest::did_you_mean;

/// Deeper expression trees than this are an error (E0024); the tree is never built.
pub const MAX_EXPR_DEPTH: u32 = 256;

pub struct Builder<'t> {
    pub file: FileId,
    /// Offset of the parsed slice in the file.
    pub base: usize,
    /// The whole file (for doc comments).
    pub text: &'t str,
    pub errors: Vec<SyntaxError>,
    /// Reserved words found where a name was written (collected behind `&self`).
    reserved: std::cell::RefCell<Vec<SyntaxError>>,
    too_deep_reported: bool,
}

type P<'i> = Pair<'i, Rule>;

impl<'t> Builder<'t> {
    pub fn new(file: FileId, base: usize, text: &'t str) -> Self {
        Self {
            file,
            base,
            text,
            errors: Vec::new(),
            reserved: std::cell::RefCell::new(Vec::new()),
            too_deep_reported: false,
        }
    }

    /// The span of a pair, ending at its last token: pest sometimes leaves whitespace and
    /// comments at the end of a rule (a failed repetition inside it consumes them), and
    /// spans must not depend on that (the fast path builds the same spans).
    fn span(&self, p: &P<'_>) -> Span {
        let s = p.as_span();
        Span::new(self.file, self.base + s.start(), self.base + tight_end(p))
    }

    fn ident(&self, p: &P<'_>) -> Ident {
        let name = p.as_str();
        let span = self.span(p);
        if is_reserved(name) {
            self.reserved.borrow_mut().push(SyntaxError::Unexpected {
                expected: "a name".into(),
                found: format!("`{name}`"),
                span,
                help: Some(format!(
                    "`{name}` is a reserved word and cannot be used as a name; pick another one"
                )),
            });
        }
        Ident {
            name: name.to_string(),
            span,
        }
    }

    /// All problems found, in the order found.
    pub fn take_errors(&mut self) -> Vec<SyntaxError> {
        let mut all = std::mem::take(&mut self.errors);
        all.append(&mut self.reserved.borrow_mut());
        all
    }

    /// The `///` lines right before `start` (a file offset), joined.
    fn doc(&self, start: usize) -> Option<String> {
        doc_before(self.text, start)
    }

    pub fn items(&mut self, pairs: Pairs<'_, Rule>) -> Vec<Item> {
        pairs
            .filter(|p| p.as_rule() != Rule::EOI)
            .filter_map(|p| self.item(p))
            .collect()
    }

    pub fn item(&mut self, p: P<'_>) -> Option<Item> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::import => {
                let mut inner = p
                    .into_inner()
                    .filter(|q| !matches!(q.as_rule(), Rule::k_import | Rule::k_as));
                let path = inner.next()?;
                let path_span = self.span(&path);
                let value = self.plain_string(path);
                let alias = inner.next().map(|a| self.ident(&a));
                Some(Item::Import(Import {
                    path: value,
                    path_span,
                    alias,
                    span,
                }))
            }
            Rule::fn_def => {
                let doc = self.doc(span.start as usize);
                let mut name = None;
                let mut params = Vec::new();
                let mut ret = None;
                let mut body = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::ident => name = Some(self.ident(&q)),
                        Rule::fn_param => {
                            let mut r = q.into_inner();
                            if let (Some(n), Some(t)) = (r.next(), r.next()) {
                                params.push((self.ident(&n), self.type_expr(t)));
                            }
                        }
                        Rule::type_expr => ret = Some(self.type_expr(q)),
                        Rule::expr => body = Some(self.expr(q)),
                        _ => {}
                    }
                }
                Some(Item::Fn(FnDef {
                    doc,
                    name: name?,
                    params,
                    ret: ret?,
                    body: body?,
                    span,
                }))
            }
            Rule::workflow => {
                let doc = self.doc(span.start as usize);
                let mut inner = p.into_inner().filter(|q| q.as_rule() != Rule::k_workflow);
                let name = self.ident(&inner.next()?);
                let body = inner.map(|q| self.stmt(q)).collect();
                Some(Item::Workflow(Workflow { doc, name, body, span }))
            }
            _ => None,
        }
    }

    pub fn stmt(&mut self, p: P<'_>) -> Stmt {
        let span = self.span(&p);
        let doc = self.doc(span.start as usize);
        let rule = p.as_rule();
        let kind = match rule {
            Rule::param_decl | Rule::const_decl | Rule::let_decl | Rule::output_decl => {
                let mut name = None;
                let mut ty = None;
                let mut value = None;
                let mut fixed = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::ident => name = Some(self.ident(&q)),
                        Rule::type_expr => ty = Some(self.type_expr(q)),
                        Rule::expr => value = Some(self.expr(q)),
                        Rule::c_fixed => fixed = Some(self.span(&q)),
                        _ => {}
                    }
                }
                let Some(name) = name else {
                    return Stmt {
                        kind: StmtKind::Error { declares: None },
                        span,
                        doc,
                    };
                };
                let error = || Expr {
                    kind: ExprKind::Error,
                    span,
                };
                match rule {
                    Rule::param_decl => StmtKind::Param {
                        name,
                        ty: ty.unwrap_or_else(|| error_type(span)),
                        default: value,
                        fixed,
                    },
                    Rule::const_decl => StmtKind::Const {
                        name,
                        ty,
                        value: value.unwrap_or_else(error),
                    },
                    Rule::let_decl => StmtKind::Let {
                        name,
                        ty,
                        value: value.unwrap_or_else(error),
                    },
                    _ => StmtKind::Output {
                        name,
                        ty: ty.unwrap_or_else(|| error_type(span)),
                        value: value.unwrap_or_else(error),
                    },
                }
            }
            Rule::concurrency_clause => StmtKind::Concurrency(self.last_expr(p, span)),
            Rule::timeout_clause => StmtKind::Timeout(self.last_expr(p, span)),
            Rule::retry_clause => StmtKind::Retry(self.retry(p)),
            Rule::on_failure_clause => {
                let mode = self.failure_mode(p);
                StmtKind::OnFailure(Spanned { node: mode, span })
            }
            Rule::strategy_clause => {
                let mut inner = p.into_inner().filter(|q| q.as_rule() != Rule::c_strategy);
                let strategy = match inner.next() {
                    Some(name) => {
                        let arg = inner.next().map(|e| self.expr(e));
                        self.strategy(&name, arg)
                    }
                    None => Strategy::Sequential,
                };
                StmtKind::Strategy(Spanned { node: strategy, span })
            }
            Rule::schedule_clause => match self.schedule(p) {
                Some(schedule) => StmtKind::Schedule(schedule),
                None => StmtKind::Error { declares: None },
            },
            Rule::trigger_clause => {
                let mut signal = None;
                let mut filter = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::string_lit => {
                            let lspan = self.span(&q);
                            signal = Some((self.plain_string(q), lspan));
                        }
                        Rule::expr => filter = Some(self.expr(q)),
                        _ => {}
                    }
                }
                match signal {
                    Some((signal, signal_span)) => StmtKind::Trigger(Trigger {
                        signal,
                        signal_span,
                        filter,
                    }),
                    None => StmtKind::Error { declares: None },
                }
            }
            Rule::tags_clause => StmtKind::Tags(self.last_expr(p, span)),
            Rule::step => StmtKind::Step(self.step(p, span)),
            Rule::foreach => {
                let mut vars = Vec::new();
                let mut concurrency = None;
                let mut body = Vec::new();
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::loop_var => {
                            let mut r = q.into_inner().filter(|x| x.as_rule() != Rule::k_in);
                            if let (Some(n), Some(e)) = (r.next(), r.next()) {
                                vars.push((self.ident(&n), self.expr(e)));
                            }
                        }
                        Rule::expr => concurrency = Some(self.expr(q)),
                        Rule::block => body = self.block(q),
                        _ => {}
                    }
                }
                StmtKind::Foreach(Foreach {
                    vars,
                    concurrency,
                    body,
                    span,
                })
            }
            Rule::while_loop => {
                let mut cond = None;
                let mut vars = Vec::new();
                let mut limit = None;
                let mut body = Vec::new();
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::expr if cond.is_none() => cond = Some(self.expr(q)),
                        Rule::expr => limit = Some(self.expr(q)),
                        Rule::binding => {
                            if let Some(b) = self.binding(q) {
                                vars.push(b);
                            }
                        }
                        Rule::block => body = self.block(q),
                        _ => {}
                    }
                }
                StmtKind::While(While {
                    cond: cond.unwrap_or(Expr {
                        kind: ExprKind::Error,
                        span,
                    }),
                    vars,
                    limit,
                    body,
                    span,
                })
            }
            Rule::next_stmt => StmtKind::Next(
                p.into_inner()
                    .filter_map(|q| {
                        if q.as_rule() == Rule::binding {
                            self.binding(q)
                        } else {
                            None
                        }
                    })
                    .collect(),
            ),
            Rule::if_stmt => {
                let mut branches = Vec::new();
                let mut else_body = None;
                let mut else_span = None;
                let mut cond = None;
                for q in p.into_inner() {
                    match q.as_rule() {
                        Rule::expr => cond = Some(self.expr(q)),
                        Rule::block => {
                            let bspan = self.span(&q);
                            if let Some(c) = cond.take() {
                                branches.push(Branch {
                                    cond: c,
                                    body: self.block(q),
                                    span: bspan,
                                });
                            }
                        }
                        Rule::else_if => {
                            let bspan = self.span(&q);
                            let mut c = None;
                            let mut body = Vec::new();
                            for r in q.into_inner() {
                                match r.as_rule() {
                                    Rule::expr => c = Some(self.expr(r)),
                                    Rule::block => body = self.block(r),
                                    _ => {}
                                }
                            }
                            if let Some(c) = c {
                                branches.push(Branch {
                                    cond: c,
                                    body,
                                    span: bspan,
                                });
                            }
                        }
                        Rule::else_block => {
                            else_span = Some(self.span(&q));
                            else_body = q
                                .into_inner()
                                .find(|r| r.as_rule() == Rule::block)
                                .map(|b| self.block(b));
                        }
                        _ => {}
                    }
                }
                StmtKind::If(If {
                    branches,
                    else_body,
                    else_span,
                    span,
                })
            }
            _ => StmtKind::Error { declares: None },
        };
        Stmt { kind, span, doc }
    }

    fn block(&mut self, p: P<'_>) -> Vec<Stmt> {
        p.into_inner().map(|q| self.stmt(q)).collect()
    }

    fn binding(&mut self, p: P<'_>) -> Option<(Ident, Expr)> {
        let mut r = p.into_inner();
        let n = r.next()?;
        let e = r.next()?;
        Some((self.ident(&n), self.expr(e)))
    }

    fn last_expr(&mut self, p: P<'_>, span: Span) -> Expr {
        match p.into_inner().find(|q| q.as_rule() == Rule::expr) {
            Some(e) => self.expr(e),
            None => Expr {
                kind: ExprKind::Error,
                span,
            },
        }
    }

    fn failure_mode(&mut self, p: P<'_>) -> FailureMode {
        let Some(id) = p.into_inner().find(|q| q.as_rule() == Rule::ident) else {
            return FailureMode::FailAfterRunning;
        };
        match id.as_str().parse::<FailureMode>() {
            Ok(mode) => mode,
            Err(_) => {
                let other = id.as_str();
                self.errors.push(SyntaxError::UnknownWord {
                    what: "failure mode",
                    name: other.to_string(),
                    span: self.span(&id),
                    help: did_you_mean(other, FAILURE_MODES.iter().copied())
                        .or_else(|| Some(format!("the failure modes are {}", words::list(FAILURE_MODES)))),
                });
                FailureMode::FailAfterRunning
            }
        }
    }

    fn strategy(&mut self, name: &P<'_>, arg: Option<Expr>) -> Strategy {
        let s = match name.as_str().parse::<StrategyName>() {
            Ok(StrategyName::Parallel) => return Strategy::Parallel(arg),
            Ok(StrategyName::Sequential) => Strategy::Sequential,
            Ok(StrategyName::StrictSequential) => Strategy::StrictSequential,
            Ok(StrategyName::FirstOnly) => Strategy::FirstOnly,
            Ok(StrategyName::LastOnly) => Strategy::LastOnly,
            Err(_) => {
                let other = name.as_str();
                self.errors.push(SyntaxError::UnknownWord {
                    what: "run strategy",
                    name: other.to_string(),
                    span: self.span(name),
                    help: did_you_mean(other, STRATEGIES.iter().copied()).or_else(|| {
                        Some(format!(
                            "the strategies are {} (`parallel(N)` takes a bound)",
                            words::list(STRATEGIES)
                        ))
                    }),
                });
                return Strategy::Sequential;
            }
        };
        if let Some(a) = arg {
            self.errors.push(SyntaxError::BadLiteral {
                message: format!("strategy `{}` takes no argument", name.as_str()),
                span: a.span,
                label: "remove this".into(),
                help: Some("only `parallel(N)` takes a number".into()),
            });
        }
        s
    }

    fn retry(&mut self, p: P<'_>) -> Retry {
        let span = self.span(&p);
        let mut count = None;
        let mut backoff = None;
        let mut on = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::expr => count = Some(self.expr(q)),
                Rule::backoff => backoff = self.backoff(q),
                Rule::ident => {
                    let s = self.span(&q);
                    let r = match q.as_str().parse::<RetryOn>() {
                        Ok(on) => Some(on),
                        Err(_) => {
                            let other = q.as_str();
                            self.errors.push(SyntaxError::UnknownWord {
                                what: "retry condition",
                                name: other.to_string(),
                                span: s,
                                help: did_you_mean(other, RETRY_ON.iter().copied())
                                    .or_else(|| Some("write `on failure`, `on timeout` or `on any`".into())),
                            });
                            None
                        }
                    };
                    on = r.map(|node| Spanned { node, span: s });
                }
                _ => {}
            }
        }
        Retry {
            count: count.unwrap_or(Expr {
                kind: ExprKind::Error,
                span,
            }),
            backoff,
            on,
            span,
        }
    }

    fn backoff(&mut self, p: P<'_>) -> Option<Spanned<Backoff>> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let name = inner.next()?;
        let args = inner.next()?;
        let (positional, named) = self.call_args(args);
        let mut positional = positional.into_iter();
        match name.as_str().parse::<BackoffName>() {
            Ok(BackoffName::Fixed) => {
                let d = positional.next()?;
                Some(Spanned {
                    node: Backoff::Fixed(d),
                    span,
                })
            }
            Ok(BackoffName::Exponential) => {
                let base = positional.next()?;
                let max = named
                    .into_iter()
                    .find(|(n, _)| n.name == "max")
                    .map(|(_, e)| e)
                    .or_else(|| positional.next());
                Some(Spanned {
                    node: Backoff::Exponential { base, max },
                    span,
                })
            }
            Err(_) => {
                let other = name.as_str();
                self.errors.push(SyntaxError::UnknownWord {
                    what: "backoff",
                    name: other.to_string(),
                    span: self.span(&name),
                    help: did_you_mean(other, BACKOFFS.iter().copied())
                        .or_else(|| Some("write `backoff fixed(10s)` or `backoff exponential(1s, max: 1m)`".into())),
                });
                None
            }
        }
    }

    fn fields(&mut self, p: P<'_>) -> Vec<(Ident, Expr)> {
        p.into_inner()
            .filter_map(|f| {
                let mut r = f.into_inner();
                let n = r.next()?;
                let e = r.next()?;
                Some((self.ident(&n), self.expr(e)))
            })
            .collect()
    }

    fn step(&mut self, p: P<'_>, span: Span) -> Step {
        let mut name = None;
        let mut clauses = Vec::new();
        for q in p.into_inner() {
            let cspan = self.span(&q);
            let kind = match q.as_rule() {
                Rule::ident => {
                    name = Some(self.ident(&q));
                    continue;
                }
                Rule::run_clause => {
                    let Some(s) = q
                        .into_inner()
                        .find(|r| matches!(r.as_rule(), Rule::string_lit | Rule::raw_string))
                    else {
                        continue;
                    };
                    ClauseKind::Run(self.string(s))
                }
                Rule::exec_clause => ClauseKind::Exec(self.last_expr(q, cspan)),
                Rule::call_clause => {
                    let mut target = Vec::new();
                    let mut args = Vec::new();
                    for r in q.into_inner() {
                        match r.as_rule() {
                            Rule::ident => target.push(self.ident(&r)),
                            Rule::named_arg => {
                                let mut x = r.into_inner();
                                if let (Some(n), Some(e)) = (x.next(), x.next()) {
                                    args.push((self.ident(&n), self.expr(e)));
                                }
                            }
                            _ => {}
                        }
                    }
                    ClauseKind::Call { target, args }
                }
                Rule::sleep_clause => ClauseKind::Sleep(self.last_expr(q, cspan)),
                Rule::wait_clause => {
                    let mut exprs = Vec::new();
                    let mut since = None;
                    for r in q.into_inner() {
                        match r.as_rule() {
                            Rule::expr => exprs.push(self.expr(r)),
                            Rule::since => {
                                let sspan = self.span(&r);
                                let node = match r.into_inner().find(|x| x.as_rule() == Rule::expr) {
                                    Some(e) => WaitSince::Before(self.expr(e)),
                                    None => WaitSince::RunStart,
                                };
                                since = Some(Spanned { node, span: sspan });
                            }
                            _ => {}
                        }
                    }
                    let mut exprs = exprs.into_iter();
                    let signal = exprs.next().unwrap_or(Expr {
                        kind: ExprKind::Error,
                        span: cspan,
                    });
                    let filter = exprs.next();
                    ClauseKind::Wait { signal, filter, since }
                }
                Rule::env_clause | Rule::resources_clause => {
                    let is_env = q.as_rule() == Rule::env_clause;
                    let fields = q
                        .into_inner()
                        .find(|r| r.as_rule() == Rule::fields)
                        .map(|f| self.fields(f))
                        .unwrap_or_default();
                    if is_env {
                        ClauseKind::Env(fields)
                    } else {
                        ClauseKind::Resources(fields)
                    }
                }
                Rule::dir_clause => ClauseKind::Dir(self.last_expr(q, cspan)),
                Rule::image_clause => ClauseKind::Image(self.last_expr(q, cspan)),
                Rule::profile_clause => ClauseKind::Profile(self.last_expr(q, cspan)),
                Rule::outputs_clause => ClauseKind::Outputs(
                    q.into_inner()
                        .filter(|r| r.as_rule() == Rule::field_type)
                        .filter_map(|r| {
                            let mut x = r.into_inner();
                            let n = x.next()?;
                            let t = x.next()?;
                            Some((self.ident(&n), self.type_expr(t)))
                        })
                        .collect(),
                ),
                Rule::emit_clause => {
                    let mut signal = None;
                    let mut fields = Vec::new();
                    for r in q.into_inner() {
                        match r.as_rule() {
                            Rule::expr => signal = Some(self.expr(r)),
                            Rule::fields => fields = self.fields(r),
                            _ => {}
                        }
                    }
                    ClauseKind::Emit {
                        signal: signal.unwrap_or(Expr {
                            kind: ExprKind::Error,
                            span: cspan,
                        }),
                        fields,
                    }
                }
                Rule::after_clause => ClauseKind::After(
                    q.into_inner()
                        .filter(|r| r.as_rule() == Rule::ident)
                        .map(|r| self.ident(&r))
                        .collect(),
                ),
                Rule::retry_clause => ClauseKind::Retry(self.retry(q)),
                Rule::timeout_clause => ClauseKind::Timeout(self.last_expr(q, cspan)),
                Rule::on_failure_clause => ClauseKind::OnFailure(self.failure_mode(q)),
                _ => continue,
            };
            clauses.push(Clause { kind, span: cspan });
        }
        Step {
            name: name.unwrap_or(Ident {
                name: String::new(),
                span,
            }),
            clauses,
            span,
        }
    }

    pub fn type_expr(&mut self, p: P<'_>) -> TypeExpr {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let Some(atom) = inner.next() else {
            return error_type(span);
        };
        let atom_span = self.span(&atom);
        let mut t = match atom.as_rule() {
            Rule::named_type => match atom.into_inner().next() {
                Some(id) => TypeExpr {
                    kind: TypeExprKind::Named(self.ident(&id)),
                    span: atom_span,
                },
                None => error_type(atom_span),
            },
            Rule::generic_type => {
                let mut r = atom.into_inner();
                match r.next() {
                    Some(id) => {
                        let name = self.ident(&id);
                        let args = r.map(|x| self.type_expr(x)).collect();
                        TypeExpr {
                            kind: TypeExprKind::Generic(name, args),
                            span: atom_span,
                        }
                    }
                    None => error_type(atom_span),
                }
            }
            Rule::record_type => TypeExpr {
                kind: TypeExprKind::Record(
                    atom.into_inner()
                        .filter_map(|f| {
                            let mut x = f.into_inner();
                            let n = x.next()?;
                            let t = x.next()?;
                            Some((self.ident(&n), self.type_expr(t)))
                        })
                        .collect(),
                ),
                span: atom_span,
            },
            _ => error_type(atom_span),
        };
        for mark in inner {
            let end = self.span(&mark).end;
            t = TypeExpr {
                span: Span { end, ..t.span },
                kind: TypeExprKind::Optional(Box::new(t)),
            };
        }
        t
    }

    /// An expression; trees deeper than [`MAX_EXPR_DEPTH`] become `ExprKind::Error`.
    pub fn expr(&mut self, p: P<'_>) -> Expr {
        self.expr_d(p).0
    }

    fn too_deep(&mut self, span: Span) -> (Expr, u32) {
        if !self.too_deep_reported {
            self.too_deep_reported = true;
            self.errors.push(SyntaxError::ExprTooDeep {
                span,
                limit: MAX_EXPR_DEPTH as usize,
            });
        }
        leaf(ExprKind::Error, span)
    }

    fn node(&mut self, kind: ExprKind, span: Span, depth: u32) -> (Expr, u32) {
        if depth > MAX_EXPR_DEPTH {
            return self.too_deep(span);
        }
        (Expr { kind, span }, depth)
    }

    fn expr_d(&mut self, p: P<'_>) -> (Expr, u32) {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::expr | Rule::paren => match p.into_inner().next() {
                Some(inner) => self.expr_d(inner),
                None => leaf(ExprKind::Error, span),
            },
            Rule::if_expr => {
                let mut parts = p.into_inner().filter(|q| q.as_rule() == Rule::expr);
                let (Some(c), Some(a), Some(b)) = (parts.next(), parts.next(), parts.next()) else {
                    return leaf(ExprKind::Error, span);
                };
                let (c, dc) = self.expr_d(c);
                let (a, da) = self.expr_d(a);
                let (b, db) = self.expr_d(b);
                self.node(
                    ExprKind::If(Box::new(c), Box::new(a), Box::new(b)),
                    span,
                    dc.max(da).max(db) + 1,
                )
            }
            Rule::coalesce | Rule::or_expr | Rule::and_expr | Rule::cmp_expr | Rule::add_expr | Rule::mul_expr => {
                let mut inner = p.into_inner();
                let Some(first) = inner.next() else {
                    return leaf(ExprKind::Error, span);
                };
                let (mut acc, mut depth) = self.expr_d(first);
                while let Some(op) = inner.next() {
                    let Some(rhs) = inner.next() else { break };
                    let op = binary_op(&op);
                    let (r, dr) = self.expr_d(rhs);
                    let s = acc.span.to(r.span);
                    depth = depth.max(dr) + 1;
                    if depth > MAX_EXPR_DEPTH {
                        // Keep scanning the operands for their own errors, but build nothing deeper.
                        let (e, d) = self.too_deep(s);
                        acc = e;
                        depth = d;
                        continue;
                    }
                    acc = Expr {
                        kind: ExprKind::Binary(op, Box::new(acc), Box::new(r)),
                        span: s,
                    };
                }
                (acc, depth)
            }
            Rule::not_expr | Rule::unary => {
                let parts: Vec<P<'_>> = p.into_inner().collect();
                let Some((last, prefixes)) = parts.split_last() else {
                    return leaf(ExprKind::Error, span);
                };
                let (mut acc, mut depth) = self.expr_d(last.clone());
                for op in prefixes.iter().rev() {
                    let op_kind = if op.as_rule() == Rule::k_not {
                        UnaryOp::Not
                    } else {
                        UnaryOp::Neg
                    };
                    let s = self.span(op).to(acc.span);
                    if op_kind == UnaryOp::Neg {
                        let folded = match acc.kind {
                            ExprKind::Int(n) => n.checked_neg().map(ExprKind::Int),
                            ExprKind::Float(f) => Some(ExprKind::Float(-f)),
                            ExprKind::Duration(d) => d.checked_neg().map(ExprKind::Duration),
                            _ => None,
                        };
                        if let Some(kind) = folded {
                            acc = Expr { kind, span: s };
                            continue;
                        }
                    }
                    depth += 1;
                    if depth > MAX_EXPR_DEPTH {
                        return self.too_deep(s);
                    }
                    acc = Expr {
                        kind: ExprKind::Unary(op_kind, Box::new(acc)),
                        span: s,
                    };
                }
                (acc, depth)
            }
            Rule::postfix => {
                let mut inner = p.into_inner();
                let Some(first) = inner.next() else {
                    return leaf(ExprKind::Error, span);
                };
                let (mut acc, mut depth) = self.expr_d(first);
                for op in inner {
                    let s = acc.span.to(self.span(&op));
                    depth += 1;
                    if depth > MAX_EXPR_DEPTH {
                        return self.too_deep(s);
                    }
                    match op.as_rule() {
                        Rule::field_access => {
                            let Some(id) = op.into_inner().next() else {
                                continue;
                            };
                            let id = self.ident(&id);
                            acc = Expr {
                                kind: ExprKind::Field(Box::new(acc), id),
                                span: s,
                            };
                        }
                        Rule::index => {
                            let Some(e) = op.into_inner().next() else {
                                continue;
                            };
                            let (i, di) = self.expr_d(e);
                            depth = depth.max(di + 1);
                            acc = Expr {
                                kind: ExprKind::Index(Box::new(acc), Box::new(i)),
                                span: s,
                            };
                        }
                        Rule::call_args => {
                            let (args, named) = self.call_args(op);
                            acc = Expr {
                                kind: ExprKind::Call {
                                    callee: Box::new(acc),
                                    args,
                                    named,
                                },
                                span: s,
                            };
                        }
                        _ => {}
                    }
                }
                (acc, depth)
            }
            Rule::list => self.list(p, span),
            Rule::braces => self.braces(p, span),
            Rule::ident => leaf(ExprKind::Name(self.ident(&p)), span),
            Rule::int_lit => match literal::int(p.as_str()) {
                Some(n) => leaf(ExprKind::Int(n), span),
                None => {
                    self.errors.push(SyntaxError::NumberTooLarge {
                        text: p.as_str().to_string(),
                        span,
                    });
                    leaf(ExprKind::Error, span)
                }
            },
            Rule::float_lit => match literal::float(p.as_str()) {
                Some(f) => leaf(ExprKind::Float(f), span),
                None => {
                    self.errors.push(SyntaxError::NumberTooLarge {
                        text: p.as_str().to_string(),
                        span,
                    });
                    leaf(ExprKind::Error, span)
                }
            },
            Rule::duration_lit => match literal::duration(p.as_str()) {
                Some(ms) => leaf(ExprKind::Duration(ms), span),
                None => {
                    self.errors.push(SyntaxError::DurationTooLong {
                        text: p.as_str().to_string(),
                        span,
                    });
                    leaf(ExprKind::Error, span)
                }
            },
            Rule::date_lit => {
                let text = p.as_str();
                match literal::date(text) {
                    Ok(d) => leaf(ExprKind::Date(d), span),
                    Err(reason) => {
                        self.errors.push(SyntaxError::BadDate {
                            text: text.to_string(),
                            reason,
                            span,
                        });
                        leaf(ExprKind::Error, span)
                    }
                }
            }
            Rule::k_true => leaf(ExprKind::Bool(true), span),
            Rule::k_false => leaf(ExprKind::Bool(false), span),
            Rule::k_none => leaf(ExprKind::None, span),
            Rule::raw_string | Rule::string_lit => {
                let mut depth = 1;
                for part in p.clone().into_inner() {
                    if part.as_rule() == Rule::interp {
                        depth += 1;
                    }
                }
                let e = self.string(p);
                (e, depth)
            }
            _ => leaf(ExprKind::Error, span),
        }
    }

    fn call_args(&mut self, p: P<'_>) -> (Vec<Expr>, Vec<(Ident, Expr)>) {
        let mut args = Vec::new();
        let mut named: Vec<(Ident, Expr)> = Vec::new();
        for a in p.into_inner() {
            if a.as_rule() == Rule::named_arg {
                let mut x = a.into_inner();
                if let (Some(n), Some(e)) = (x.next(), x.next()) {
                    let name = self.ident(&n);
                    named.push((name, self.expr(e)));
                }
            } else {
                let e = self.expr(a);
                if let Some((first, _)) = named.first() {
                    self.errors.push(SyntaxError::PositionalAfterNamed {
                        span: e.span,
                        named: first.span,
                    });
                }
                args.push(e);
            }
        }
        (args, named)
    }

    fn list(&mut self, p: P<'_>, span: Span) -> (Expr, u32) {
        let mut inner = p.into_inner();
        let Some(first) = inner.next() else {
            return leaf(ExprKind::List(Vec::new()), span);
        };
        let (first, mut depth) = self.expr_d(first);
        let Some(tail) = inner.next() else {
            return (
                Expr {
                    kind: ExprKind::List(vec![first]),
                    span,
                },
                depth + 1,
            );
        };
        if tail.as_rule() == Rule::comp_tail {
            let mut var = None;
            let mut iter = None;
            let mut cond = None;
            for q in tail.into_inner() {
                match q.as_rule() {
                    Rule::ident => var = Some(self.ident(&q)),
                    Rule::expr if iter.is_none() => {
                        let (e, d) = self.expr_d(q);
                        depth = depth.max(d);
                        iter = Some(e);
                    }
                    Rule::expr => {
                        let (e, d) = self.expr_d(q);
                        depth = depth.max(d);
                        cond = Some(Box::new(e));
                    }
                    _ => {}
                }
            }
            let (Some(var), Some(iter)) = (var, iter) else {
                return leaf(ExprKind::Error, span);
            };
            return self.node(
                ExprKind::Comprehension {
                    elem: Box::new(first),
                    var,
                    iter: Box::new(iter),
                    cond,
                },
                span,
                depth + 1,
            );
        }
        let mut items = vec![first];
        for q in tail.into_inner() {
            let (e, d) = self.expr_d(q);
            depth = depth.max(d);
            items.push(e);
        }
        self.node(ExprKind::List(items), span, depth + 1)
    }

    fn braces(&mut self, p: P<'_>, span: Span) -> (Expr, u32) {
        let mut record: Vec<(Ident, Expr)> = Vec::new();
        let mut map: Vec<(Expr, Expr)> = Vec::new();
        let mut depth = 1;
        let mut keys: Vec<(String, Span)> = Vec::new();
        for entry in p.into_inner() {
            let mut x = entry.into_inner();
            let (Some(key), Some(value)) = (x.next(), x.next()) else {
                continue;
            };
            let (v, d) = self.expr_d(value);
            depth = depth.max(d);
            let key_span = self.span(&key);
            if key.as_rule() == Rule::ident {
                let id = self.ident(&key);
                self.check_dup(&mut keys, &id.name, key_span);
                record.push((id, v));
            } else {
                let k = self.string(key);
                if let ExprKind::Str(parts) = &k.kind {
                    if let [StrPart::Lit(s)] = parts.as_slice() {
                        let s = s.clone();
                        self.check_dup(&mut keys, &s, key_span);
                    }
                }
                map.push((k, v));
            }
        }
        if !record.is_empty() && !map.is_empty() {
            self.errors.push(SyntaxError::BadLiteral {
                message: "a `{…}` literal mixes identifier keys and string keys".into(),
                span,
                label: "mixed keys".into(),
                help: Some("identifier keys make a record (`{name: \"a\"}`), string keys make a map (`{\"us\": 1}`); use one kind".into()),
            });
            return leaf(ExprKind::Error, span);
        }
        let kind = if record.is_empty() {
            ExprKind::Map(map)
        } else {
            ExprKind::Record(record)
        };
        self.node(kind, span, depth + 1)
    }

    fn check_dup(&mut self, keys: &mut Vec<(String, Span)>, key: &str, span: Span) {
        if keys.iter().any(|(k, _)| k == key) {
            self.errors.push(SyntaxError::BadLiteral {
                message: format!("key `{key}` appears twice"),
                span,
                label: "duplicate key".into(),
                help: Some("each key may appear once; remove one of them".into()),
            });
        } else {
            keys.push((key.to_string(), span));
        }
    }

    /// A string literal (plain or raw) as an expression.
    pub fn string(&mut self, p: P<'_>) -> Expr {
        let span = self.span(&p);
        if p.as_rule() == Rule::raw_string {
            let text = p
                .into_inner()
                .next()
                .map(|t| t.as_str().to_string())
                .unwrap_or_default();
            return Expr {
                kind: ExprKind::RawStr(text),
                span,
            };
        }
        let mut parts: Vec<StrPart> = Vec::new();
        let mut lit = String::new();
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::str_text => lit.push_str(q.as_str()),
                Rule::str_escape => {
                    let s = q.as_str();
                    match s.chars().nth(1) {
                        Some(c) if literal::escape(c).is_some() => lit.extend(literal::escape(c)),
                        Some(c) => {
                            self.errors.push(SyntaxError::BadEscape {
                                escape: c.to_string(),
                                span: self.span(&q),
                            });
                        }
                        None => {}
                    }
                }
                Rule::interp => {
                    if !lit.is_empty() {
                        parts.push(StrPart::Lit(std::mem::take(&mut lit)));
                    }
                    match q.into_inner().next() {
                        Some(e) => parts.push(StrPart::Interp(self.expr(e))),
                        None => parts.push(StrPart::Interp(Expr {
                            kind: ExprKind::Error,
                            span,
                        })),
                    }
                }
                _ => {}
            }
        }
        if !lit.is_empty() {
            parts.push(StrPart::Lit(lit));
        }
        Expr {
            kind: ExprKind::Str(parts),
            span,
        }
    }

    /// `schedule "CRON" [in "ZONE"] [catchup POLICY]`; `None` if the cron literal is missing.
    fn schedule(&mut self, p: P<'_>) -> Option<Schedule> {
        let mut cron = None;
        let mut zone = None;
        let mut catchup = None;
        for q in p.into_inner() {
            match q.as_rule() {
                Rule::string_lit => {
                    let lspan = self.span(&q);
                    let text = self.plain_string(q);
                    if cron.is_none() {
                        cron = Some((text, lspan));
                    } else {
                        zone = Some(Spanned {
                            node: text,
                            span: lspan,
                        });
                    }
                }
                Rule::catchup => {
                    let cspan = self.span(&q);
                    catchup = self.catchup(q).map(|node| Spanned { node, span: cspan });
                }
                _ => {}
            }
        }
        let (cron, cron_span) = cron?;
        Some(Schedule {
            cron,
            cron_span,
            zone,
            catchup,
        })
    }

    /// `none`, `last` or `all(max: N)`; reports anything else.
    fn catchup(&mut self, p: P<'_>) -> Option<Catchup> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let word = inner.next()?;
        if word.as_rule() == Rule::k_none {
            return Some(Catchup::None);
        }
        let name = word.as_str().to_string();
        let arg = match (inner.next(), inner.next()) {
            (Some(key), Some(e)) => Some((self.ident(&key), self.expr(e))),
            _ => None,
        };
        match (name.as_str(), arg) {
            ("last", None) => Some(Catchup::Last),
            ("all", Some((key, max))) if key.name == "max" => Some(Catchup::All { max }),
            ("all", Some((key, _))) => {
                self.errors.push(SyntaxError::BadCatchup {
                    message: format!("`all` takes `max`, not `{}`", key.name),
                    span: key.span,
                    label: "unknown argument".into(),
                    help: Some("write `catchup all(max: N)`".into()),
                });
                None
            }
            ("all", None) => {
                self.errors.push(SyntaxError::BadCatchup {
                    message: "`catchup all` needs a bound".into(),
                    span,
                    label: "no `max`".into(),
                    help: Some("write `catchup all(max: N)`: at most the latest N missed runs are started".into()),
                });
                None
            }
            ("last", Some(_)) => {
                self.errors.push(SyntaxError::BadCatchup {
                    message: "`catchup last` takes no argument".into(),
                    span,
                    label: "remove the parentheses".into(),
                    help: Some("`last` starts one run for the latest missed time; `all(max: N)` starts several".into()),
                });
                None
            }
            (other, _) => {
                let words = ["none", "last", "all"];
                self.errors.push(SyntaxError::UnknownWord {
                    what: "catch-up policy",
                    name: other.to_string(),
                    span: self.span(&word),
                    help: did_you_mean(other, words.iter().copied())
                        .or_else(|| Some("the catch-up policies are `none`, `last` and `all(max: N)`".into())),
                });
                None
            }
        }
    }

    /// The text of a string literal that must not interpolate (import paths, schedules).
    fn plain_string(&mut self, p: P<'_>) -> String {
        let span = self.span(&p);
        let e = self.string(p);
        match e.kind {
            ExprKind::Str(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        StrPart::Lit(s) => out.push_str(&s),
                        StrPart::Interp(_) => {
                            self.errors.push(SyntaxError::BadLiteral {
                                message: "interpolation is not allowed here".into(),
                                span,
                                label: "must be a plain string".into(),
                                help: Some("write the text literally".into()),
                            });
                        }
                    }
                }
                out
            }
            ExprKind::RawStr(s) => s,
            _ => String::new(),
        }
    }
}

/// Where a pair's last token ends, ignoring trailing whitespace and comments.
fn tight_end(p: &P<'_>) -> usize {
    let span = p.as_span();
    let last_inner = p.clone().into_inner().last();
    let from = last_inner.as_ref().map_or(span.start(), |q| q.as_span().end());
    let input = p.get_input();
    if let Some(end) = last_token_end(input.get(from..span.end()).unwrap_or("")) {
        return from + end;
    }
    match last_inner {
        Some(q) => tight_end(&q),
        None => span.start(),
    }
}

/// True if `text` holds only whitespace and comments.
pub(crate) fn is_blank(text: &str) -> bool {
    last_token_end(text).is_none()
}

/// The end of the last character of `text` that is neither whitespace nor in a comment.
fn last_token_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut last = None;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' | b'\r' | b'\n' => i += 1,
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 2);
            }
            _ => {
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                if !text[i..].starts_with('\u{FEFF}') {
                    last = Some(i + len);
                }
                i += len;
            }
        }
    }
    last
}

/// The `///` lines right before `start` (a file offset), joined.
pub(crate) fn doc_before(text: &str, start: usize) -> Option<String> {
    let mut lines = Vec::new();
    let mut end = text[..start.min(text.len())].rfind('\n');
    while let Some(e) = end {
        let line_start = text[..e].rfind('\n').map_or(0, |n| n + 1);
        let line = text[line_start..e].trim();
        if let Some(doc) = line.strip_prefix("///") {
            lines.push(doc.trim().to_string());
            end = if line_start == 0 { None } else { Some(line_start - 1) };
        } else {
            break;
        }
    }
    if lines.is_empty() {
        return None;
    }
    lines.reverse();
    Some(lines.join("\n"))
}

/// An expression without children (depth 1).
fn leaf(kind: ExprKind, span: Span) -> (Expr, u32) {
    (Expr { kind, span }, 1)
}

fn error_type(span: Span) -> TypeExpr {
    TypeExpr {
        kind: TypeExprKind::Named(Ident {
            name: "{error}".into(),
            span,
        }),
        span,
    }
}

fn binary_op(p: &P<'_>) -> BinaryOp {
    match p.as_str() {
        "??" => BinaryOp::Coalesce,
        "or" => BinaryOp::Or,
        "and" => BinaryOp::And,
        "==" => BinaryOp::Eq,
        "!=" => BinaryOp::Ne,
        "<" => BinaryOp::Lt,
        "<=" => BinaryOp::Le,
        ">" => BinaryOp::Gt,
        ">=" => BinaryOp::Ge,
        "+" => BinaryOp::Add,
        "-" => BinaryOp::Sub,
        "*" => BinaryOp::Mul,
        "/" => BinaryOp::Div,
        _ => BinaryOp::Rem,
    }
}
