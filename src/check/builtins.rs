//! The built-in functions (`docs/language.md`, built-ins): the [`Builtin`] enum and their
//! signatures, as typing rules.

use super::ty::Type;
use super::types::{assignable, is_ordered, join};
use crate::base::span::Span;

/// A built-in function of the language (`docs/language.md`, built-ins). Declared once here,
/// with its name and parameter names; the checker types calls to it, the IR names it
/// (`ir::Builtin`, a re-export) and the runtime evaluates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    Len,
    Range,
    Sum,
    Min,
    Max,
    Sort,
    Unique,
    Reverse,
    Flatten,
    Zip,
    Enumerate,
    Contains,
    Keys,
    Values,
    Join,
    Split,
    Trim,
    Upper,
    Lower,
    Replace,
    StartsWith,
    EndsWith,
    Str,
    Int,
    Float,
    FormatDate,
    ParseDate,
    Today,
    DatesBetween,
    Env,
    ToJson,
    Raw,
}

impl Builtin {
    /// Every built-in, in the order the language reference lists them.
    pub const ALL: &'static [Builtin] = &[
        Builtin::Len,
        Builtin::Range,
        Builtin::Sum,
        Builtin::Min,
        Builtin::Max,
        Builtin::Sort,
        Builtin::Unique,
        Builtin::Reverse,
        Builtin::Flatten,
        Builtin::Zip,
        Builtin::Enumerate,
        Builtin::Contains,
        Builtin::Keys,
        Builtin::Values,
        Builtin::Join,
        Builtin::Split,
        Builtin::Trim,
        Builtin::Upper,
        Builtin::Lower,
        Builtin::Replace,
        Builtin::StartsWith,
        Builtin::EndsWith,
        Builtin::Str,
        Builtin::Int,
        Builtin::Float,
        Builtin::FormatDate,
        Builtin::ParseDate,
        Builtin::Today,
        Builtin::DatesBetween,
        Builtin::Env,
        Builtin::ToJson,
        Builtin::Raw,
    ];

    /// The name a program calls it by.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Builtin::Len => "len",
            Builtin::Range => "range",
            Builtin::Sum => "sum",
            Builtin::Min => "min",
            Builtin::Max => "max",
            Builtin::Sort => "sort",
            Builtin::Unique => "unique",
            Builtin::Reverse => "reverse",
            Builtin::Flatten => "flatten",
            Builtin::Zip => "zip",
            Builtin::Enumerate => "enumerate",
            Builtin::Contains => "contains",
            Builtin::Keys => "keys",
            Builtin::Values => "values",
            Builtin::Join => "join",
            Builtin::Split => "split",
            Builtin::Trim => "trim",
            Builtin::Upper => "upper",
            Builtin::Lower => "lower",
            Builtin::Replace => "replace",
            Builtin::StartsWith => "starts_with",
            Builtin::EndsWith => "ends_with",
            Builtin::Str => "str",
            Builtin::Int => "int",
            Builtin::Float => "float",
            Builtin::FormatDate => "format_date",
            Builtin::ParseDate => "parse_date",
            Builtin::Today => "today",
            Builtin::DatesBetween => "dates_between",
            Builtin::Env => "env",
            Builtin::ToJson => "to_json",
            Builtin::Raw => "raw",
        }
    }

    /// Its parameter names, in order (for named arguments and messages).
    #[must_use]
    #[allow(clippy::match_same_arms)] // a table: one row per built-in
    pub fn params(self) -> &'static [&'static str] {
        match self {
            Builtin::Len => &["value"],
            Builtin::Range => &["start", "end"],
            Builtin::Sum => &["list"],
            Builtin::Min => &["list"],
            Builtin::Max => &["list"],
            Builtin::Sort => &["list"],
            Builtin::Unique => &["list"],
            Builtin::Reverse => &["list"],
            Builtin::Flatten => &["list"],
            Builtin::Zip => &["first", "second"],
            Builtin::Enumerate => &["list"],
            Builtin::Contains => &["haystack", "needle"],
            Builtin::Keys => &["map"],
            Builtin::Values => &["map"],
            Builtin::Join => &["list", "sep"],
            Builtin::Split => &["text", "sep"],
            Builtin::Trim => &["text"],
            Builtin::Upper => &["text"],
            Builtin::Lower => &["text"],
            Builtin::Replace => &["text", "from", "to"],
            Builtin::StartsWith => &["text", "prefix"],
            Builtin::EndsWith => &["text", "suffix"],
            Builtin::Str => &["value"],
            Builtin::Int => &["value"],
            Builtin::Float => &["value"],
            Builtin::FormatDate => &["date", "format"],
            Builtin::ParseDate => &["text", "format"],
            Builtin::Today => &["tz"],
            Builtin::DatesBetween => &["start", "end"],
            Builtin::Env => &["name"],
            Builtin::ToJson => &["value"],
            Builtin::Raw => &["text"],
        }
    }

    /// The built-in called `name`, if there is one.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Builtin> {
        Builtin::ALL.iter().copied().find(|b| b.name() == name)
    }
}

