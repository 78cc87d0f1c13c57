//! The type of an IR expression, for the back ends: targets pass values as strings or
//! typed params, so a translated expression must know what it reads and produces.
//! Covers what the back ends translate; `None` means "not known here".

use crate::ir::{BinaryOp, Builtin, Ir, IrExpr, IrExprKind, PathLevel, Type, UnaryOp};

/// The type of `expr`, seen from where it is written.
#[must_use]
pub fn type_of(expr: &IrExpr, ir: &Ir) -> Option<Type> {
    match &expr.kind {
        IrExprKind::Int(_) => Some(Type::Int),
        IrExprKind::Float(_) => Some(Type::Float),
        IrExprKind::Bool(_) => Some(Type::Bool),
        IrExprKind::None => Some(Type::optional(Type::Unknown)),
        IrExprKind::Str(_) | IrExprKind::Interp(_) => Some(Type::String),
        IrExprKind::Duration(_) => Some(Type::Duration),
        IrExprKind::Date(_) => Some(Type::Date),
        IrExprKind::List(items) => Some(Type::list(
            items.first().and_then(|i| type_of(i, ir)).unwrap_or(Type::Unknown),
        )),
        IrExprKind::Map(pairs) => Some(Type::map(
            pairs.first().and_then(|(_, v)| type_of(v, ir)).unwrap_or(Type::Unknown),
        )),
        IrExprKind::Record(fields) => {
            let fields: Option<Vec<(String, Type)>> = fields
                .iter()
                .map(|(n, v)| type_of(v, ir).map(|t| (n.clone(), t)))
                .collect();
            Some(Type::Record(fields?.into()))
        }
        IrExprKind::Var(b) => Some(ir.symbols.binding(*b).ty.clone()),
        IrExprKind::Step { step, path, .. } => {
            let record = Type::Record(ir.symbols.step(*step).outputs.clone().into());
            Some(path.iter().rev().fold(record, |t, level| match level {
                PathLevel::Foreach(_) | PathLevel::While(_) => Type::list(t),
                PathLevel::Branch(..) => Type::optional(t),
            }))
        }
        IrExprKind::Field(inner, name) => field_type(&type_of(inner, ir)?, name),
        IrExprKind::Index(inner, _) => element(type_of(inner, ir)?),
        IrExprKind::CallFn(id, _) => type_of(&ir.function(*id).body, ir),
        IrExprKind::CallBuiltin(b, args) => builtin_type(*b, args, ir),
        IrExprKind::Unary(op, inner) => match op {
            UnaryOp::Not => Some(Type::Bool),
            UnaryOp::Neg => type_of(inner, ir),
        },
        IrExprKind::Binary(op, a, b) => binary_type(*op, a, b, ir),
        IrExprKind::If(_, a, _) => type_of(a, ir),
        IrExprKind::Comprehension { elem, .. } => Some(Type::list(type_of(elem, ir)?)),
    }
}

/// The type of `.name` on a value of type `t`; through lists (gathered outputs) and
/// optionals (branch outputs) the field keeps the wrapping.
fn field_type(t: &Type, name: &str) -> Option<Type> {
    match t {
        Type::Record(fields) => fields.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()),
        Type::List(inner) => field_type(inner, name).map(Type::list),
        Type::Optional(inner) => field_type(inner, name).map(Type::optional),
        Type::Int
        | Type::Float
        | Type::Bool
        | Type::String
        | Type::Duration
        | Type::Date
        | Type::Map(_)
        | Type::Unknown
        | Type::Error => None,
    }
}

/// The element type of a list or a map.
fn element(t: Type) -> Option<Type> {
    if let Type::List(e) | Type::Map(e) = t {
        Some(*e)
    } else {
        None
    }
}

fn binary_type(op: BinaryOp, a: &IrExpr, b: &IrExpr, ir: &Ir) -> Option<Type> {
    match op {
        BinaryOp::Or
        | BinaryOp::And
        | BinaryOp::Eq
        | BinaryOp::Ne
        | BinaryOp::Lt
        | BinaryOp::Le
        | BinaryOp::Gt
        | BinaryOp::Ge => Some(Type::Bool),
        BinaryOp::Coalesce => type_of(b, ir),
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
            let (ta, tb) = (type_of(a, ir)?, type_of(b, ir)?);
            Some(match (ta, tb) {
                (Type::Date, Type::Date) => Type::Duration,
                (Type::Float, _) | (_, Type::Float) => Type::Float,
                (t, _) => t,
            })
        }
    }
}

fn builtin_type(b: Builtin, args: &[IrExpr], ir: &Ir) -> Option<Type> {
    let first = || args.first().and_then(|a| type_of(a, ir));
    match b {
        Builtin::Len | Builtin::Int => Some(Type::Int),
        Builtin::Float => Some(Type::Float),
        Builtin::Contains | Builtin::StartsWith | Builtin::EndsWith => Some(Type::Bool),
        Builtin::Join
        | Builtin::Trim
        | Builtin::Upper
        | Builtin::Lower
        | Builtin::Replace
        | Builtin::Str
        | Builtin::FormatDate
        | Builtin::ToJson
        | Builtin::Raw => Some(Type::String),
        Builtin::Env => Some(Type::optional(Type::String)),
        Builtin::Split | Builtin::Keys => Some(Type::list(Type::String)),
        Builtin::Range => Some(Type::list(Type::Int)),
        Builtin::Today | Builtin::ParseDate => Some(Type::Date),
        Builtin::DatesBetween => Some(Type::list(Type::Date)),
        Builtin::Sum | Builtin::Min | Builtin::Max | Builtin::Flatten => element(first()?),
        Builtin::Sort | Builtin::Unique | Builtin::Reverse => first(),
        Builtin::Values => element(first()?).map(Type::list),
        Builtin::Zip | Builtin::Enumerate => None,
    }
}
