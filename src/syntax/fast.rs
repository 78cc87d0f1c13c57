//! The fast path of the parser: a hand-written recursive-descent parser for input that
//! is entirely valid. It builds exactly the AST the pest path builds (a test checks this
//! on every fixture and example) and gives up, returning `None`, at the first thing it
//! does not like; the pest path then parses the text and reports the problems. Its
//! recursion is bounded by the pre-scan's nesting limit and its own depth limit.

use super::ast::{
    Backoff, BinaryOp, Branch, Catchup, Clause, ClauseKind, Expr, ExprKind, FailureMode, FnDef, Foreach, Ident, If,
    Import, Item, Retry, RetryOn, Schedule, SourceFile, Spanned, Step, Stmt, StmtKind, StrPart, Strategy, Trigger,
    TypeExpr, TypeExprKind, UnaryOp, WaitSince, While, Workflow,
};
use super::build::doc_before;
use super::keywords::is_reserved;
use super::literal;
use super::span::{FileId, Span};
use super::words::{BackoffName, StrategyName};

/// Expression trees deeper than this go to the pest path, which reports E0024 for them:
/// the same bound, counted the same way, so that no valid expression is declined.
const MAX_DEPTH: u32 = super::build::MAX_EXPR_DEPTH;

/// Nested expressions, blocks and types deeper than this go to the pest path. The
/// pre-scan already refuses more than 128 brackets and prefix operators, so valid text
/// stays well below; this keeps the parser safe on its own.
#[allow(clippy::cast_possible_truncation)] // 128
const MAX_NEST: u32 = 2 * super::scan::MAX_NESTING as u32 + 16;

/// Parses a whole file, or returns `None` if anything is off.
#[must_use]
pub fn parse(file: FileId, text: &str) -> Option<SourceFile> {
    let mut p = Parser {
        src: text.as_bytes(),
        text,
        pos: 0,
        last_end: 0,
        file,
        nest: 0,
    };
    let mut items = Vec::new();
    loop {
        p.ws();
        if p.pos >= p.src.len() {
            break;
        }
        items.push(p.item()?);
    }
    Some(SourceFile { file, items })
}

struct Parser<'t> {
    src: &'t [u8],
    text: &'t str,
    pos: usize,
    /// End of the last token consumed (spans end here, before trailing whitespace).
    last_end: usize,
    file: FileId,
    /// Current nesting of expressions, blocks and types.
    nest: u32,
}

fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

type Res<T> = Option<T>;

/// Positional and named call arguments.
type Args = (Vec<Expr>, Vec<(Ident, Expr)>);

