//! MFlow expressions translated to Argo's expression language (expr-lang with Argo's
//! helpers: `asInt`, `asFloat`, `jsonpath`, `toJson`), written inside `{{=…}}` tags and
//! `when` conditions.
//!
//! Argo passes every parameter as a string, so a read decodes the string by the MFlow
//! type ([`decode`]) and a value handed on is encoded back ([`encode`]): scalars as they
//! print, durations as milliseconds, lists, maps and records as JSON.

use crate::export::inline::Inline;
use std::collections::HashMap;
use std::fmt::Write as _;

use crate::base::span::Span;
use crate::export::error::ExportError;
use crate::export::types::type_of;
use crate::ir::{BinaryOp, BindingId, Builtin, Ir, IrExpr, IrExprKind, IrStrPart, PathLevel, StepId, Type, UnaryOp};

const TARGET: &str = "Argo";

/// How a step output is read where an expression is: the expr-lang text of its wire
/// string, or a refusal.
pub trait StepReads {
    fn read(
        &mut self,
        step: StepId,
        up: u32,
        path: &[PathLevel],
        field: &str,
        span: Span,
    ) -> Result<String, ExportError>;
}

/// What the translator knows about the template an expression is in.
pub struct Env<'a> {
    pub ir: &'a Ir,
    /// Consts and lets (and the defaults of params), inlined where they are read.
    pub inline: &'a HashMap<BindingId, &'a IrExpr>,
    /// Bindings available as input parameters of this template, by parameter name.
    pub inputs: &'a HashMap<BindingId, String>,
}

/// Translates one expression.
pub struct Translator<'a, 'r> {
    pub env: &'a Env<'a>,
    pub steps: &'r mut dyn StepReads,
    /// Function parameters and comprehension variables in scope: their expr-lang text.
    subst: HashMap<BindingId, String>,
    depth: usize,
    /// Inside a comprehension body (`#` is taken).
    in_closure: bool,
}

fn unsupported(span: Span, reason: impl Into<String>, help: Option<&str>) -> ExportError {
    ExportError::Expression {
        target: TARGET,
        reason: reason.into(),
        span,
        help: help.map(str::to_string),
    }
}

