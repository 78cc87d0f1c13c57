//! Unary and binary operators.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;

impl Checker<'_> {
    pub(in crate::check) fn binary(
        &mut self,
        op: BinaryOp,
        l: &Expr,
        r: &Expr,
        lt: &Type,
        rt: &Type,
        span: Span,
    ) -> Type {
        if op == BinaryOp::Coalesce {
            let inner = lt.unwrap_optional().clone();
            return match join(&inner, rt) {
                Some(t) => t,
                None => {
                    self.error(CheckError::Mismatch {
                        expected: inner.to_string(),
                        found: rt.to_string(),
                        span: r.span,
                        label: "the default must have the type of the value".into(),
                        help: None,
                    });
                    Type::Error
                }
            };
        }
        if matches!(lt, Type::Error) || matches!(rt, Type::Error) {
            return match op {
                BinaryOp::Eq
                | BinaryOp::Ne
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge
                | BinaryOp::And
                | BinaryOp::Or => Type::Bool,
                BinaryOp::Coalesce | BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                    Type::Error
                }
            };
        }
        if matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
            if join(lt, rt).is_none() && !is_numeric_pair(lt, rt) {
                self.bad_operands(
                    op,
                    lt,
                    rt,
                    span,
                    Some("only values of the same type can be compared".into()),
                );
            }
            return Type::Bool;
        }
        for (t, e) in [(lt, l), (rt, r)] {
            if t.is_optional() {
                self.error(CheckError::MaybeNone {
                    ty: t.to_string(),
                    span: e.span,
                    help: Some(format!(
                        "`{}` needs a value; give a default with `?? value`",
                        op.symbol()
                    )),
                });
                return Type::Error;
            }
        }
        let result = match op {
            BinaryOp::And | BinaryOp::Or => (*lt == Type::Bool && *rt == Type::Bool).then_some(Type::Bool),
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                ((lt == rt && is_ordered(lt)) || is_numeric_pair(lt, rt)).then_some(Type::Bool)
            }
            BinaryOp::Add => match (lt, rt) {
                (Type::String, Type::String) => Some(Type::String),
                (Type::Duration, Type::Duration) => Some(Type::Duration),
                (Type::Date, Type::Duration) => Some(Type::Date),
                (Type::List(_), Type::List(_)) => join(lt, rt),
                _ => numeric(lt, rt),
            },
            BinaryOp::Sub => match (lt, rt) {
                (Type::Duration, Type::Duration) | (Type::Date, Type::Date) => Some(Type::Duration),
                (Type::Date, Type::Duration) => Some(Type::Date),
                _ => numeric(lt, rt),
            },
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => numeric(lt, rt),
            BinaryOp::Coalesce | BinaryOp::Eq | BinaryOp::Ne => Some(Type::Bool),
        };
        if let Some(t) = result {
            return t;
        }
        let help = match (op, lt, rt) {
            (BinaryOp::Add, Type::String, t) | (BinaryOp::Add, t, Type::String) if t.is_scalar() => {
                Some("convert the other side with `str(…)`, or use interpolation: `\"${a}${b}\"`".into())
            }
            (BinaryOp::And | BinaryOp::Or, _, _) => Some("`and` and `or` take `bool` values".into()),
            (BinaryOp::Add, Type::Duration, Type::Date) => Some("write the date first: `day + 1d`".into()),
            _ => None,
        };
        self.bad_operands(op, lt, rt, span, help);
        match op {
            BinaryOp::And | BinaryOp::Or | BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => Type::Bool,
            BinaryOp::Coalesce
            | BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Add
            | BinaryOp::Sub
            | BinaryOp::Mul
            | BinaryOp::Div
            | BinaryOp::Rem => Type::Error,
        }
    }

    pub(in crate::check) fn bad_operands(
        &mut self,
        op: BinaryOp,
        l: &Type,
        r: &Type,
        span: Span,
        help: Option<String>,
    ) {
        if l.is_vague() || r.is_vague() {
            return;
        }
        self.error(CheckError::BadOperands {
            op: op.symbol(),
            left: l.to_string(),
            right: r.to_string(),
            span,
            help,
        });
    }
}