/// Why a call to a built-in does not type-check.
#[derive(Debug)]
pub struct ArgProblem {
    pub message: String,
    pub span: Span,
    pub label: String,
    pub help: Option<String>,
}

/// An argument after named arguments were put in place.
pub struct Arg<'a> {
    pub ty: &'a Type,
    pub span: Span,
}

fn arity(name: &str, args: &[Arg<'_>], min: usize, max: usize, call: Span) -> Result<(), ArgProblem> {
    if args.len() < min || args.len() > max {
        let want = if min == max {
            format!("{min} argument{}", if min == 1 { "" } else { "s" })
        } else {
            format!("{min} to {max} arguments")
        };
        let params: &[&str] = Builtin::from_name(name).map_or(&[], Builtin::params);
        let sig = params.get(..max).unwrap_or(params).join(", ");
        return Err(ArgProblem {
            message: format!("`{name}` takes {want}, but {} were given", args.len()),
            span: call,
            label: format!("expected {want}"),
            help: Some(format!("the signature is `{name}({sig})`")),
        });
    }
    Ok(())
}

fn want(name: &str, arg: &Arg<'_>, expected: &str) -> ArgProblem {
    let help = if arg.ty.is_optional() {
        Some("this value may be `none`; give a default with `?? value`".to_string())
    } else {
        None
    };
    ArgProblem {
        message: format!("`{name}` expects {expected}, found `{}`", arg.ty),
        span: arg.span,
        label: format!("this is `{}`", arg.ty),
        help,
    }
}

fn is(t: &Type, expected: &Type) -> bool {
    assignable(t, expected) && !t.is_optional()
}

fn list_elem<'t>(name: &str, arg: &Arg<'t>) -> Result<&'t Type, ArgProblem> {
    match arg.ty {
        Type::List(inner) => Ok(inner),
        Type::Error | Type::Unknown => Ok(&Type::Error),
        Type::Int
        | Type::Float
        | Type::Bool
        | Type::String
        | Type::Duration
        | Type::Date
        | Type::Map(_)
        | Type::Record(_)
        | Type::Optional(_) => Err(want(name, arg, "a list")),
    }
}

