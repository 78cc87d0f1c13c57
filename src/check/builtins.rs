//! Signatures of the built-in functions of LANGUAGE.md §5, as typing rules.

use super::ty::Type;
use super::types::{assignable, is_ordered, join};
use crate::syntax::span::Span;

/// Every built-in function, with its parameter names (for named arguments and messages).
pub const BUILTINS: &[(&str, &[&str])] = &[
    ("len", &["value"]),
    ("range", &["start", "end"]),
    ("sum", &["list"]),
    ("min", &["list"]),
    ("max", &["list"]),
    ("sort", &["list"]),
    ("unique", &["list"]),
    ("reverse", &["list"]),
    ("flatten", &["list"]),
    ("zip", &["first", "second"]),
    ("enumerate", &["list"]),
    ("contains", &["haystack", "needle"]),
    ("keys", &["map"]),
    ("values", &["map"]),
    ("join", &["list", "sep"]),
    ("split", &["text", "sep"]),
    ("trim", &["text"]),
    ("upper", &["text"]),
    ("lower", &["text"]),
    ("replace", &["text", "from", "to"]),
    ("starts_with", &["text", "prefix"]),
    ("ends_with", &["text", "suffix"]),
    ("str", &["value"]),
    ("int", &["value"]),
    ("float", &["value"]),
    ("format_date", &["date", "format"]),
    ("parse_date", &["text", "format"]),
    ("today", &["tz"]),
    ("dates_between", &["start", "end"]),
    ("env", &["name"]),
    ("to_json", &["value"]),
    ("raw", &["text"]),
];

/// The static name of a built-in, if `name` is one.
#[must_use]
pub fn lookup(name: &str) -> Option<&'static str> {
    BUILTINS.iter().find(|(n, _)| *n == name).map(|(n, _)| *n)
}

/// Parameter names of a built-in.
#[must_use]
pub fn params(name: &str) -> &'static [&'static str] {
    BUILTINS.iter().find(|(n, _)| *n == name).map_or(&[], |(_, p)| *p)
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
        let sig = params(name).get(..max).unwrap_or(params(name)).join(", ");
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
        _ => Err(want(name, arg, "a list")),
    }
}

/// The result type of calling built-in `name` with `args` (positional, named already placed).
pub fn result_type(name: &str, args: &[Arg<'_>], call: Span) -> Result<Type, ArgProblem> {
    use Type as T;
    let a = |i: usize| &args[i];
    match name {
        "len" => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::List(_) | T::Map(_) | T::String | T::Error | T::Unknown => Ok(T::Int),
                _ => Err(want(name, a(0), "a list, a map or a string")),
            }
        }
        "range" => {
            arity(name, args, 1, 2, call)?;
            for arg in args {
                if !is(arg.ty, &T::Int) {
                    return Err(want(name, arg, "`int` bounds"));
                }
            }
            Ok(T::list(T::Int))
        }
        "sum" => {
            arity(name, args, 1, 1, call)?;
            match list_elem(name, a(0))? {
                t @ (T::Int | T::Float | T::Duration) => Ok(t.clone()),
                T::Error | T::Unknown => Ok(T::Error),
                _ => Err(want(name, a(0), "a list of `int`, `float` or `duration`")),
            }
        }
        "min" | "max" => {
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
        "sort" => {
            arity(name, args, 1, 1, call)?;
            let t = list_elem(name, a(0))?;
            if !is_ordered(t) {
                return Err(want(name, a(0), "a list of values that can be ordered"));
            }
            Ok(a(0).ty.clone())
        }
        "unique" => {
            arity(name, args, 1, 1, call)?;
            list_elem(name, a(0))?;
            Ok(a(0).ty.clone())
        }
        "reverse" => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::List(_) | T::String | T::Error | T::Unknown => Ok(a(0).ty.clone()),
                _ => Err(want(name, a(0), "a list or a string")),
            }
        }
        "flatten" => {
            arity(name, args, 1, 1, call)?;
            match list_elem(name, a(0))? {
                T::List(inner) => Ok(T::list((**inner).clone())),
                T::Error | T::Unknown => Ok(T::list(T::Unknown)),
                _ => Err(want(name, a(0), "a list of lists")),
            }
        }
        "zip" => {
            arity(name, args, 2, 2, call)?;
            let x = list_elem(name, a(0))?.clone();
            let y = list_elem(name, a(1))?.clone();
            Ok(T::list(T::Record(vec![("first".into(), x), ("second".into(), y)])))
        }
        "enumerate" => {
            arity(name, args, 1, 1, call)?;
            let t = list_elem(name, a(0))?.clone();
            Ok(T::list(T::Record(vec![("index".into(), T::Int), ("value".into(), t)])))
        }
        "contains" => {
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
                _ => return Err(want(name, a(0), "a list, a map or a string")),
            }
            Ok(T::Bool)
        }
        "keys" | "values" => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::Map(inner) => Ok(if name == "keys" {
                    T::list(T::String)
                } else {
                    T::list((**inner).clone())
                }),
                T::Error | T::Unknown => Ok(T::Error),
                _ => Err(want(name, a(0), "a map")),
            }
        }
        "join" => {
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
        "split" => strings(name, args, 2, call, T::list(T::String)),
        "trim" | "upper" | "lower" | "raw" => strings(name, args, 1, call, T::String),
        "replace" => strings(name, args, 3, call, T::String),
        "starts_with" | "ends_with" => strings(name, args, 2, call, T::Bool),
        "str" => {
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
        "int" | "float" => {
            arity(name, args, 1, 1, call)?;
            match a(0).ty {
                T::Int | T::Float | T::String | T::Error | T::Unknown => {
                    Ok(if name == "int" { T::Int } else { T::Float })
                }
                _ => Err(want(name, a(0), "an `int`, a `float` or a `string`")),
            }
        }
        "format_date" => {
            arity(name, args, 2, 2, call)?;
            if !is(a(0).ty, &T::Date) {
                return Err(want(name, a(0), "a `date`"));
            }
            if !is(a(1).ty, &T::String) {
                return Err(want(name, a(1), "a `string` pattern like \"%Y%m%d\""));
            }
            Ok(T::String)
        }
        "parse_date" => {
            arity(name, args, 1, 2, call)?;
            for arg in args {
                if !is(arg.ty, &T::String) {
                    return Err(want(name, arg, "`string` arguments"));
                }
            }
            Ok(T::Date)
        }
        "today" => {
            arity(name, args, 0, 1, call)?;
            if let Some(tz) = args.first() {
                if !is(tz.ty, &T::String) {
                    return Err(want(name, tz, "a time zone name like \"Europe/Paris\""));
                }
            }
            Ok(T::Date)
        }
        "dates_between" => {
            arity(name, args, 2, 2, call)?;
            for arg in args {
                if !is(arg.ty, &T::Date) {
                    return Err(want(name, arg, "`date` bounds"));
                }
            }
            Ok(T::list(T::Date))
        }
        "env" => strings(name, args, 1, call, T::optional(T::String)),
        "to_json" => {
            arity(name, args, 1, 1, call)?;
            Ok(T::String)
        }
        _ => Err(ArgProblem {
            message: format!("`{name}` is not a built-in function"),
            span: call,
            label: "unknown".into(),
            help: None,
        }),
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
