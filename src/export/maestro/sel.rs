//! MFlow expressions translated to SEL, Maestro's expression language (a safe subset of
//! Java). Workflow params and loop variables are read by name; a step's output is
//! `params.getFromStep('step', 'name')`, and gathered over a `foreach`
//! `params.getFromForeach('loop', 'step', 'name')`.

use crate::export::inline::Inline;
use std::collections::HashMap;
use std::fmt::Write as _;

use crate::base::span::Span;
use crate::export::error::ExportError;
use crate::export::types::type_of;
use crate::ir::{BinaryOp, BindingId, Builtin, Ir, IrExpr, IrExprKind, IrStrPart, PathLevel, StepId, Type, UnaryOp};

const TARGET: &str = "Maestro";

/// Names of the SEL pieces a workflow reads: its steps and loops, by id.
pub struct SelEnv<'a> {
    pub ir: &'a Ir,
    /// Lets inside bodies, inlined where they are read (workflow-level lets are params).
    pub inline: HashMap<BindingId, &'a IrExpr>,
    /// The Maestro id of each foreach, by scope id.
    pub loops: &'a HashMap<u32, String>,
    /// Steps whose outputs Maestro cannot read (subworkflow calls).
    pub calls: &'a HashMap<StepId, String>,
}

fn refuse(span: Span, reason: impl Into<String>, help: Option<&str>) -> ExportError {
    ExportError::Expression {
        target: TARGET,
        reason: reason.into(),
        span,
        help: help.map(str::to_string),
    }
}

/// A SEL (Java) string literal.
#[must_use]
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Translates `expr` to SEL.
pub fn translate(env: &SelEnv<'_>, expr: &IrExpr) -> Result<String, ExportError> {
    Sel {
        env,
        depth: 0,
        subst: HashMap::new(),
    }
    .expr(expr)
}

struct Sel<'a, 'b> {
    env: &'b SelEnv<'a>,
    depth: usize,
    /// Parameters of inlined user functions: their arguments' SEL text.
    subst: HashMap<BindingId, String>,
}

impl Inline for Sel<'_, '_> {
    type Error = ExportError;
    fn substitutions(&mut self) -> &mut HashMap<BindingId, String> {
        &mut self.subst
    }
    fn render(&mut self, expr: &IrExpr) -> Result<String, ExportError> {
        self.expr(expr)
    }
}

impl Sel<'_, '_> {
    fn ty(&self, e: &IrExpr) -> Option<Type> {
        type_of(e, self.env.ir)
    }

