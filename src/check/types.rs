//! Type expressions → types, and the relations between types: assignability and joins.

use super::error::CheckError;
use super::ty::Type;
use crate::diagnostics::suggest::did_you_mean;
use crate::syntax::ast::{TypeExpr, TypeExprKind};

const TYPE_NAMES: &[&str] = &["int", "float", "bool", "string", "duration", "date", "list", "map"];

/// Resolves a written type. Unknown names are reported and become `Type::Error`.
pub fn resolve(te: &TypeExpr, errors: &mut Vec<CheckError>) -> Type {
    match &te.kind {
        TypeExprKind::Named(id) => match id.name.as_str() {
            "int" => Type::Int,
            "float" => Type::Float,
            "bool" => Type::Bool,
            "string" => Type::String,
            "duration" => Type::Duration,
            "date" => Type::Date,
            "list" | "map" => {
                errors.push(CheckError::UnknownType {
                    name: id.name.clone(),
                    span: id.span,
                    help: Some(format!("`{0}` needs an element type, like `{0}<string>`", id.name)),
                });
                Type::Error
            }
            other => {
                let help = did_you_mean(other, TYPE_NAMES.iter().copied()).or_else(|| {
                    Some("the types are `int float bool string duration date`, `list<T>`, `map<T>`, records `{name: T}` and optionals `T?`".to_string())
                });
                errors.push(CheckError::UnknownType {
                    name: other.to_string(),
                    span: id.span,
                    help,
                });
                Type::Error
            }
        },
        TypeExprKind::Generic(id, args) => {
            let inner: Vec<Type> = args.iter().map(|a| resolve(a, errors)).collect();
            match id.name.as_str() {
                "list" | "map" if inner.len() == 1 => {
                    let t = inner.into_iter().next().unwrap_or(Type::Error);
                    if id.name == "list" {
                        Type::list(t)
                    } else {
                        Type::map(t)
                    }
                }
                "list" | "map" => {
                    errors.push(CheckError::UnknownType {
                        name: format!("{}<…>", id.name),
                        span: te.span,
                        help: Some(format!(
                            "`{0}` takes exactly one type argument, like `{0}<string>`{1}",
                            id.name,
                            if id.name == "map" {
                                " (keys are always strings)"
                            } else {
                                ""
                            }
                        )),
                    });
                    Type::Error
                }
                other => {
                    errors.push(CheckError::UnknownType {
                        name: other.to_string(),
                        span: id.span,
                        help: did_you_mean(other, ["list", "map"]),
                    });
                    Type::Error
                }
            }
        }
        TypeExprKind::Record(fields) => Type::Record(
            fields
                .iter()
                .map(|(name, t)| (name.name.clone(), resolve(t, errors)))
                .collect(),
        ),
        TypeExprKind::Optional(inner) => Type::optional(resolve(inner, errors)),
    }
}

/// Whether a value of type `from` may be used where `to` is expected.
#[must_use]
#[allow(clippy::match_same_arms)] // the two optional cases differ in what `f` binds
pub fn assignable(from: &Type, to: &Type) -> bool {
    match (from, to) {
        (Type::Error | Type::Unknown, _) | (_, Type::Error | Type::Unknown) => true,
        (Type::Optional(f), Type::Optional(t)) => assignable(f, t),
        (f, Type::Optional(t)) => assignable(f, t),
        (Type::List(f), Type::List(t)) | (Type::Map(f), Type::Map(t)) => assignable(f, t),
        (Type::Record(f), Type::Record(t)) => {
            f.len() == t.len()
                && t.iter().all(|(name, tt)| {
                    f.iter()
                        .find(|(n, _)| n == name)
                        .is_some_and(|(_, ft)| assignable(ft, tt))
                })
        }
        (a, b) => a == b,
    }
}

/// The least type both `a` and `b` fit in, if any (`int` and `none` → `int?`).
#[must_use]
pub fn join(a: &Type, b: &Type) -> Option<Type> {
    match (a, b) {
        (Type::Error, _) | (_, Type::Error) => Some(Type::Error),
        (Type::Unknown, t) | (t, Type::Unknown) => Some(t.clone()),
        (Type::Optional(x), Type::Optional(y)) => join(x, y).map(Type::optional),
        (Type::Optional(x), y) | (y, Type::Optional(x)) => join(x, y).map(Type::optional),
        (Type::List(x), Type::List(y)) => join(x, y).map(Type::list),
        (Type::Map(x), Type::Map(y)) => join(x, y).map(Type::map),
        (Type::Record(x), Type::Record(y)) => {
            if x.len() != y.len() {
                return None;
            }
            let mut fields = Vec::with_capacity(x.len());
            for (name, xt) in x.iter() {
                let (_, yt) = y.iter().find(|(n, _)| n == name)?;
                fields.push((name.clone(), join(xt, yt)?));
            }
            Some(Type::Record(fields.into()))
        }
        (x, y) if x == y => Some(x.clone()),
        _ => None,
    }
}

/// Whether values of this type can be ordered with `<` (and sorted).
#[must_use]
pub fn is_ordered(t: &Type) -> bool {
    matches!(
        t,
        Type::Int | Type::Float | Type::String | Type::Date | Type::Duration | Type::Error | Type::Unknown
    )
}

/// Whether values of this type can be interpolated into a string: scalars and lists of scalars.
#[must_use]
pub fn is_interpolable(t: &Type) -> bool {
    match t {
        Type::List(inner) => inner.is_scalar() || matches!(**inner, Type::Error | Type::Unknown),
        Type::Error | Type::Unknown => true,
        other @ (Type::Int
        | Type::Float
        | Type::Bool
        | Type::String
        | Type::Duration
        | Type::Date
        | Type::Map(_)
        | Type::Record(_)
        | Type::Optional(_)) => other.is_scalar(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins() {
        assert_eq!(
            join(&Type::Int, &Type::optional(Type::Unknown)),
            Some(Type::optional(Type::Int))
        );
        assert_eq!(
            join(&Type::list(Type::Unknown), &Type::list(Type::String)),
            Some(Type::list(Type::String))
        );
        assert_eq!(join(&Type::Int, &Type::Float), None);
    }

    #[test]
    fn assignability() {
        assert!(assignable(&Type::Int, &Type::optional(Type::Int)));
        assert!(!assignable(&Type::optional(Type::Int), &Type::Int));
        assert!(!assignable(&Type::Int, &Type::Float));
        assert!(assignable(&Type::list(Type::Unknown), &Type::list(Type::Date)));
    }
}
