//! `schedule "CRON" [in "ZONE"] [catchup POLICY]`: the cron expression must parse and be
//! able to fire, the zone must be in the tz database, the catch-up bound a literal count.

#[allow(clippy::wildcard_imports)] // the parent's imports and helpers
use super::*;
use crate::check::cron::CronErrorKind;
use crate::check::tree::{CatchUp, TSchedule};
use crate::syntax::ast::{Catchup, Schedule};

/// The zone a schedule without `in` runs in.
pub(in crate::check) const DEFAULT_ZONE: &str = "UTC";

impl Checker<'_> {
    pub(in crate::check) fn check_schedule(&mut self, s: &Schedule) -> TSchedule {
        self.check_cron(&s.cron, s.cron_span);
        let zone = match &s.zone {
            None => DEFAULT_ZONE.to_string(),
            Some(z) => self.schedule_zone(&z.node, z.span),
        };
        let catchup = match s.catchup.as_ref().map(|c| &c.node) {
            None | Some(Catchup::Last) => CatchUp::Last,
            Some(Catchup::None) => CatchUp::None,
            Some(Catchup::All { max }) => CatchUp::All {
                max: self.catchup_bound(max),
            },
        };
        TSchedule {
            cron: s.cron.clone(),
            zone,
            catchup,
            span: s.cron_span,
        }
    }

    /// The canonical IANA name of `zone`, or E0212 with the closest known name.
    fn schedule_zone(&mut self, zone: &str, span: Span) -> String {
        if let Ok(tz) = jiff::tz::TimeZone::get(zone) {
            return tz.iana_name().unwrap_or(zone).to_string();
        }
        self.error(crate::check::zone::unknown(zone, span));
        DEFAULT_ZONE.to_string()
    }

    /// `all(max: N)`: N is an integer literal from 1 up.
    fn catchup_bound(&mut self, max: &Expr) -> u32 {
        let bad = |label: String| CheckError::BadCatchupBound {
            message: "the catch-up bound must be a whole number from 1 up, written as a literal".into(),
            span: max.span,
            label,
            help: Some("write `catchup all(max: 10)`: at most the 10 latest missed runs are started".into()),
        };
        let ExprKind::Int(n) = max.kind else {
            self.error(bad("not an integer literal".into()));
            return 1;
        };
        match u32::try_from(n) {
            Ok(n) if n >= 1 => n,
            _ => {
                self.error(bad(format!("this is {n}")));
                1
            }
        }
    }

    pub(in crate::check) fn check_cron(&mut self, text: &str, span: Span) {
        if let Err(e) = cron::validate(text) {
            // The span covers the quotes; point inside them when the text has no escapes.
            let inner = span.start + 1;
            let exact = span.len() == text.len() + 2;
            let at = if exact {
                Span {
                    file: span.file,
                    start: inner + u32::try_from(e.start).unwrap_or(0),
                    end: inner + u32::try_from(e.end).unwrap_or(0),
                }
            } else {
                span
            };
            self.error(match e.kind {
                CronErrorKind::Invalid => CheckError::BadCron {
                    reason: e.message,
                    span: at,
                    label: "here".into(),
                    help: e.help,
                },
                CronErrorKind::NeverFires => CheckError::ScheduleNeverFires {
                    message: e.message,
                    span: at,
                    help: e.help,
                },
            });
        }
    }
}