/// The result type of calling built-in `name` with `args` (positional, named already placed).
pub fn result_type(builtin: Builtin, args: &[Arg<'_>], call: Span) -> Result<Type, ArgProblem> {
    use Type as T;
    let name = builtin.name();
    let a = |i: usize| &args[i];
    match builtin {
        Builtin::Len => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::List(_) | T::Map(_) | T::String | T::Error | T::Unknown => Ok(T::Int),
                T::Int | T::Float | T::Bool | T::Duration | T::Date | T::Record(_) | T::Optional(_) => {
                    Err(want(name, a(0), "a list, a map or a string"))
                }
            }
        }
        Builtin::Range => {
            arity(name, args, 1, 2, call)?;
            for arg in args {
                if !is(arg.ty, &T::Int) {
                    return Err(want(name, arg, "`int` bounds"));
                }
            }
            Ok(T::list(T::Int))
        }
        Builtin::Sum => {
            arity(name, args, 1, 1, call)?;
            match list_elem(name, a(0))? {
                t @ (T::Int | T::Float | T::Duration) => Ok(t.clone()),
                T::Error | T::Unknown => Ok(T::Error),
                T::Bool | T::String | T::Date | T::List(_) | T::Map(_) | T::Record(_) | T::Optional(_) => {
                    Err(want(name, a(0), "a list of `int`, `float` or `duration`"))
                }
            }
        }
        Builtin::Min | Builtin::Max => {
            if args.len() >= 2 {
                let mut t = a(0).ty.clone();
                for arg in &args[1..] {
                    t = join(&t, arg.ty).ok_or_else(|| want(name, arg, &format!("values of one type (`{t}`)")))?;
                }
                if !is_ordered(&t) {
                    return Err(want(name, a(0), "values that can be ordered"));
                }
                return Ok(t);
            }
            arity(name, args, 1, 1, call)?;
            let t = list_elem(name, a(0))?;
            if !is_ordered(t) {
                return Err(want(name, a(0), "a list of values that can be ordered"));
            }
            Ok(t.clone())
        }
        Builtin::Sort => {
            arity(name, args, 1, 1, call)?;
            let t = list_elem(name, a(0))?;
            if !is_ordered(t) {
                return Err(want(name, a(0), "a list of values that can be ordered"));
            }
            Ok(a(0).ty.clone())
        }
        Builtin::Unique => {
            arity(name, args, 1, 1, call)?;
            list_elem(name, a(0))?;
            Ok(a(0).ty.clone())
        }
        Builtin::Reverse => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::List(_) | T::String | T::Error | T::Unknown => Ok(a(0).ty.clone()),
                T::Int | T::Float | T::Bool | T::Duration | T::Date | T::Map(_) | T::Record(_) | T::Optional(_) => {
                    Err(want(name, a(0), "a list or a string"))
                }
            }
        }
        Builtin::Flatten => {
            arity(name, args, 1, 1, call)?;
            match list_elem(name, a(0))? {
                T::List(inner) => Ok(T::list((**inner).clone())),
                T::Error | T::Unknown => Ok(T::list(T::Unknown)),
                T::Int
                | T::Float
                | T::Bool
                | T::String
                | T::Duration
                | T::Date
                | T::Map(_)
                | T::Record(_)
                | T::Optional(_) => Err(want(name, a(0), "a list of lists")),
            }
        }
        Builtin::Zip => {
            arity(name, args, 2, 2, call)?;
            let x = list_elem(name, a(0))?.clone();
            let y = list_elem(name, a(1))?.clone();
            Ok(T::list(T::Record(
                vec![("first".into(), x), ("second".into(), y)].into(),
            )))
        }
        Builtin::Enumerate => {
            arity(name, args, 1, 1, call)?;
            let t = list_elem(name, a(0))?.clone();
            Ok(T::list(T::Record(
                vec![("index".into(), T::Int), ("value".into(), t)].into(),
            )))
        }
        Builtin::Contains => {
            arity(name, args, 2, 2, call)?;
            match a(0).ty {
                T::List(inner) => {
                    if join(inner, a(1).ty).is_none() {
                        return Err(want(name, a(1), &format!("a `{inner}` to look for")));
                    }
                }
                T::String | T::Map(_) => {
                    if !is(a(1).ty, &T::String) {
                        return Err(want(name, a(1), "a `string` to look for"));
                    }
                }
                T::Error | T::Unknown => {}
                T::Int | T::Float | T::Bool | T::Duration | T::Date | T::Record(_) | T::Optional(_) => {
                    return Err(want(name, a(0), "a list, a map or a string"))
                }
            }
            Ok(T::Bool)
        }
        Builtin::Keys | Builtin::Values => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::Map(inner) => Ok(if builtin == Builtin::Keys {
                    T::list(T::String)
                } else {
                    T::list((**inner).clone())
                }),
                T::Error | T::Unknown => Ok(T::Error),
                T::Int
                | T::Float
                | T::Bool
                | T::String
                | T::Duration
                | T::Date
                | T::List(_)
                | T::Record(_)
                | T::Optional(_) => Err(want(name, a(0), "a map")),
            }
        }
        Builtin::Join => {
            arity(name, args, 2, 2, call)?;
            let t = list_elem(name, a(0))?;
            if !(t.is_scalar() || matches!(t, T::Error | T::Unknown)) {
                return Err(want(name, a(0), "a list of scalars"));
            }
            if !is(a(1).ty, &T::String) {
                return Err(want(name, a(1), "a `string` separator"));
            }
            Ok(T::String)
        }
        Builtin::Split => strings(name, args, 2, call, T::list(T::String)),
        Builtin::Trim | Builtin::Upper | Builtin::Lower | Builtin::Raw => strings(name, args, 1, call, T::String),
        Builtin::Replace => strings(name, args, 3, call, T::String),
        Builtin::StartsWith | Builtin::EndsWith => strings(name, args, 2, call, T::Bool),
        Builtin::Str => {
            arity(name, args, 1, 1, call)?;
            if a(0).ty.is_scalar() || matches!(a(0).ty, T::Error | T::Unknown) {
                Ok(T::String)
            } else {
                Err(want(
                    name,
                    a(0),
                    "a scalar (`int float bool string duration date`); use `to_json` for other values",
                ))
            }
        }
        Builtin::Int | Builtin::Float => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::Int | T::Float | T::String | T::Error | T::Unknown => {
                    Ok(if builtin == Builtin::Int { T::Int } else { T::Float })
                }
                T::Bool | T::Duration | T::Date | T::List(_) | T::Map(_) | T::Record(_) | T::Optional(_) => {
                    Err(want(name, a(0), "an `int`, a `float` or a `string`"))
                }
            }
        }
        Builtin::FormatDate => {
            arity(name, args, 2, 2, call)?;
            if !is(a(0).ty, &T::Date) {
                return Err(want(name, a(0), "a `date`"));
            }
            if !is(a(1).ty, &T::String) {
                return Err(want(name, a(1), "a `string` pattern like \"%Y%m%d\""));
            }
            Ok(T::String)
        }
        Builtin::ParseDate => {
            arity(name, args, 1, 2, call)?;
            for arg in args {
                if !is(arg.ty, &T::String) {
                    return Err(want(name, arg, "`string` arguments"));
                }
            }
            Ok(T::Date)
        }
        Builtin::Today => {
            arity(name, args, 0, 1, call)?;
            if let Some(tz) = args.first() {
                if !is(tz.ty, &T::String) {
                    return Err(want(name, tz, "a time zone name like \"Europe/Paris\""));
                }
            }
            Ok(T::Date)
        }
        Builtin::DatesBetween => {
            arity(name, args, 2, 2, call)?;
            for arg in args {
                if !is(arg.ty, &T::Date) {
                    return Err(want(name, arg, "`date` bounds"));
                }
            }
            Ok(T::list(T::Date))
        }
        Builtin::Env => strings(name, args, 1, call, T::optional(T::String)),
        Builtin::ToJson => {
            arity(name, args, 1, 1, call)?;
            Ok(T::String)
        }
    }
}

/// `n` string arguments returning `ret`.
fn strings(name: &str, args: &[Arg<'_>], n: usize, call: Span, ret: Type) -> Result<Type, ArgProblem> {
    arity(name, args, n, n, call)?;
    for arg in args {
        if !is(arg.ty, &Type::String) {
            return Err(want(name, arg, "`string` arguments"));
        }
    }
    Ok(ret)
}
