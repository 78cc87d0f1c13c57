//! The types of MFlow values, as the checker infers them and the runtime converts to them.

use std::fmt;

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "of", rename_all = "snake_case")]
pub enum Type {
    Int,
    Float,
    Bool,
    String,
    Duration,
    Date,
    List(Box<Type>),
    /// A map with string keys.
    Map(Box<Type>),
    /// A record; fields in the order they were written.
    Record(std::sync::Arc<[(String, Type)]>),
    Optional(Box<Type>),
    /// Not yet known: the element type of `[]`, the inner type of a bare `none`.
    /// Compatible with every type.
    Unknown,
    /// The type of an expression that already produced an error. Compatible with every
    /// type, so one mistake is reported once.
    Error,
}

impl Type {
    #[must_use]
    pub fn list(t: Type) -> Type {
        Type::List(Box::new(t))
    }

    #[must_use]
    pub fn map(t: Type) -> Type {
        Type::Map(Box::new(t))
    }

    /// `T?`; an optional stays as it is (`T??` is `T?`).
    #[must_use]
    pub fn optional(t: Type) -> Type {
        match t {
            Type::Optional(_) | Type::Error => t,
            other @ (Type::Int
            | Type::Float
            | Type::Bool
            | Type::String
            | Type::Duration
            | Type::Date
            | Type::List(_)
            | Type::Map(_)
            | Type::Record(_)
            | Type::Unknown) => Type::Optional(Box::new(other)),
        }
    }

    /// The type without its outer `?`.
    #[must_use]
    pub fn unwrap_optional(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner,
            other @ (Type::Int
            | Type::Float
            | Type::Bool
            | Type::String
            | Type::Duration
            | Type::Date
            | Type::List(_)
            | Type::Map(_)
            | Type::Record(_)
            | Type::Unknown
            | Type::Error) => other,
        }
    }

    #[must_use]
    pub fn is_optional(&self) -> bool {
        matches!(self, Type::Optional(_))
    }

    /// True for `int float bool string duration date`.
    #[must_use]
    pub fn is_scalar(&self) -> bool {
        matches!(
            self,
            Type::Int | Type::Float | Type::Bool | Type::String | Type::Duration | Type::Date
        )
    }

    /// True when the type contains `Error` or `Unknown` anywhere.
    #[must_use]
    pub fn is_vague(&self) -> bool {
        match self {
            Type::Error | Type::Unknown => true,
            Type::List(t) | Type::Map(t) | Type::Optional(t) => t.is_vague(),
            Type::Record(fields) => fields.iter().any(|(_, t)| t.is_vague()),
            Type::Int | Type::Float | Type::Bool | Type::String | Type::Duration | Type::Date => false,
        }
    }

    /// The field of a record type, by name.
    #[must_use]
    pub fn field(&self, name: &str) -> Option<&Type> {
        match self {
            Type::Record(fields) => fields.iter().find(|(n, _)| n == name).map(|(_, t)| t),
            Type::Int
            | Type::Float
            | Type::Bool
            | Type::String
            | Type::Duration
            | Type::Date
            | Type::List(_)
            | Type::Map(_)
            | Type::Optional(_)
            | Type::Unknown
            | Type::Error => None,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => f.write_str("int"),
            Type::Float => f.write_str("float"),
            Type::Bool => f.write_str("bool"),
            Type::String => f.write_str("string"),
            Type::Duration => f.write_str("duration"),
            Type::Date => f.write_str("date"),
            Type::List(t) => write!(f, "list<{t}>"),
            Type::Map(t) => write!(f, "map<{t}>"),
            Type::Record(fields) => {
                f.write_str("{")?;
                for (i, (name, t)) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{name}: {t}")?;
                }
                f.write_str("}")
            }
            Type::Optional(t) => write!(f, "{t}?"),
            Type::Unknown => f.write_str("_"),
            Type::Error => f.write_str("{error}"),
        }
    }
}
