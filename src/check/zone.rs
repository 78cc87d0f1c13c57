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

fn unknown(zone: &str, span: Span) -> CheckError {
    CheckError::UnknownZone {
        zone: zone.to_string(),
        span,
        help: Some("write an IANA time zone name like \"Europe/Paris\", \"America/New_York\" or \"UTC\"".into()),
    }
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
}