impl Parser<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    /// Skips whitespace and comments (the grammar's implicit WHITESPACE and COMMENT).
    fn ws(&mut self) {
        loop {
            match self.src.get(self.pos) {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(0xEF) if self.src.get(self.pos + 1..self.pos + 3) == Some(&[0xBB, 0xBF]) => self.pos += 3,
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'/') => {
                    while self.pos < self.src.len() && self.src[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                Some(b'/') if self.src.get(self.pos + 1) == Some(&b'*') => match self.text[self.pos + 2..].find("*/") {
                    Some(end) => self.pos += 2 + end + 2,
                    None => return,
                },
                _ => return,
            }
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.src.get(self.pos).copied()
    }

    fn starts(&mut self, lit: &str) -> bool {
        self.ws();
        self.src[self.pos..].starts_with(lit.as_bytes())
    }

    /// Consumes a punctuation literal.
    fn eat(&mut self, lit: &str) -> bool {
        if self.starts(lit) {
            self.pos += lit.len();
            self.last_end = self.pos;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, lit: &str) -> Res<usize> {
        self.ws();
        let start = self.pos;
        self.eat(lit).then_some(start)
    }

    /// The identifier-like word at the cursor, without consuming it.
    fn peek_word(&mut self) -> Option<&str> {
        self.ws();
        let start = self.pos;
        let first = *self.src.get(start)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        let mut end = start + 1;
        while end < self.src.len() && is_ident_byte(self.src[end]) {
            end += 1;
        }
        Some(&self.text[start..end])
    }

    /// Consumes the keyword `kw` (a whole word).
    fn keyword(&mut self, kw: &str) -> bool {
        if self.peek_word() == Some(kw) {
            self.pos += kw.len();
            self.last_end = self.pos;
            true
        } else {
            false
        }
    }

    /// A name (never a reserved word).
    fn ident(&mut self) -> Res<Ident> {
        let word = self.peek_word()?;
        if is_reserved(word) {
            return None;
        }
        let name = word.to_string();
        let start = self.pos;
        self.pos += name.len();
        self.last_end = self.pos;
        Some(Ident {
            name,
            span: self.span(start, self.pos),
        })
    }

    fn item(&mut self) -> Res<Item> {
        let start = self.pos;
        match self.peek_word()? {
            "import" => {
                self.keyword("import");
                self.ws();
                let path_start = self.pos;
                let lit = self.string()?;
                let path_span = self.span(path_start, self.last_end);
                let path = plain(lit)?;
                let alias = if self.keyword("as") { Some(self.ident()?) } else { None };
                Some(Item::Import(Import {
                    path,
                    path_span,
                    alias,
                    span: self.span(start, self.last_end),
                }))
            }
            "fn" => {
                self.keyword("fn");
                let name = self.ident()?;
                self.expect("(")?;
                let mut params = Vec::new();
                while !self.starts(")") {
                    let n = self.ident()?;
                    self.expect(":")?;
                    params.push((n, self.type_expr()?));
                    if !self.eat(",") {
                        break;
                    }
                }
                self.expect(")")?;
                self.expect("->")?;
                let ret = self.type_expr()?;
                self.expect("=")?;
                let body = self.expr()?.0;
                Some(Item::Fn(FnDef {
                    doc: doc_before(self.text, start),
                    name,
                    params,
                    ret,
                    body,
                    span: self.span(start, self.last_end),
                }))
            }
            "workflow" => {
                self.keyword("workflow");
                let name = self.ident()?;
                self.expect("{")?;
                let body = self.stmts()?;
                self.expect("}")?;
                Some(Item::Workflow(Workflow {
                    doc: doc_before(self.text, start),
                    name,
                    body,
                    span: self.span(start, self.last_end),
                }))
            }
            _ => None,
        }
    }

    /// Statements up to (not including) a `}`.
    fn stmts(&mut self) -> Res<Vec<Stmt>> {
        let mut out = Vec::new();
        while self.peek()? != b'}' {
            out.push(self.stmt()?);
        }
        Some(out)
    }

    fn block(&mut self) -> Res<(Vec<Stmt>, Span)> {
        self.nest += 1;
        let result = if self.nest > MAX_NEST { None } else { self.block_inner() };
        self.nest -= 1;
        result
    }

    fn block_inner(&mut self) -> Res<(Vec<Stmt>, Span)> {
        let start = self.expect("{")?;
        let body = self.stmts()?;
        self.expect("}")?;
        Some((body, self.span(start, self.last_end)))
    }

    fn stmt(&mut self) -> Res<Stmt> {
        self.ws();
        let start = self.pos;
        let word = self.peek_word()?.to_string();
        let kind = match word.as_str() {
            "param" | "const" | "let" | "output" => {
                self.keyword(&word);
                let name = self.ident()?;
                let ty = if self.eat(":") { Some(self.type_expr()?) } else { None };
                let value = if self.eat("=") { Some(self.expr()?.0) } else { None };
                match word.as_str() {
                    "param" => {
                        self.ws();
                        let at = self.pos;
                        let fixed = self.keyword("fixed").then(|| self.span(at, self.last_end));
                        StmtKind::Param {
                            name,
                            ty: ty?,
                            default: value,
                            fixed,
                        }
                    }
                    "const" => StmtKind::Const {
                        name,
                        ty,
                        value: value?,
                    },
                    "let" => StmtKind::Let {
                        name,
                        ty,
                        value: value?,
                    },
                    _ => StmtKind::Output {
                        name,
                        ty: ty?,
                        value: value?,
                    },
                }
            }
            "concurrency" => {
                self.keyword(&word);
                StmtKind::Concurrency(self.expr()?.0)
            }
            "timeout" => {
                self.keyword(&word);
                StmtKind::Timeout(self.expr()?.0)
            }
            "retry" => StmtKind::Retry(self.retry()?),
            "on_failure" => {
                self.keyword(&word);
                let mode = self.failure_mode()?;
                StmtKind::OnFailure(Spanned {
                    node: mode,
                    span: self.span(start, self.last_end),
                })
            }
            "strategy" => {
                self.keyword(&word);
                let name = self.ident()?;
                let arg = if self.eat("(") {
                    let e = self.expr()?.0;
                    self.expect(")")?;
                    Some(e)
                } else {
                    None
                };
                let node = match (name.name.parse::<StrategyName>().ok()?, arg) {
                    (StrategyName::Parallel, arg) => Strategy::Parallel(arg),
                    (StrategyName::Sequential, None) => Strategy::Sequential,
                    (StrategyName::StrictSequential, None) => Strategy::StrictSequential,
                    (StrategyName::FirstOnly, None) => Strategy::FirstOnly,
                    (StrategyName::LastOnly, None) => Strategy::LastOnly,
                    (_, Some(_)) => return None,
                };
                StmtKind::Strategy(Spanned {
                    node,
                    span: self.span(start, self.last_end),
                })
            }
            "schedule" => {
                self.keyword(&word);
                let (cron, cron_span) = self.plain_string()?;
                let zone = if self.keyword("in") {
                    let (node, span) = self.plain_string()?;
                    Some(Spanned { node, span })
                } else {
                    None
                };
                let catchup = if self.keyword("catchup") {
                    self.ws();
                    let at = self.pos;
                    let node = if self.keyword("none") {
                        Catchup::None
                    } else if self.keyword("last") {
                        if self.starts("(") {
                            return None;
                        }
                        Catchup::Last
                    } else if self.keyword("all") {
                        self.expect("(")?;
                        if !self.keyword("max") {
                            return None;
                        }
                        self.expect(":")?;
                        let max = self.expr()?.0;
                        self.expect(")")?;
                        Catchup::All { max }
                    } else {
                        return None;
                    };
                    Some(Spanned {
                        node,
                        span: self.span(at, self.last_end),
                    })
                } else {
                    None
                };
                StmtKind::Schedule(Schedule {
                    cron,
                    cron_span,
                    zone,
                    catchup,
                })
            }
            "trigger" => {
                self.keyword(&word);
                if !(self.keyword("on") && self.keyword("signal")) {
                    return None;
                }
                let (signal, signal_span) = self.plain_string()?;
                let filter = if self.keyword("where") {
                    Some(self.expr()?.0)
                } else {
                    None
                };
                StmtKind::Trigger(Trigger {
                    signal,
                    signal_span,
                    filter,
                })
            }
            "tags" => {
                self.keyword(&word);
                StmtKind::Tags(self.expr()?.0)
            }
            "step" => StmtKind::Step(self.step(start)?),
            "foreach" => {
                self.keyword(&word);
                let mut vars = Vec::new();
                loop {
                    let v = self.ident()?;
                    if !self.keyword("in") {
                        return None;
                    }
                    vars.push((v, self.expr()?.0));
                    if !self.eat(",") {
                        break;
                    }
                }
                let concurrency = if self.keyword("concurrency") {
                    Some(self.expr()?.0)
                } else {
                    None
                };
                let (body, _) = self.block()?;
                StmtKind::Foreach(Foreach {
                    vars,
                    concurrency,
                    body,
                    span: self.span(start, self.last_end),
                })
            }
            "while" => {
                self.keyword(&word);
                let cond = self.expr()?.0;
                let mut vars = Vec::new();
                if self.keyword("with") {
                    loop {
                        vars.push(self.binding()?);
                        if !self.eat(",") {
                            break;
                        }
                    }
                }
                let limit = if self.keyword("limit") {
                    Some(self.expr()?.0)
                } else {
                    None
                };
                let (body, _) = self.block()?;
                StmtKind::While(While {
                    cond,
                    vars,
                    limit,
                    body,
                    span: self.span(start, self.last_end),
                })
            }
            "next" => {
                self.keyword(&word);
                let mut bindings = vec![self.binding()?];
                while self.eat(",") {
                    bindings.push(self.binding()?);
                }
                StmtKind::Next(bindings)
            }
            "if" => {
                self.keyword("if");
                let cond = self.expr()?.0;
                let (body, bspan) = self.block()?;
                let mut branches = vec![Branch {
                    cond,
                    body,
                    span: bspan,
                }];
                let mut else_body = None;
                let mut else_span = None;
                loop {
                    let save = (self.pos, self.last_end);
                    self.ws();
                    let else_start = self.pos;
                    if !self.keyword("else") {
                        self.pos = save.0;
                        self.last_end = save.1;
                        break;
                    }
                    if self.keyword("if") {
                        let cond = self.expr()?.0;
                        let (body, _) = self.block()?;
                        branches.push(Branch {
                            cond,
                            body,
                            span: self.span(else_start, self.last_end),
                        });
                    } else {
                        let (body, _) = self.block()?;
                        else_body = Some(body);
                        else_span = Some(self.span(else_start, self.last_end));
                        break;
                    }
                }
                StmtKind::If(If {
                    branches,
                    else_body,
                    else_span,
                    span: self.span(start, self.last_end),
                })
            }
            _ => return None,
        };
        Some(Stmt {
            kind,
            span: self.span(start, self.last_end),
            doc: doc_before(self.text, start),
        })
    }

    /// A quoted string literal without interpolation, and its span.
    fn plain_string(&mut self) -> Res<(String, Span)> {
        self.ws();
        let start = self.pos;
        if self.peek()? != b'"' {
            return None;
        }
        let lit = self.string()?;
        let span = self.span(start, self.last_end);
        Some((plain(lit)?, span))
    }

    fn binding(&mut self) -> Res<(Ident, Expr)> {
        let name = self.ident()?;
        if self.starts("==") {
            return None;
        }
        self.expect("=")?;
        Some((name, self.expr()?.0))
    }

    fn failure_mode(&mut self) -> Res<FailureMode> {
        let id = self.ident()?;
        id.name.parse().ok()
    }

    fn retry(&mut self) -> Res<Retry> {
        self.ws();
        let start = self.pos;
        self.keyword("retry");
        let count = self.expr()?.0;
        let mut backoff = None;
        if self.keyword("backoff") {
            self.ws();
            let b_start = self.pos;
            let name = self.ident()?;
            self.expect("(")?;
            let (positional, named) = self.call_args()?;
            let span = self.span(b_start, self.last_end);
            let mut positional = positional.into_iter();
            backoff = match name.name.parse::<BackoffName>().ok()? {
                BackoffName::Fixed => positional.next().map(|d| Spanned {
                    node: Backoff::Fixed(d),
                    span,
                }),
                BackoffName::Exponential => match positional.next() {
                    Some(base) => {
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
                    None => None,
                },
            };
        }
        let mut on = None;
        if self.keyword("on") {
            let id = self.ident()?;
            let node: RetryOn = id.name.parse().ok()?;
            on = Some(Spanned { node, span: id.span });
        }
        Some(Retry {
            count,
            backoff,
            on,
            span: self.span(start, self.last_end),
        })
    }

    fn fields(&mut self) -> Res<Vec<(Ident, Expr)>> {
        self.expect("{")?;
        let mut out = Vec::new();
        while !self.starts("}") {
            let n = self.ident()?;
            self.expect(":")?;
            out.push((n, self.expr()?.0));
            if !self.eat(",") {
                break;
            }
        }
        self.expect("}")?;
        Some(out)
    }

    fn step(&mut self, start: usize) -> Res<Step> {
        self.keyword("step");
        let name = self.ident()?;
        self.expect("{")?;
        let mut clauses = Vec::new();
        while self.peek()? != b'}' {
            let cstart = self.pos;
            let word = self.peek_word()?.to_string();
            let kind = match word.as_str() {
                "retry" => ClauseKind::Retry(self.retry()?),
                "on_failure" => {
                    self.keyword(&word);
                    ClauseKind::OnFailure(self.failure_mode()?)
                }
                "run" => {
                    self.keyword(&word);
                    if !matches!(self.peek()?, b'"' | b'r') {
                        return None;
                    }
                    ClauseKind::Run(self.string()?)
                }
                "exec" => {
                    self.keyword(&word);
                    ClauseKind::Exec(self.expr()?.0)
                }
                "call" => {
                    self.keyword(&word);
                    let mut target = vec![self.ident()?];
                    if self.eat(".") {
                        target.push(self.ident()?);
                    }
                    self.expect("(")?;
                    let mut args = Vec::new();
                    while !self.starts(")") {
                        let n = self.ident()?;
                        self.expect(":")?;
                        args.push((n, self.expr()?.0));
                        if !self.eat(",") {
                            break;
                        }
                    }
                    self.expect(")")?;
                    ClauseKind::Call { target, args }
                }
                "sleep" => {
                    self.keyword(&word);
                    ClauseKind::Sleep(self.expr()?.0)
                }
                "wait" => {
                    self.keyword(&word);
                    if !self.keyword("signal") {
                        return None;
                    }
                    let signal = self.expr()?.0;
                    let filter = if self.keyword("where") {
                        Some(self.expr()?.0)
                    } else {
                        None
                    };
                    let since = if self.keyword("since") {
                        self.ws();
                        let at = self.pos;
                        let node = if self.keyword("run_start") {
                            WaitSince::RunStart
                        } else {
                            WaitSince::Before(self.expr()?.0)
                        };
                        Some(Spanned {
                            node,
                            span: self.span(at, self.last_end),
                        })
                    } else {
                        None
                    };
                    ClauseKind::Wait { signal, filter, since }
                }
                "env" => {
                    self.keyword(&word);
                    ClauseKind::Env(self.fields()?)
                }
                "resources" => {
                    self.keyword(&word);
                    ClauseKind::Resources(self.fields()?)
                }
                "dir" => {
                    self.keyword(&word);
                    ClauseKind::Dir(self.expr()?.0)
                }
                "image" => {
                    self.keyword(&word);
                    ClauseKind::Image(self.expr()?.0)
                }
                "profile" => {
                    self.keyword(&word);
                    ClauseKind::Profile(self.expr()?.0)
                }
                "timeout" => {
                    self.keyword(&word);
                    ClauseKind::Timeout(self.expr()?.0)
                }
                "outputs" => {
                    self.keyword(&word);
                    self.expect("{")?;
                    let mut out = Vec::new();
                    while !self.starts("}") {
                        let n = self.ident()?;
                        self.expect(":")?;
                        out.push((n, self.type_expr()?));
                        if !self.eat(",") {
                            break;
                        }
                    }
                    self.expect("}")?;
                    ClauseKind::Outputs(out)
                }
                "emit" => {
                    self.keyword(&word);
                    if !self.keyword("signal") {
                        return None;
                    }
                    let signal = self.expr()?.0;
                    let fields = if self.starts("{") { self.fields()? } else { Vec::new() };
                    ClauseKind::Emit { signal, fields }
                }
                "after" => {
                    self.keyword(&word);
                    let mut names = vec![self.ident()?];
                    while self.eat(",") {
                        names.push(self.ident()?);
                    }
                    ClauseKind::After(names)
                }
                _ => return None,
            };
            clauses.push(Clause {
                kind,
                span: self.span(cstart, self.last_end),
            });
        }
        self.expect("}")?;
        Some(Step {
            name,
            clauses,
            span: self.span(start, self.last_end),
        })
    }

    fn type_expr(&mut self) -> Res<TypeExpr> {
        self.nest += 1;
        let result = if self.nest > MAX_NEST { None } else { self.type_inner() };
        self.nest -= 1;
        result
    }

    fn type_inner(&mut self) -> Res<TypeExpr> {
        self.ws();
        let start = self.pos;
        let mut t = if self.eat("{") {
            let mut fields = Vec::new();
            while !self.starts("}") {
                let n = self.ident()?;
                self.expect(":")?;
                fields.push((n, self.type_expr()?));
                if !self.eat(",") {
                    break;
                }
            }
            self.expect("}")?;
            TypeExpr {
                kind: TypeExprKind::Record(fields),
                span: self.span(start, self.last_end),
            }
        } else {
            let id = self.ident()?;
            if self.eat("<") {
                let mut args = vec![self.type_expr()?];
                while self.eat(",") {
                    args.push(self.type_expr()?);
                }
                self.expect(">")?;
                TypeExpr {
                    kind: TypeExprKind::Generic(id, args),
                    span: self.span(start, self.last_end),
                }
            } else {
                let span = id.span;
                TypeExpr {
                    kind: TypeExprKind::Named(id),
                    span,
                }
            }
        };
        while self.eat("?") {
            let end = self.span(0, self.last_end).end;
            t = TypeExpr {
                span: Span { end, ..t.span },
                kind: TypeExprKind::Optional(Box::new(t)),
            };
        }
        Some(t)
    }

    // ------------------------------------------------------------------ expressions

    fn expr(&mut self) -> Res<(Expr, u32)> {
        self.nest += 1;
        let result = if self.nest > MAX_NEST { None } else { self.expr_inner() };
        self.nest -= 1;
        result
    }

    fn expr_inner(&mut self) -> Res<(Expr, u32)> {
        self.ws();
        let start = self.pos;
        if self.peek_word() == Some("if") {
            self.keyword("if");
            let (c, dc) = self.expr()?;
            if !self.keyword("then") {
                return None;
            }
            let (a, da) = self.expr()?;
            if !self.keyword("else") {
                return None;
            }
            let (b, db) = self.expr()?;
            let depth = dc.max(da).max(db) + 1;
            if depth > MAX_DEPTH {
                return None;
            }
            let kind = ExprKind::If(Box::new(c), Box::new(a), Box::new(b));
            return Some((
                Expr {
                    kind,
                    span: self.span(start, self.last_end),
                },
                depth,
            ));
        }
        self.binary(0)
    }

    fn operand(&mut self, level: u8) -> Res<(Expr, u32)> {
        match level {
            2 => self.not_expr(),
            6 => self.unary(),
            _ => self.binary(level + 1),
        }
    }

    /// Binary levels, loosest first: 0 `??`, 1 `or`, 2 `and` (operands: `not`),
    /// 4 comparisons, 5 `+ -`, 6 `* / %` (operands: unary minus).
    fn binary(&mut self, level: u8) -> Res<(Expr, u32)> {
        let (mut acc, mut depth) = self.operand(level)?;
        while let Some(op) = self.binary_op(level) {
            let (r, dr) = self.operand(level)?;
            depth = depth.max(dr) + 1;
            if depth > MAX_DEPTH {
                return None;
            }
            let span = acc.span.to(r.span);
            acc = Expr {
                kind: ExprKind::Binary(op, Box::new(acc), Box::new(r)),
                span,
            };
        }
        Some((acc, depth))
    }

    /// Consumes the operator of `level` at the cursor, if there is one.
    fn binary_op(&mut self, level: u8) -> Option<BinaryOp> {
        self.ws();
        let rest = &self.src[self.pos..];
        let (op, len) = match level {
            0 if rest.starts_with(b"??") => (BinaryOp::Coalesce, 2),
            1 if self.peek_word() == Some("or") => (BinaryOp::Or, 2),
            2 if self.peek_word() == Some("and") => (BinaryOp::And, 3),
            4 if rest.starts_with(b"==") => (BinaryOp::Eq, 2),
            4 if rest.starts_with(b"!=") => (BinaryOp::Ne, 2),
            4 if rest.starts_with(b"<=") => (BinaryOp::Le, 2),
            4 if rest.starts_with(b">=") => (BinaryOp::Ge, 2),
            4 if rest.starts_with(b"<") => (BinaryOp::Lt, 1),
            4 if rest.starts_with(b">") => (BinaryOp::Gt, 1),
            5 if rest.starts_with(b"+") => (BinaryOp::Add, 1),
            5 if rest.starts_with(b"-") => (BinaryOp::Sub, 1),
            6 if rest.starts_with(b"*") => (BinaryOp::Mul, 1),
            6 if rest.starts_with(b"/") => (BinaryOp::Div, 1),
            6 if rest.starts_with(b"%") => (BinaryOp::Rem, 1),
            _ => return None,
        };
        self.pos += len;
        self.last_end = self.pos;
        Some(op)
    }

    fn not_expr(&mut self) -> Res<(Expr, u32)> {
        let mut nots = Vec::new();
        loop {
            self.ws();
            let at = self.pos;
            if !self.keyword("not") {
                break;
            }
            nots.push(at);
        }
        let (mut acc, mut depth) = self.binary(4)?;
        for at in nots.into_iter().rev() {
            depth += 1;
            if depth > MAX_DEPTH {
                return None;
            }
            let span = self.span(at, acc.span.end as usize);
            acc = Expr {
                kind: ExprKind::Unary(UnaryOp::Not, Box::new(acc)),
                span,
            };
        }
        Some((acc, depth))
    }

    fn unary(&mut self) -> Res<(Expr, u32)> {
        let mut negs = Vec::new();
        loop {
            self.ws();
            let at = self.pos;
            if !self.eat("-") {
                break;
            }
            negs.push(at);
        }
        let (mut acc, mut depth) = self.postfix()?;
        for at in negs.into_iter().rev() {
            let span = self.span(at, acc.span.end as usize);
            let folded = match acc.kind {
                ExprKind::Int(n) => n.checked_neg().map(ExprKind::Int),
                ExprKind::Float(f) => Some(ExprKind::Float(-f)),
                ExprKind::Duration(d) => d.checked_neg().map(ExprKind::Duration),
                ExprKind::Bool(_)
                | ExprKind::None
                | ExprKind::Str(_)
                | ExprKind::RawStr(_)
                | ExprKind::Date(_)
                | ExprKind::List(_)
                | ExprKind::Map(_)
                | ExprKind::Record(_)
                | ExprKind::Name(_)
                | ExprKind::Field(..)
                | ExprKind::Index(..)
                | ExprKind::Call { .. }
                | ExprKind::Unary(..)
                | ExprKind::Binary(..)
                | ExprKind::If(..)
                | ExprKind::Comprehension { .. }
                | ExprKind::Error => None,
            };
            if let Some(kind) = folded {
                acc = Expr { kind, span };
                continue;
            }
            depth += 1;
            if depth > MAX_DEPTH {
                return None;
            }
            acc = Expr {
                kind: ExprKind::Unary(UnaryOp::Neg, Box::new(acc)),
                span,
            };
        }
        Some((acc, depth))
    }

    fn postfix(&mut self) -> Res<(Expr, u32)> {
        let (mut acc, mut depth) = self.primary()?;
        loop {
            match self.peek() {
                Some(b'.') => {
                    self.eat(".");
                    let id = self.ident()?;
                    depth += 1;
                    let span = acc.span.to(id.span);
                    acc = Expr {
                        kind: ExprKind::Field(Box::new(acc), id),
                        span,
                    };
                }
                Some(b'[') => {
                    self.eat("[");
                    let (i, di) = self.expr()?;
                    self.expect("]")?;
                    depth = (depth + 1).max(di + 1);
                    let span = self.span(acc.span.start as usize, self.last_end);
                    acc = Expr {
                        kind: ExprKind::Index(Box::new(acc), Box::new(i)),
                        span,
                    };
                }
                Some(b'(') => {
                    self.eat("(");
                    let (args, named) = self.call_args()?;
                    depth += 1;
                    let span = self.span(acc.span.start as usize, self.last_end);
                    acc = Expr {
                        kind: ExprKind::Call {
                            callee: Box::new(acc),
                            args,
                            named,
                        },
                        span,
                    };
                }
                _ => break,
            }
            if depth > MAX_DEPTH {
                return None;
            }
        }
        Some((acc, depth))
    }

    /// Arguments after `(`, through `)`: positional, then named.
    fn call_args(&mut self) -> Res<Args> {
        let mut args = Vec::new();
        let mut named: Vec<(Ident, Expr)> = Vec::new();
        while !self.starts(")") {
            let save = (self.pos, self.last_end);
            let is_named = self.peek_word().is_some() && {
                let ok = self.ident().is_some() && self.starts(":") && !self.starts("::");
                self.pos = save.0;
                self.last_end = save.1;
                ok
            };
            if is_named {
                let n = self.ident()?;
                self.expect(":")?;
                named.push((n, self.expr()?.0));
            } else {
                if !named.is_empty() {
                    return None;
                }
                args.push(self.expr()?.0);
            }
            if !self.eat(",") {
                break;
            }
        }
        self.expect(")")?;
        Some((args, named))
    }

    fn primary(&mut self) -> Res<(Expr, u32)> {
        self.ws();
        let start = self.pos;
        let b = *self.src.get(start)?;
        match b {
            b'(' => {
                self.eat("(");
                let inner = self.expr()?;
                self.expect(")")?;
                Some(inner)
            }
            b'[' => self.list(start),
            b'{' => self.braces(start),
            b'"' => {
                let e = self.string()?;
                // A string nests one level per interpolation; any other literal is one level.
                let depth = if let ExprKind::Str(parts) = &e.kind {
                    1 + u32::try_from(parts.iter().filter(|p| matches!(p, StrPart::Interp(_))).count())
                        .unwrap_or(MAX_DEPTH)
                } else {
                    1
                };
                Some((e, depth))
            }
            b'r' if self.src.get(start + 1) == Some(&b'"') => Some((self.string()?, 1)),
            b'0'..=b'9' => self.number(start),
            _ => {
                let word = self.peek_word()?;
                let kind = match word {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "none" => ExprKind::None,
                    _ => {
                        let id = self.ident()?;
                        let span = id.span;
                        return Some((
                            Expr {
                                kind: ExprKind::Name(id),
                                span,
                            },
                            1,
                        ));
                    }
                };
                self.pos += word.len();
                self.last_end = self.pos;
                Some((
                    Expr {
                        kind,
                        span: self.span(start, self.pos),
                    },
                    1,
                ))
            }
        }
    }

    /// `[a, b]` or `[e for x in xs if c]`; the cursor is at `[`.
    fn list(&mut self, start: usize) -> Res<(Expr, u32)> {
        self.eat("[");
        if self.eat("]") {
            return Some((
                Expr {
                    kind: ExprKind::List(Vec::new()),
                    span: self.span(start, self.last_end),
                },
                1,
            ));
        }
        let (first, mut depth) = self.expr()?;
        if self.keyword("for") {
            let var = self.ident()?;
            if !self.keyword("in") {
                return None;
            }
            let (iter, di) = self.expr()?;
            depth = depth.max(di);
            let cond = if self.keyword("if") {
                let (c, dc) = self.expr()?;
                depth = depth.max(dc);
                Some(Box::new(c))
            } else {
                None
            };
            self.expect("]")?;
            if depth + 1 > MAX_DEPTH {
                return None;
            }
            let kind = ExprKind::Comprehension {
                elem: Box::new(first),
                var,
                iter: Box::new(iter),
                cond,
            };
            return Some((
                Expr {
                    kind,
                    span: self.span(start, self.last_end),
                },
                depth + 1,
            ));
        }
        let mut items = vec![first];
        while self.eat(",") {
            if self.starts("]") {
                break;
            }
            let (e, d) = self.expr()?;
            depth = depth.max(d);
            items.push(e);
        }
        self.expect("]")?;
        if depth + 1 > MAX_DEPTH {
            return None;
        }
        Some((
            Expr {
                kind: ExprKind::List(items),
                span: self.span(start, self.last_end),
            },
            depth + 1,
        ))
    }

    /// `{name: v}` (record) or `{"key": v}` (map); the cursor is at `{`.
    fn braces(&mut self, start: usize) -> Res<(Expr, u32)> {
        self.eat("{");
        let mut record: Vec<(Ident, Expr)> = Vec::new();
        let mut map: Vec<(Expr, Expr)> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        let mut depth = 1;
        while !self.starts("}") {
            if self.peek()? == b'"' {
                let k = self.string()?;
                if let ExprKind::Str(parts) = &k.kind {
                    if let [StrPart::Lit(s)] = parts.as_slice() {
                        if keys.contains(s) {
                            return None;
                        }
                        keys.push(s.clone());
                    }
                }
                self.expect(":")?;
                let (v, d) = self.expr()?;
                depth = depth.max(d);
                map.push((k, v));
            } else {
                let id = self.ident()?;
                if keys.contains(&id.name) {
                    return None;
                }
                keys.push(id.name.clone());
                self.expect(":")?;
                let (v, d) = self.expr()?;
                depth = depth.max(d);
                record.push((id, v));
            }
            if !self.eat(",") {
                break;
            }
        }
        self.expect("}")?;
        if !record.is_empty() && !map.is_empty() || depth + 1 > MAX_DEPTH {
            return None;
        }
        let kind = if record.is_empty() {
            ExprKind::Map(map)
        } else {
            ExprKind::Record(record)
        };
        Some((
            Expr {
                kind,
                span: self.span(start, self.last_end),
            },
            depth + 1,
        ))
    }

    fn digits(&self, mut at: usize) -> Option<usize> {
        if !self.src.get(at)?.is_ascii_digit() {
            return None;
        }
        at += 1;
        while at < self.src.len() && (self.src[at].is_ascii_digit() || self.src[at] == b'_') {
            at += 1;
        }
        Some(at)
    }

    fn not_ident_at(&self, at: usize) -> bool {
        self.src.get(at).is_none_or(|b| !is_ident_byte(*b))
    }

    /// A date, duration, float or integer literal, tried in the grammar's order.
    fn number(&mut self, start: usize) -> Res<(Expr, u32)> {
        let src = self.src;
        let finish = |p: &mut Self, end: usize, kind: ExprKind| {
            p.pos = end;
            p.last_end = end;
            Some((
                Expr {
                    kind,
                    span: p.span(start, end),
                },
                1,
            ))
        };
        // date: YYYY-MM-DD
        let d = |i: usize| src.get(start + i).is_some_and(u8::is_ascii_digit);
        if (0..4).all(d)
            && src.get(start + 4) == Some(&b'-')
            && d(5)
            && d(6)
            && src.get(start + 7) == Some(&b'-')
            && d(8)
            && d(9)
            && self.not_ident_at(start + 10)
        {
            let date = literal::date(&self.text[start..start + 10]).ok()?;
            return finish(self, start + 10, ExprKind::Date(date));
        }
        // duration: (digits unit)+
        let mut at = start;
        let mut units = 0;
        while let Some(after) = self.digits(at) {
            let unit = if src[after..].starts_with(b"ms") {
                2
            } else if matches!(src.get(after), Some(b's' | b'm' | b'h' | b'd')) {
                1
            } else {
                break;
            };
            at = after + unit;
            units += 1;
        }
        if units > 0 && self.not_ident_at(at) {
            let ms = literal::duration(&self.text[start..at])?;
            return finish(self, at, ExprKind::Duration(ms));
        }
        let int_end = self.digits(start)?;
        // float: digits ("." digits exponent? | exponent)
        let exponent = |at: usize| -> Option<usize> {
            if !matches!(src.get(at), Some(b'e' | b'E')) {
                return None;
            }
            let mut at = at + 1;
            if matches!(src.get(at), Some(b'+' | b'-')) {
                at += 1;
            }
            self.digits(at)
        };
        let float_end = if src.get(int_end) == Some(&b'.') {
            self.digits(int_end + 1).map(|e| exponent(e).unwrap_or(e))
        } else {
            exponent(int_end)
        };
        if let Some(end) = float_end.filter(|e| self.not_ident_at(*e)) {
            let f = literal::float(&self.text[start..end])?;
            return finish(self, end, ExprKind::Float(f));
        }
        if !self.not_ident_at(int_end) {
            return None;
        }
        let n = literal::int(&self.text[start..int_end])?;
        finish(self, int_end, ExprKind::Int(n))
    }

    /// A string literal (`"…"` with escapes and interpolation, or `r"…"`).
    fn string(&mut self) -> Res<Expr> {
        self.ws();
        let start = self.pos;
        if self.src.get(start) == Some(&b'r') {
            let end = start + 2 + self.text[start + 2..].find('"')?;
            self.pos = end + 1;
            self.last_end = self.pos;
            return Some(Expr {
                kind: ExprKind::RawStr(self.text[start + 2..end].to_string()),
                span: self.span(start, self.pos),
            });
        }
        if self.src.get(start) != Some(&b'"') {
            return None;
        }
        self.pos += 1;
        let mut parts = Vec::new();
        let mut lit = String::new();
        loop {
            match *self.src.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    let c = self.text[self.pos + 1..].chars().next()?;
                    lit.push(literal::escape(c)?);
                    self.pos += 1 + c.len_utf8();
                }
                b'$' if self.src.get(self.pos + 1) == Some(&b'{') => {
                    if !lit.is_empty() {
                        parts.push(StrPart::Lit(std::mem::take(&mut lit)));
                    }
                    self.pos += 2;
                    let (e, _) = self.expr()?;
                    self.expect("}")?;
                    parts.push(StrPart::Interp(e));
                }
                _ => {
                    let run_start = self.pos;
                    while self.pos < self.src.len() {
                        let b = self.src[self.pos];
                        if b == b'"' || b == b'\\' || (b == b'$' && self.src.get(self.pos + 1) == Some(&b'{')) {
                            break;
                        }
                        self.pos += 1;
                    }
                    lit.push_str(&self.text[run_start..self.pos]);
                }
            }
        }
        if !lit.is_empty() {
            parts.push(StrPart::Lit(lit));
        }
        self.last_end = self.pos;
        Some(Expr {
            kind: ExprKind::Str(parts),
            span: self.span(start, self.pos),
        })
    }
}

/// The text of a string literal without interpolation.
fn plain(e: Expr) -> Option<String> {
    if let ExprKind::RawStr(s) = e.kind {
        return Some(s);
    }
    let ExprKind::Str(parts) = e.kind else {
        return None;
    };
    let mut out = String::new();
    for part in parts {
        match part {
            StrPart::Lit(s) => out.push_str(&s),
            StrPart::Interp(_) => return None,
        }
    }
    Some(out)
}