/// An expr-lang string literal. `{` and `}` are escaped so the text never closes or opens
/// an Argo `{{…}}` tag.
#[must_use]
pub fn string_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '{' => out.push_str("\\u007b"),
            '}' => out.push_str("\\u007d"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// expr-lang text that turns the wire string `access` into a value of type `ty`.
#[must_use]
pub fn decode(ty: &Type, access: &str) -> String {
    match ty {
        Type::Int | Type::Duration => format!("asInt({access})"),
        Type::Float => format!("asFloat({access})"),
        Type::Bool => format!("({access} == 'true')"),
        Type::String | Type::Date | Type::Unknown | Type::Error => access.to_string(),
        Type::List(_) | Type::Map(_) | Type::Record(_) => format!("jsonpath({access}, '$')"),
        Type::Optional(inner) => format!("({access} == '' ? nil : {})", decode(inner, access)),
    }
}

/// expr-lang text that turns the value `expr` of type `ty` into its wire string.
#[must_use]
pub fn encode(ty: &Type, expr: &str) -> String {
    match ty {
        Type::String | Type::Date | Type::Unknown | Type::Error => expr.to_string(),
        Type::Int | Type::Float | Type::Bool | Type::Duration => format!("string({expr})"),
        Type::List(_) | Type::Map(_) | Type::Record(_) => format!("toJson({expr})"),
        Type::Optional(inner) => format!("(({expr}) == nil ? '' : {})", encode(inner, &format!("({expr})"))),
    }
}

/// An Argo expression tag `{{=…}}` around `expr`. Argo ends a tag at the first `}}`, so
/// braces that meet (closures, maps) are spaced apart; string literals never hold braces
/// (see [`string_literal`]).
#[must_use]
pub fn tag(expr: &str) -> String {
    let mut text = expr.to_string();
    while text.contains("}}") || text.contains("{{") {
        text = text.replace("}}", "} }").replace("{{", "{ {");
    }
    format!("{{{{={text} }}}}")
}

/// expr-lang text that renders the list `list` as shell words: each element in single
/// quotes, a `'` inside as `'\''` (like Python's `shlex.quote`, always quoting).
#[must_use]
pub fn shell_words(list: &str) -> String {
    format!("join(map({list}, {{\"'\" + replace(string(#), \"'\", \"'\\\\''\") + \"'\"}}), ' ')")
}

/// An Argo parameter access by name: `inputs.parameters['x']`.
#[must_use]
pub fn input(name: &str) -> String {
    format!("inputs.parameters[{}]", string_literal(name))
}

impl Inline for Translator<'_, '_> {
    type Error = ExportError;
    fn substitutions(&mut self) -> &mut HashMap<BindingId, String> {
        &mut self.subst
    }
    fn render(&mut self, expr: &IrExpr) -> Result<String, ExportError> {
        self.expr(expr)
    }
}

impl<'a, 'r> Translator<'a, 'r> {
    pub fn new(env: &'a Env<'a>, steps: &'r mut dyn StepReads) -> Self {
        Self {
            env,
            steps,
            subst: HashMap::new(),
            depth: 0,
            in_closure: false,
        }
    }

    /// The wire string of `expr` (what a parameter of its type carries).
    pub fn wire(&mut self, expr: &IrExpr) -> Result<String, ExportError> {
        let ty = type_of(expr, self.env.ir)
            .ok_or_else(|| unsupported(expr.span, "its type cannot be worked out for Argo", None))?;
        if let IrExprKind::Interp(parts) = &expr.kind {
            return self.interp(parts);
        }
        Ok(encode(&ty, &self.expr(expr)?))
    }

    /// The expr-lang text of `expr`.
    pub fn expr(&mut self, expr: &IrExpr) -> Result<String, ExportError> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(unsupported(expr.span, "it is nested too deeply", None));
        }
        let out = self.kind(expr);
        self.depth -= 1;
        out
    }

    fn interp(&mut self, parts: &[IrStrPart]) -> Result<String, ExportError> {
        let mut pieces = Vec::new();
        for part in parts {
            match part {
                IrStrPart::Lit(s) => pieces.push(string_literal(s)),
                IrStrPart::Value { expr, .. } => {
                    let ty = type_of(expr, self.env.ir)
                        .ok_or_else(|| unsupported(expr.span, "its type cannot be worked out for Argo", None))?;
                    if matches!(ty, Type::List(_) | Type::Map(_) | Type::Record(_)) {
                        return Err(unsupported(
                            expr.span,
                            "a list, map or record interpolated into a string",
                            Some("use `join(…)` or `to_json(…)` to make it a string first"),
                        ));
                    }
                    let text = self.expr(expr)?;
                    pieces.push(encode(&ty, &text));
                }
            }
        }
        if pieces.is_empty() {
            return Ok("''".into());
        }
        Ok(format!("({})", pieces.join(" + ")))
    }

    fn kind(&mut self, expr: &IrExpr) -> Result<String, ExportError> {
        let span = expr.span;
        match &expr.kind {
            IrExprKind::Int(n) | IrExprKind::Duration(n) => Ok(n.to_string()),
            IrExprKind::Float(f) => Ok(float_literal(*f)),
            IrExprKind::Bool(b) => Ok(b.to_string()),
            IrExprKind::None => Ok("nil".into()),
            IrExprKind::Str(s) | IrExprKind::Date(s) => Ok(string_literal(s)),
            IrExprKind::Interp(parts) => self.interp(parts),
            IrExprKind::List(items) => {
                let items: Result<Vec<_>, _> = items.iter().map(|i| self.expr(i)).collect();
                Ok(format!("[{}]", items?.join(", ")))
            }
            IrExprKind::Map(pairs) => {
                let mut out = Vec::new();
                for (k, v) in pairs {
                    out.push(format!("{}: {}", self.expr(k)?, self.expr(v)?));
                }
                Ok(format!("{{{}}}", out.join(", ")))
            }
            IrExprKind::Record(fields) => {
                let mut out = Vec::new();
                for (k, v) in fields {
                    out.push(format!("{}: {}", string_literal(k), self.expr(v)?));
                }
                Ok(format!("{{{}}}", out.join(", ")))
            }
            IrExprKind::Var(b) => self.var(*b, span),
            IrExprKind::Step { .. } => Err(unsupported(
                span,
                "a step's whole output record",
                Some("read one output, like `step.name`"),
            )),
            IrExprKind::Field(inner, name) => {
                if let IrExprKind::Step { step, up, path } = &inner.kind {
                    let access = self.steps.read(*step, *up, path, name, span)?;
                    let ty = type_of(expr, self.env.ir)
                        .ok_or_else(|| unsupported(span, "its type cannot be worked out for Argo", None))?;
                    return Ok(Self::decode_output(&ty, &access, path));
                }
                Ok(format!("({})[{}]", self.expr(inner)?, string_literal(name)))
            }
            IrExprKind::Index(a, i) => Ok(format!("({})[{}]", self.expr(a)?, self.expr(i)?)),
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
            IrExprKind::Comprehension { var, iter, elem, cond } => {
                if self.in_closure {
                    return Err(unsupported(
                        span,
                        "a comprehension inside a comprehension",
                        Some("compute the inner list in a `let` of its own"),
                    ));
                }
                let list = self.expr(iter)?;
                self.in_closure = true;
                self.subst.insert(*var, "#".into());
                let filtered = match cond {
                    Some(c) => self.expr(c).map(|c| format!("filter({list}, {{{c}}})")),
                    None => Ok(list),
                };
                let mapped = filtered.and_then(|l| self.expr(elem).map(|e| format!("map({l}, {{{e}}})")));
                self.subst.remove(var);
                self.in_closure = false;
                mapped
            }
        }
    }

    /// A gathered output (read through a loop) is a JSON list of wire strings; a plain
    /// one is a wire string.
    fn decode_output(ty: &Type, access: &str, path: &[PathLevel]) -> String {
        if path
            .iter()
            .any(|l| matches!(l, PathLevel::Foreach(_) | PathLevel::While(_)))
        {
            if let Type::List(inner) = ty {
                let elem = decode(inner, "#");
                if elem == "#" {
                    return format!("jsonpath({access}, '$')");
                }
                return format!("map(jsonpath({access}, '$'), {{{elem}}})");
            }
        }
        decode(ty, access)
    }

    fn var(&mut self, b: BindingId, span: Span) -> Result<String, ExportError> {
        if let Some(text) = self.subst.get(&b) {
            if text == "#" || !self.in_closure {
                return Ok(text.clone());
            }
            return Ok(text.clone());
        }
        if let Some(name) = self.env.inputs.get(&b) {
            let ty = &self.env.ir.symbols.binding(b).ty;
            return Ok(decode(ty, &input(name)));
        }
        if let Some(value) = self.env.inline.get(&b) {
            let value: &IrExpr = value;
            return Ok(format!("({})", self.expr(value)?));
        }
        let name = &self.env.ir.symbols.binding(b).name;
        if self.in_closure {
            return Err(unsupported(
                span,
                format!("`{name}` is the variable of an outer comprehension"),
                Some("Argo's closures see only their own element (`#`)"),
            ));
        }
        Err(unsupported(
            span,
            format!("`{name}` is not available in this template"),
            None,
        ))
    }

    fn binary(&mut self, op: BinaryOp, a: &IrExpr, b: &IrExpr, span: Span) -> Result<String, ExportError> {
        let symbols = self.env.ir;
        let (ta, tb) = (type_of(a, symbols), type_of(b, symbols));
        let date_math = matches!(ta, Some(Type::Date)) || matches!(tb, Some(Type::Date));
        let (x, y) = (self.expr(a)?, self.expr(b)?);
        let sym = match op {
            BinaryOp::Coalesce => "??",
            BinaryOp::Or => "||",
            BinaryOp::And => "&&",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add | BinaryOp::Sub if date_math => {
                return Err(unsupported(
                    span,
                    "date arithmetic",
                    Some("Argo's expressions have no date type; compute the date in a step, or pass it as a param"),
                ))
            }
            BinaryOp::Add if matches!(ta, Some(Type::List(_))) => return Ok(format!("concat({x}, {y})")),
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div if matches!(ta, Some(Type::Int | Type::Duration)) && matches!(tb, Some(Type::Int)) => {
                // expr-lang's `/` always divides as floats; MFlow's int division truncates.
                return Ok(format!("int({x} / {y})"));
            }
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        };
        Ok(format!("({x} {sym} {y})"))
    }

    fn builtin(&mut self, b: Builtin, args: &[IrExpr], span: Span) -> Result<String, ExportError> {
        let symbols = self.env.ir;
        let first_ty = args.first().and_then(|a| type_of(a, symbols));
        let mut texts = Vec::with_capacity(args.len());
        for a in args {
            texts.push(self.expr(a)?);
        }
        let arg = |i: usize| texts.get(i).cloned().unwrap_or_default();
        let call = |name: &str| format!("{name}({})", texts.join(", "));
        Ok(match b {
            Builtin::Len => call("len"),
            Builtin::Sum => call("sum"),
            Builtin::Min => call("min"),
            Builtin::Max => call("max"),
            Builtin::Sort => call("sort"),
            Builtin::Reverse => call("reverse"),
            Builtin::Unique => call("uniq"),
            Builtin::Flatten => call("flatten"),
            Builtin::Keys => format!("sort(keys({}))", arg(0)),
            Builtin::Join => call("join"),
            Builtin::Split => call("split"),
            Builtin::Trim => call("trim"),
            Builtin::Upper => call("upper"),
            Builtin::Lower => call("lower"),
            Builtin::Replace => call("replace"),
            Builtin::StartsWith => call("hasPrefix"),
            Builtin::EndsWith => call("hasSuffix"),
            Builtin::Int => call("int"),
            Builtin::Float => call("float"),
            Builtin::ToJson => call("toJson"),
            Builtin::Range => format!("({}..({} - 1))", arg(0), arg(1)),
            Builtin::Contains => match first_ty {
                Some(Type::String) => format!("({} contains {})", arg(0), arg(1)),
                _ => format!("({} in {})", arg(1), arg(0)),
            },
            Builtin::Str => match first_ty {
                Some(Type::String | Type::Date) => arg(0),
                Some(Type::Int | Type::Float | Type::Bool) => format!("string({})", arg(0)),
                _ => return Err(unsupported(span, "`str` of this type", None)),
            },
            Builtin::FormatDate => match args.get(1).map(|a| &a.kind) {
                Some(IrExprKind::Str(pattern)) => date_pattern(&arg(0), pattern).ok_or_else(|| {
                    unsupported(
                        span,
                        format!("the date pattern `{pattern}` (only `%Y`, `%m`, `%d` and `%%` are translated)"),
                        None,
                    )
                })?,
                _ => return Err(unsupported(span, "`format_date` with a computed pattern", None)),
            },
            Builtin::Values
            | Builtin::Zip
            | Builtin::Enumerate
            | Builtin::ParseDate
            | Builtin::Today
            | Builtin::DatesBetween
            | Builtin::Env
            | Builtin::Raw => {
                return Err(unsupported(
                    span,
                    format!("the built-in `{}` has no equivalent in Argo's expressions", b.name()),
                    Some("compute the value in a step and read its output, or pass it as a param"),
                ))
            }
        })
    }
}

/// A float as expr-lang reads it (always with a `.` or an exponent).
fn float_literal(f: f64) -> String {
    let s = format!("{f:?}");
    if s.contains(['.', 'e', 'E']) || !f.is_finite() {
        s
    } else {
        format!("{s}.0")
    }
}

/// An ISO date (`2026-11-23`) formatted by a strftime pattern of `%Y`, `%m`, `%d`, `%%`
/// and plain text, with string slices.
fn date_pattern(date: &str, pattern: &str) -> Option<String> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            text.push(c);
            continue;
        }
        let piece = match chars.next()? {
            'Y' => format!("{date}[0:4]"),
            'm' => format!("{date}[5:7]"),
            'd' => format!("{date}[8:10]"),
            '%' => {
                text.push('%');
                continue;
            }
            _ => return None,
        };
        if !text.is_empty() {
            pieces.push(string_literal(&std::mem::take(&mut text)));
        }
        pieces.push(piece);
    }
    if !text.is_empty() {
        pieces.push(string_literal(&text));
    }
    if pieces.is_empty() {
        return Some("''".into());
    }
    Some(format!("({})", pieces.join(" + ")))
}
