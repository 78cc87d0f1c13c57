//! Time zone names written as literals (`today("Europe/Paris")`) are looked up at check
//! time, in the same tz database the runtime uses (jiff), so a typo fails `check` instead of
//! the run.

use super::error::CheckError;
use crate::syntax::ast::{Expr, ExprKind, Ident, StrPart};
use crate::syntax::span::Span;

/// The literal text of `e`, if it is a string without interpolation.
pub(super) fn literal(e: &Expr) -> Option<&str> {
    if let ExprKind::RawStr(s) = &e.kind {
        return Some(s);
    }
    let ExprKind::Str(parts) = &e.kind else {
        return None;
    };
    match parts.as_slice() {
        [] => Some(""),
        [StrPart::Lit(s)] => Some(s),
        _ => None,
    }
}

/// The zone argument of a call to built-in `name`, if it takes one.
fn zone_arg<'e>(name: &str, args: &'e [Expr], named: &'e [(Ident, Expr)]) -> Option<&'e Expr> {
    if name != "today" {
        return None;
    }
    args.first()
        .or_else(|| named.iter().find(|(id, _)| id.name == "tz").map(|(_, e)| e))
}

/// E0212 for a literal zone name jiff does not know.
pub(super) fn check(name: &str, args: &[Expr], named: &[(Ident, Expr)]) -> Option<CheckError> {
    let arg = zone_arg(name, args, named)?;
    let zone = literal(arg)?;
    if jiff::tz::TimeZone::get(zone).is_ok() {
        return None;
    }
    Some(unknown(zone, arg.span))
}

pub(super) fn unknown(zone: &str, span: Span) -> CheckError {
    CheckError::UnknownZone {
        zone: zone.to_string(),
        span,
        help: suggest(zone).map(|z| format!("did you mean `{z}`?")).or_else(|| {
            Some("write an IANA time zone name like \"Europe/Paris\", \"America/New_York\" or \"UTC\"".into())
        }),
    }
}

/// The known zone closest to `zone`: the same name in another case, the zone whose city
/// it names (`Amsterdam`, `new york`), or a close spelling (`Europe/Amsterdm`).
fn suggest(zone: &str) -> Option<String> {
    let names: Vec<String> = jiff::tz::db().available().map(|n| n.as_str().to_string()).collect();
    let wanted = zone.trim().replace(' ', "_").to_ascii_lowercase();
    if let Some(n) = names.iter().find(|n| {
        n.to_ascii_lowercase() == wanted
            || n.rsplit('/')
                .next()
                .is_some_and(|city| city.to_ascii_lowercase() == wanted)
    }) {
        return Some(n.clone());
    }
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let best = crate::diagnostics::suggest::best_match(&wanted, lower.iter().map(String::as_str))?;
    let i = lower.iter().position(|l| l == best)?;
    names.get(i).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Expr {
        Expr {
            kind: ExprKind::Str(vec![StrPart::Lit(text.into())]),
            span: Span::default(),
        }
    }

    #[test]
    fn known_and_unknown_zones() {
        assert!(check("today", &[s("Europe/Paris")], &[]).is_none());
        assert!(check("today", &[s("UTC")], &[]).is_none());
        assert!(matches!(
            check("today", &[s("Mars/Olympus")], &[]),
            Some(CheckError::UnknownZone { .. })
        ));
        assert!(check("upper", &[s("Mars/Olympus")], &[]).is_none());
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggest("Europe/Amsterdm").as_deref(), Some("Europe/Amsterdam"));
        assert_eq!(suggest("europe/amsterdm").as_deref(), Some("Europe/Amsterdam"));
        assert_eq!(suggest("Amsterdam").as_deref(), Some("Europe/Amsterdam"));
        assert_eq!(suggest("new york").as_deref(), Some("America/New_York"));
        assert_eq!(suggest("Mars/Olympus_Mons"), None);
    }
}
