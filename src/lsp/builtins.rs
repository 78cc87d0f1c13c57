//! The signatures and one-line descriptions of the built-in functions, for hover and
//! completion (the checker's `check::builtins` holds their names, parameters and typing).

use crate::check::builtins::Builtin;

/// `name(params) -> result` and what it does.
#[must_use]
#[allow(clippy::match_same_arms)] // a table: one row per built-in
pub fn signature(b: Builtin) -> (&'static str, &'static str) {
    match b {
        Builtin::Len => (
            "len(value: list<T> | map<T> | string) -> int",
            "The number of elements, entries or characters.",
        ),
        Builtin::Range => (
            "range(start: int, end: int) -> list<int>",
            "The integers from `start` up to `end` (excluded); `range(n)` is `range(0, n)`.",
        ),
        Builtin::Sum => (
            "sum(list: list<int | float | duration>) -> int | float | duration",
            "The sum of a list of numbers or durations.",
        ),
        Builtin::Min => (
            "min(list: list<T>) -> T",
            "The smallest element; `min(a, b, …)` also takes two or more values.",
        ),
        Builtin::Max => (
            "max(list: list<T>) -> T",
            "The largest element; `max(a, b, …)` also takes two or more values.",
        ),
        Builtin::Sort => ("sort(list: list<T>) -> list<T>", "The list in ascending order."),
        Builtin::Unique => (
            "unique(list: list<T>) -> list<T>",
            "The list without repeated elements, first occurrences kept in order.",
        ),
        Builtin::Reverse => (
            "reverse(list: list<T> | string) -> list<T> | string",
            "The elements or characters in reverse order.",
        ),
        Builtin::Flatten => (
            "flatten(list: list<list<T>>) -> list<T>",
            "The inner lists concatenated.",
        ),
        Builtin::Zip => (
            "zip(first: list<A>, second: list<B>) -> list<{first: A, second: B}>",
            "Pairs of elements at the same positions (as long as the shorter list).",
        ),
        Builtin::Enumerate => (
            "enumerate(list: list<T>) -> list<{index: int, value: T}>",
            "Each element with its position, from 0.",
        ),
        Builtin::Contains => (
            "contains(haystack: list<T> | map<T> | string, needle: T | string) -> bool",
            "Whether the list has the element, the map the key, or the string the substring.",
        ),
        Builtin::Keys => (
            "keys(map: map<T>) -> list<string>",
            "The keys of a map, in insertion order.",
        ),
        Builtin::Values => (
            "values(map: map<T>) -> list<T>",
            "The values of a map, in insertion order.",
        ),
        Builtin::Join => (
            "join(list: list<scalar>, sep: string) -> string",
            "The elements as text, separated by `sep`.",
        ),
        Builtin::Split => (
            "split(text: string, sep: string) -> list<string>",
            "The pieces between occurrences of `sep`; `\"\"` splits into characters.",
        ),
        Builtin::Trim => (
            "trim(text: string) -> string",
            "The text without leading and trailing whitespace.",
        ),
        Builtin::Upper => ("upper(text: string) -> string", "The text in upper case."),
        Builtin::Lower => ("lower(text: string) -> string", "The text in lower case."),
        Builtin::Replace => (
            "replace(text: string, from: string, to: string) -> string",
            "Every occurrence of `from` replaced by `to`.",
        ),
        Builtin::StartsWith => (
            "starts_with(text: string, prefix: string) -> bool",
            "Whether the text starts with `prefix`.",
        ),
        Builtin::EndsWith => (
            "ends_with(text: string, suffix: string) -> bool",
            "Whether the text ends with `suffix`.",
        ),
        Builtin::Str => ("str(value: scalar) -> string", "The value as text."),
        Builtin::Int => ("int(value: string | float | int) -> int", "The value as an integer."),
        Builtin::Float => ("float(value: string | int | float) -> float", "The value as a float."),
        Builtin::FormatDate => (
            "format_date(date: date, format: string) -> string",
            "The date formatted with a strftime-like `format`.",
        ),
        Builtin::ParseDate => (
            "parse_date(text: string, format: string) -> date",
            "The date written in `text` with a strftime-like `format`.",
        ),
        Builtin::Today => (
            "today(tz: string) -> date",
            "Today's date in the time zone `tz` (an IANA name like `\"Europe/Paris\"`).",
        ),
        Builtin::DatesBetween => (
            "dates_between(start: date, end: date) -> list<date>",
            "Every date from `start` to `end`, both included.",
        ),
        Builtin::Env => (
            "env(name: string) -> string?",
            "The environment variable `name` of the run, `none` when unset.",
        ),
        Builtin::ToJson => ("to_json(value: T) -> string", "The value as JSON text."),
        Builtin::Raw => (
            "raw(text: string) -> string",
            "Inside `run \"…${raw(x)}…\"`: insert `x` without shell quoting.",
        ),
    }
}
