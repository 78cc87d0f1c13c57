//! The expression evaluator: IR expressions → values, bounded by [`Limits`].

use std::collections::HashMap;
use std::sync::Arc;

use super::builtins::{self, EvalContext};
use super::error::EvalError;
use super::frame::{Frame, NodeResult};
use super::limits::{Budget, MAX_FN_DEPTH};
use super::ops;
use super::value::Value;
use crate::base::span::Span;
use crate::ir::BinaryOp;
use crate::ir::{BindingId, StepId, Symbols as Program};
use crate::ir::{Ir, IrExpr, IrExprKind, IrStrPart, PathLevel};

/// Where steps and scopes sit in their bodies: node indices by id.
#[derive(Debug, Default)]
pub struct Locations {
    pub steps: HashMap<StepId, usize>,
    pub scopes: HashMap<u32, usize>,
}

/// A failed evaluation, with the span of the expression at fault.
#[derive(Debug)]
pub struct Failure {
    pub error: EvalError,
    pub span: Span,
}

/// Everything an expression may read.
pub struct Env<'a> {
    pub ir: &'a Ir,
    pub program: &'a Program,
    /// Params, consts and lets of the running workflow instance.
    pub globals: &'a HashMap<BindingId, Value>,
    pub locations: &'a Locations,
    pub context: &'a EvalContext,
}

/// Evaluates `expr` in `frame` (none for run-start values).
pub fn eval(env: &Env<'_>, frame: Option<&Arc<Frame>>, expr: &IrExpr, budget: &mut Budget) -> Result<Value, Failure> {
    let mut locals = Vec::new();
    Evaluator {
        env,
        frame,
        budget,
        depth: 0,
    }
    .eval(expr, &mut locals)
}

/// Evaluates `expr` with extra variables in scope (a `while` condition over its variables).
pub fn eval_with(
    env: &Env<'_>,
    frame: Option<&Arc<Frame>>,
    expr: &IrExpr,
    mut locals: Vec<(BindingId, Value)>,
    budget: &mut Budget,
) -> Result<Value, Failure> {
    Evaluator {
        env,
        frame,
        budget,
        depth: 0,
    }
    .eval(expr, &mut locals)
}

/// Renders a `run` command: literal text as written, each interpolated value as shell
/// words (quoted), `raw(…)` values verbatim.
pub fn render_command(
    env: &Env<'_>,
    frame: Option<&Arc<Frame>>,
    parts: &[IrStrPart],
    budget: &mut Budget,
) -> Result<String, Failure> {
    let mut out = String::new();
    let mut ev = Evaluator {
        env,
        frame,
        budget,
        depth: 0,
    };
    let mut locals = Vec::new();
    for part in parts {
        match part {
            IrStrPart::Lit(s) => out.push_str(s),
            IrStrPart::Value { expr, raw } => {
                let v = ev.eval(expr, &mut locals)?;
                // The unquoted text must fit first (quoting adds a bounded amount per word):
                // a list sharing one long string is never rendered past the limit.
                let room = ev.budget.limits.max_string_len.saturating_sub(out.len());
                if v.to_text_within(room).is_none() {
                    return fail(ev.budget.too_long(), expr.span);
                }
                let text = super::quote::render_value_for_shell(&v, *raw)
                    .map_err(|error| Failure { error, span: expr.span })?;
                out.push_str(&text);
                ev.budget
                    .check_string(out.len())
                    .map_err(|error| Failure { error, span: expr.span })?;
            }
        }
    }
    Ok(out)
}

/// Below this much stack left, evaluation continues on a new segment.
const STACK_RED_ZONE: usize = 128 * 1024;
/// The size of each new stack segment.
const STACK_SEGMENT: usize = 4 * 1024 * 1024;

fn fail<T>(error: EvalError, span: Span) -> Result<T, Failure> {
    Err(Failure { error, span })
}

struct Evaluator<'e, 'a> {
    env: &'e Env<'a>,
    frame: Option<&'e Arc<Frame>>,
    budget: &'e mut Budget,
    /// `fn` calls nested in this evaluation.
    depth: usize,
}

impl Evaluator<'_, '_> {
    fn charge(&mut self, n: usize, span: Span) -> Result<(), Failure> {
        self.budget.charge(n).map_err(|error| Failure { error, span })
    }

    /// Evaluates on a stack that grows when it runs low: 256 nested `fn` calls, each with
    /// a body nested as deep as the parser allows, need more than a thread's stack.
    fn eval(&mut self, expr: &IrExpr, locals: &mut Vec<(BindingId, Value)>) -> Result<Value, Failure> {
        stacker::maybe_grow(STACK_RED_ZONE, STACK_SEGMENT, || self.eval_here(expr, locals))
    }