    fn expr(&mut self, e: &IrExpr) -> Result<String, ExportError> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(refuse(e.span, "it is nested too deeply", None));
        }
        let out = self.kind(e);
        self.depth -= 1;
        out
    }

    fn kind(&mut self, e: &IrExpr) -> Result<String, ExportError> {
        let span = e.span;
        match &e.kind {
            IrExprKind::Int(n) | IrExprKind::Duration(n) => Ok(format!("{n}L")),
            IrExprKind::Float(f) => Ok(format!("{f:?}")),
            IrExprKind::Bool(b) => Ok(b.to_string()),
            IrExprKind::None => Ok("null".into()),
            IrExprKind::Str(s) | IrExprKind::Date(s) => Ok(string_literal(s)),
            IrExprKind::Interp(parts) => {
                let mut pieces = vec!["\"\"".to_string()];
                for p in parts {
                    match p {
                        IrStrPart::Lit(s) => pieces.push(string_literal(s)),
                        IrStrPart::Value { expr, .. } => {
                            if matches!(self.ty(expr), Some(Type::List(_) | Type::Map(_) | Type::Record(_))) {
                                return Err(refuse(
                                    expr.span,
                                    "a list, map or record interpolated into a string",
                                    None,
                                ));
                            }
                            pieces.push(format!("({})", self.expr(expr)?));
                        }
                    }
                }
                Ok(format!("({})", pieces.join(" + ")))
            }
            IrExprKind::List(items) => {
                let elem = match self.ty(e) {
                    Some(Type::List(t)) => match *t {
                        Type::Int | Type::Duration => "long",
                        Type::Float => "double",
                        Type::Bool => "boolean",
                        Type::String | Type::Date => "String",
                        Type::List(_)
                        | Type::Map(_)
                        | Type::Record(_)
                        | Type::Optional(_)
                        | Type::Unknown
                        | Type::Error => return Err(refuse(span, "a list of lists, maps or records", None)),
                    },
                    _ => return Err(refuse(span, "a list whose element type is not known", None)),
                };
                let items: Result<Vec<_>, _> = items.iter().map(|i| self.expr(i)).collect();
                Ok(format!("new {elem}[]{{{}}}", items?.join(", ")))
            }
            IrExprKind::Map(_) | IrExprKind::Record(_) => Err(refuse(
                span,
                "map and record values are built only as param values in Maestro",
                Some("make it a `const` or a param default"),
            )),
            IrExprKind::Var(b) => {
                if let Some(text) = self.subst.get(b) {
                    return Ok(text.clone());
                }
                if let Some(inner) = self.env.inline.get(b) {
                    let inner: &IrExpr = inner;
                    return Ok(format!("({})", self.expr(inner)?));
                }
                Ok(self.env.ir.symbols.binding(*b).name.clone())
            }
            IrExprKind::Step { .. } => Err(refuse(
                span,
                "a step's whole output record",
                Some("read one output, like `step.name`"),
            )),
            IrExprKind::Field(inner, name) => {
                if let IrExprKind::Step { step, path, .. } = &inner.kind {
                    return self.step_output(*step, path, name, span);
                }
                Err(refuse(span, "a record field outside a step's outputs", None))
            }
            IrExprKind::Index(a, i) => match self.ty(a) {
                Some(Type::List(_)) => Ok(format!("({})[(int) ({})]", self.expr(a)?, self.expr(i)?)),
                Some(Type::Map(_)) => Ok(format!("({}).get({})", self.expr(a)?, self.expr(i)?)),
                _ => Err(refuse(span, "indexing this value", None)),
            },
            IrExprKind::CallFn(id, args) => {
                let f = self.env.ir.function(*id);
                self.inline_call(&f.params, args, &f.body)
            }
            IrExprKind::CallBuiltin(b, args) => self.builtin(*b, args, span),
            IrExprKind::Unary(op, inner) => Ok(match op {
                UnaryOp::Neg => format!("(-{})", self.expr(inner)?),
                UnaryOp::Not => format!("(!{})", self.expr(inner)?),
            }),
            IrExprKind::Binary(op, a, b) => self.binary(*op, a, b, span),
            IrExprKind::If(c, a, b) => Ok(format!("({} ? {} : {})", self.expr(c)?, self.expr(a)?, self.expr(b)?)),
            IrExprKind::Comprehension { .. } => Err(refuse(span, "a comprehension (SEL has no closures)", None)),
        }
    }

    fn step_output(
        &mut self,
        step: StepId,
        path: &[PathLevel],
        field: &str,
        span: Span,
    ) -> Result<String, ExportError> {
        let name = self.env.ir.symbols.step(step).name.clone();
        let out_refuse = |reason: &str| ExportError::OutputRead {
            step: name.clone(),
            target: TARGET,
            reason: reason.to_string(),
            span,
            help: None,
        };
        if self.env.calls.contains_key(&step) {
            return Err(out_refuse(
                "Maestro does not hand a subworkflow's outputs back to its step",
            ));
        }
        match path {
            [] => Ok(format!(
                "params.getFromStep({}, {})",
                string_literal(&name),
                string_literal(field)
            )),
            [PathLevel::Foreach(s)] => match self.env.loops.get(s) {
                Some(l) => Ok(format!(
                    "params.getFromForeach({}, {}, {})",
                    string_literal(l),
                    string_literal(&name),
                    string_literal(field)
                )),
                None => Err(out_refuse("the loop is not known")),
            },
            [PathLevel::Branch(..)] => Err(out_refuse(
                "a step that did not run (its branch was not taken) has no params in Maestro",
            )),
            _ => Err(out_refuse("outputs gathered through a `while` or through nested loops")),
        }
    }

    fn binary(&mut self, op: BinaryOp, a: &IrExpr, b: &IrExpr, span: Span) -> Result<String, ExportError> {
        let (ta, tb) = (self.ty(a), self.ty(b));
        let date = matches!(ta, Some(Type::Date)) || matches!(tb, Some(Type::Date));
        let arithmetic = matches!(
            op,
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem
        );
        if date && arithmetic {
            return Err(refuse(
                span,
                "date arithmetic",
                Some("compute the date in a step, or pass it as a param"),
            ));
        }
        if matches!(ta, Some(Type::List(_))) && op == BinaryOp::Add {
            return Err(refuse(span, "list concatenation", None));
        }
        let (x, y) = (self.expr(a)?, self.expr(b)?);
        let text_like = matches!(ta, Some(Type::String | Type::Date));
        Ok(match op {
            BinaryOp::Coalesce => format!("({x} != null ? {x} : {y})"),
            BinaryOp::Or => format!("({x} || {y})"),
            BinaryOp::And => format!("({x} && {y})"),
            BinaryOp::Eq if text_like => format!("({x}).equals({y})"),
            BinaryOp::Ne if text_like => format!("(!({x}).equals({y}))"),
            BinaryOp::Lt if text_like => format!("(({x}).compareTo({y}) < 0)"),
            BinaryOp::Le if text_like => format!("(({x}).compareTo({y}) <= 0)"),
            BinaryOp::Gt if text_like => format!("(({x}).compareTo({y}) > 0)"),
            BinaryOp::Ge if text_like => format!("(({x}).compareTo({y}) >= 0)"),
            BinaryOp::Eq => format!("({x} == {y})"),
            BinaryOp::Ne => format!("({x} != {y})"),
            BinaryOp::Lt => format!("({x} < {y})"),
            BinaryOp::Le => format!("({x} <= {y})"),
            BinaryOp::Gt => format!("({x} > {y})"),
            BinaryOp::Ge => format!("({x} >= {y})"),
            BinaryOp::Add => format!("({x} + {y})"),
            BinaryOp::Sub => format!("({x} - {y})"),
            BinaryOp::Mul => format!("({x} * {y})"),
            BinaryOp::Div => format!("({x} / {y})"),
            BinaryOp::Rem => format!("({x} % {y})"),
        })
    }

    fn builtin(&mut self, b: Builtin, args: &[IrExpr], span: Span) -> Result<String, ExportError> {
        let first_ty = args.first().and_then(|a| self.ty(a));
        let mut t = Vec::new();
        for a in args {
            t.push(self.expr(a)?);
        }
        let arg = |i: usize| t.get(i).cloned().unwrap_or_default();
        Ok(match b {
            Builtin::Len => match first_ty {
                Some(Type::String) => format!("({}).length()", arg(0)),
                Some(Type::List(_)) => format!("({}).length", arg(0)),
                Some(Type::Map(_)) => format!("({}).size()", arg(0)),
                _ => return Err(refuse(span, "`len` of this value", None)),
            },
            Builtin::Upper => format!("({}).toUpperCase()", arg(0)),
            Builtin::Lower => format!("({}).toLowerCase()", arg(0)),
            Builtin::Trim => format!("({}).trim()", arg(0)),
            Builtin::StartsWith => format!("({}).startsWith({})", arg(0), arg(1)),
            Builtin::EndsWith => format!("({}).endsWith({})", arg(0), arg(1)),
            Builtin::Replace => format!("({}).replace({}, {})", arg(0), arg(1), arg(2)),
            Builtin::Contains if matches!(first_ty, Some(Type::String)) => format!("({}).contains({})", arg(0), arg(1)),
            Builtin::Str if matches!(first_ty, Some(Type::String | Type::Date)) => arg(0),
            Builtin::Str if matches!(first_ty, Some(Type::Int | Type::Float | Type::Bool)) => {
                format!("(\"\" + {})", arg(0))
            }
            Builtin::Float if matches!(first_ty, Some(Type::Int)) => format!("({} * 1.0)", arg(0)),
            Builtin::Int if matches!(first_ty, Some(Type::Int)) => arg(0),
            Builtin::FormatDate => match args.get(1).map(|a| &a.kind) {
                Some(IrExprKind::Str(pattern)) => date_pattern(&arg(0), pattern).ok_or_else(|| {
                    refuse(
                        span,
                        format!("the date pattern `{pattern}` (only `%Y`, `%m`, `%d` and `%%` are translated)"),
                        None,
                    )
                })?,
                _ => return Err(refuse(span, "`format_date` with a computed pattern", None)),
            },
            Builtin::Contains
            | Builtin::Str
            | Builtin::Float
            | Builtin::Int
            | Builtin::Range
            | Builtin::Sum
            | Builtin::Min
            | Builtin::Max
            | Builtin::Sort
            | Builtin::Unique
            | Builtin::Reverse
            | Builtin::Flatten
            | Builtin::Zip
            | Builtin::Enumerate
            | Builtin::Keys
            | Builtin::Values
            | Builtin::Join
            | Builtin::Split
            | Builtin::ParseDate
            | Builtin::Today
            | Builtin::DatesBetween
            | Builtin::Env
            | Builtin::ToJson
            | Builtin::Raw => {
                return Err(refuse(
                    span,
                    format!("the built-in `{}` (here) has no SEL equivalent", b.name()),
                    Some("compute the value in a step and read its output, or pass it as a param"),
                ))
            }
        })
    }
}

/// An ISO date formatted by a strftime pattern of `%Y`, `%m`, `%d`, `%%` and plain text.
fn date_pattern(date: &str, pattern: &str) -> Option<String> {
    let mut pieces = vec!["\"\"".to_string()];
    let mut text = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        let (from, to) = match chars.next()? {
            'Y' => (0, 4),
            'm' => (5, 7),
            'd' => (8, 10),
            '%' => {
                text.push('%');
                continue;
            }
            _ => return None,
        };
        if !text.is_empty() {
            pieces.push(string_literal(&std::mem::take(&mut text)));
        }
        pieces.push(format!("({date}).substring({from}, {to})"));
    }
    if !text.is_empty() {
        pieces.push(string_literal(&text));
    }
    Some(format!("({})", pieces.join(" + ")))
}