    fn eval_here(&mut self, expr: &IrExpr, locals: &mut Vec<(BindingId, Value)>) -> Result<Value, Failure> {
        self.charge(1, expr.span)?;
        let span = expr.span;
        Ok(match &expr.kind {
            IrExprKind::Int(n) => Value::Int(*n),
            IrExprKind::Float(f) => Value::Float(*f),
            IrExprKind::Bool(b) => Value::Bool(*b),
            IrExprKind::None => Value::None,
            IrExprKind::Str(s) => Value::string(s.as_str()),
            IrExprKind::Duration(ms) => Value::Duration(*ms),
            IrExprKind::Date(d) => match d.parse() {
                Ok(date) => Value::Date(date),
                Err(_) => return fail(EvalError::Conversion(format!("invalid date `{d}`")), span),
            },
            IrExprKind::Interp(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        IrStrPart::Lit(s) => out.push_str(s),
                        IrStrPart::Value { expr, .. } => {
                            let v = self.eval(expr, locals)?;
                            let room = self.budget.limits.max_string_len.saturating_sub(out.len());
                            match v.to_text_within(room) {
                                Some(text) => out.push_str(&text),
                                None => return fail(self.budget.too_long(), span),
                            }
                        }
                    }
                    self.budget
                        .check_string(out.len())
                        .map_err(|error| Failure { error, span })?;
                }
                Value::string(out)
            }
            IrExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.eval(item, locals)?);
                }
                self.budget
                    .check_list(out.len())
                    .map_err(|error| Failure { error, span })?;
                Value::list(out)
            }
            IrExprKind::Map(entries) => {
                let mut out = Vec::with_capacity(entries.len());
                for (k, v) in entries {
                    let key = match self.eval(k, locals)? {
                        Value::Str(s) => s.to_string(),
                        other @ (Value::Int(_)
                        | Value::Float(_)
                        | Value::Bool(_)
                        | Value::Duration(_)
                        | Value::Date(_)
                        | Value::List(_)
                        | Value::Map(_)
                        | Value::Record(_)
                        | Value::None) => other.to_text(),
                    };
                    out.push((key, self.eval(v, locals)?));
                }
                self.budget
                    .check_map(out.len())
                    .map_err(|error| Failure { error, span })?;
                Value::map(out)
            }
            IrExprKind::Record(fields) => {
                let mut out = Vec::with_capacity(fields.len());
                for (name, v) in fields {
                    out.push((name.clone(), self.eval(v, locals)?));
                }
                Value::record(out)
            }
            IrExprKind::Var(id) => self.var(*id, locals, span)?,
            IrExprKind::Step { step, up, path } => self.step(*step, *up, path, span)?,
            IrExprKind::Field(base, name) => {
                let v = self.eval(base, locals)?;
                match v.field(name) {
                    Some(f) => f.clone(),
                    None => return fail(EvalError::Conversion(format!("no field `{name}`")), span),
                }
            }
            IrExprKind::Index(base, index) => {
                let b = self.eval(base, locals)?;
                let i = self.eval(index, locals)?;
                ops::index(&b, &i).map_err(|error| Failure { error, span })?
            }
            IrExprKind::CallFn(f, args) => {
                let func = self.env.ir.function(*f);
                let mut inner = Vec::with_capacity(args.len());
                for (param, arg) in func.params.iter().zip(args) {
                    inner.push((*param, self.eval(arg, locals)?));
                }
                if self.depth >= MAX_FN_DEPTH {
                    return fail(EvalError::CallDepth(MAX_FN_DEPTH), span);
                }
                self.depth += 1;
                let v = self.eval(&func.body, &mut inner);
                self.depth -= 1;
                v?
            }
            IrExprKind::CallBuiltin(name, args) => {
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(arg, locals)?);
                }
                builtins::call(*name, values, Vec::new(), self.env.context, self.budget)
                    .map_err(|error| Failure { error, span })?
            }
            IrExprKind::Unary(op, inner) => {
                let v = self.eval(inner, locals)?;
                ops::unary(*op, &v).map_err(|error| Failure { error, span })?
            }
            IrExprKind::Binary(op, a, b) => match op {
                BinaryOp::And => {
                    let l = self.eval(a, locals)?;
                    if l == Value::Bool(false) {
                        Value::Bool(false)
                    } else {
                        self.eval(b, locals)?
                    }
                }
                BinaryOp::Or => {
                    let l = self.eval(a, locals)?;
                    if l == Value::Bool(true) {
                        Value::Bool(true)
                    } else {
                        self.eval(b, locals)?
                    }
                }
                BinaryOp::Coalesce => {
                    let l = self.eval(a, locals)?;
                    if l == Value::None {
                        self.eval(b, locals)?
                    } else {
                        l
                    }
                }
                BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
                | BinaryOp::Add
                | BinaryOp::Sub
                | BinaryOp::Mul
                | BinaryOp::Div
                | BinaryOp::Rem => {
                    let l = self.eval(a, locals)?;
                    let r = self.eval(b, locals)?;
                    ops::binary(*op, &l, &r, self.budget).map_err(|error| Failure { error, span })?
                }
            },
            IrExprKind::If(c, a, b) => {
                if self.eval(c, locals)? == Value::Bool(true) {
                    self.eval(a, locals)?
                } else {
                    self.eval(b, locals)?
                }
            }
            IrExprKind::Comprehension { var, iter, elem, cond } => {
                let items = self.eval(iter, locals)?;
                let Value::List(items) = items else {
                    return fail(EvalError::Conversion("a comprehension needs a list".into()), iter.span);
                };
                let mut out = Vec::new();
                for item in items.iter() {
                    self.charge(1, span)?;
                    locals.push((*var, item.clone()));
                    let keep = match cond {
                        Some(c) => self.eval(c, locals),
                        None => Ok(Value::Bool(true)),
                    };
                    let result = match keep {
                        Ok(Value::Bool(true)) => self.eval(elem, locals).map(Some),
                        Ok(_) => Ok(None),
                        Err(e) => Err(e),
                    };
                    locals.pop();
                    if let Some(v) = result? {
                        out.push(v);
                        self.budget
                            .check_list(out.len())
                            .map_err(|error| Failure { error, span })?;
                    }
                }
                Value::list(out)
            }
        })
    }

    fn var(&self, id: BindingId, locals: &[(BindingId, Value)], span: Span) -> Result<Value, Failure> {
        if let Some((_, v)) = locals.iter().rev().find(|(b, _)| *b == id) {
            return Ok(v.clone());
        }
        if let Some(v) = self.frame.and_then(|f| f.var(id)) {
            return Ok(v.clone());
        }
        if let Some(v) = self.env.globals.get(&id) {
            return Ok(v.clone());
        }
        let name = &self.env.program.binding(id).name;
        fail(
            EvalError::Conversion(format!(
                "`{name}` has no value yet (this is a bug in maestroc; please report it)"
            )),
            span,
        )
    }

    /// The record of a step's outputs as seen from the current frame.
    fn step(&mut self, step: StepId, up: u32, path: &[PathLevel], span: Span) -> Result<Value, Failure> {
        let Some(frame) = self.frame.and_then(|f| f.ancestor(up)) else {
            return fail(
                EvalError::Conversion("step outputs are not available here".into()),
                span,
            );
        };
        let names: Vec<String> = self
            .env
            .program
            .step(step)
            .outputs
            .iter()
            .map(|(n, _)| n.clone())
            .collect();
        let mut fields = Vec::with_capacity(names.len());
        for name in names {
            let v = self.gather(&frame, path, step, &name);
            self.charge(1, span)?;
            fields.push((name, v));
        }
        Ok(Value::record(fields))
    }

    fn gather(&self, frame: &Arc<Frame>, path: &[PathLevel], step: StepId, field: &str) -> Value {
        let locations = self.env.locations;
        match path.split_first() {
            None => {
                let Some(&i) = locations.steps.get(&step) else {
                    return Value::None;
                };
                match frame.nodes.get(i).and_then(|n| n.get()) {
                    Some(NodeResult::Step(r)) => r
                        .outputs
                        .as_ref()
                        .and_then(|o| o.iter().find(|(n, _)| n == field).map(|(_, v)| v.clone()))
                        .unwrap_or(Value::None),
                    _ => Value::None,
                }
            }
            Some((level, rest)) => {
                let (scope, branch) = match level {
                    PathLevel::Foreach(s) | PathLevel::While(s) => (*s, None),
                    PathLevel::Branch(s, n) => (*s, Some(*n)),
                };
                let Some(&i) = locations.scopes.get(&scope) else {
                    return Value::None;
                };
                match (frame.nodes.get(i).and_then(|n| n.get()), branch) {
                    (Some(NodeResult::Loop(iterations)), None) => {
                        Value::list(iterations.iter().map(|f| self.gather(f, rest, step, field)).collect())
                    }
                    (Some(NodeResult::Branch(Some((taken, f)))), Some(n)) if *taken == n => {
                        self.gather(f, rest, step, field)
                    }
                    (None, None) => Value::list(Vec::new()),
                    _ => Value::None,
                }
            }
        }
    }
}
