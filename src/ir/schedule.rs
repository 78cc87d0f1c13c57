//! Schedules and triggers in the IR, and when a schedule fires.
//!
//! [`next_fire_times`] is the one place that turns a schedule into instants; `serve` and
//! the Argo/Maestro targets use it (or the cron text and zone as they are). Daylight saving
//! time follows Unix cron (`croner` does the search):
//! - a time that falls in a gap (02:30 on the night clocks spring forward in
//!   Europe/Amsterdam) fires once, at the first instant after the gap (03:00 CEST) when the
//!   minute and hour fields are fixed; an expression with `*` or a step in the minute or
//!   hour field just has no fire times inside the gap;
//! - a time that happens twice (02:30 on the night clocks fall back) fires once, at the
//!   earlier instant, when the minute and hour fields are fixed; otherwise at both.

use jiff::{Timestamp, ZonedDateTime as Zoned};
use serde::Serialize;

use super::expr::IrExpr;
use crate::base::ids::BindingId;
use crate::base::span::Span;
use crate::check::tree;

/// `schedule "CRON" [in "ZONE"] [catchup …]`, with the defaults filled in.
#[derive(Debug, Clone, Serialize)]
pub struct IrSchedule {
    /// The cron text as written: 5 Unix cron fields or an `@daily`-style macro.
    pub cron: String,
    /// The canonical IANA name of the zone the fields are read in (default `UTC`).
    pub zone: String,
    /// Default [`CatchUp::Last`].
    pub catchup: CatchUp,
    #[serde(skip)]
    pub span: Span,
}

/// What to do about fire times missed while nothing was serving the workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CatchUp {
    /// Skip them.
    None,
    /// Start one run, for the latest missed time.
    Last,
    /// Start one run per missed time, for at most the latest `max`.
    All { max: u32 },
}

impl From<tree::CatchUp> for CatchUp {
    fn from(c: tree::CatchUp) -> Self {
        match c {
            tree::CatchUp::None => CatchUp::None,
            tree::CatchUp::Last => CatchUp::Last,
            tree::CatchUp::All { max } => CatchUp::All { max },
        }
    }
}

/// `trigger on signal "NAME" [where COND]`: a signal that starts a run.
///
/// At launch, each param whose name is a field of the payload takes that field's value,
/// converted to the param's type; the others take their defaults. A required param the
/// payload does not supply, or a value that does not convert, means no run is started
/// (a launch-time check). The `filter` is evaluated with those params bound and with its
/// binding (`signal`) set to the payload as a `map<string>`; a run starts when it is true.
#[derive(Debug)]
pub struct IrTrigger {
    pub signal: String,
    pub span: Span,
    pub filter: Option<(BindingId, IrExpr)>,
}

/// Why [`next_fire_times`] cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("invalid schedule {cron:?}: {reason}")]
    Cron { cron: String, reason: String },
    #[error("unknown time zone {0:?}")]
    Zone(String),
}

/// Up to `count` fire times of `cron` read in `zone`, strictly after `after`, in order.
/// Fewer when the search runs past the year 5000.
pub fn next_fire_times(cron: &str, zone: &str, after: Timestamp, count: usize) -> Result<Vec<Zoned>, ScheduleError> {
    let parsed = crate::check::cron::parse(cron).map_err(|e| ScheduleError::Cron {
        cron: cron.to_string(),
        reason: e.message,
    })?;
    let tz = jiff::tz::TimeZone::get(zone).map_err(|_| ScheduleError::Zone(zone.to_string()))?;
    let mut out = Vec::with_capacity(count.min(1024));
    let mut at = Wall(after.to_zoned_datetime(tz));
    while out.len() < count {
        match parsed.find_next_occurrence(&at, false) {
            Ok(next) => {
                out.push(next.0.clone());
                at = next;
            }
            Err(_) => break,
        }
    }
    Ok(out)
}

/// The fire times of `schedule` in `(since, now]` that its catch-up policy says to start
/// runs for, oldest first: none for `none`, the latest for `last`, the latest `max` for
/// `all(max)`. `since` is the last instant the schedule was served (or its last run);
/// the search walks back from `now`, so a long outage costs at most `max` steps.
pub fn due_fire_times(schedule: &IrSchedule, since: Timestamp, now: Timestamp) -> Result<Vec<Zoned>, ScheduleError> {
    let keep = match schedule.catchup {
        CatchUp::None => return Ok(Vec::new()),
        CatchUp::Last => 1,
        CatchUp::All { max } => usize::try_from(max).unwrap_or(usize::MAX),
    };
    let parsed = crate::check::cron::parse(&schedule.cron).map_err(|e| ScheduleError::Cron {
        cron: schedule.cron.clone(),
        reason: e.message,
    })?;
    let tz = jiff::tz::TimeZone::get(&schedule.zone).map_err(|_| ScheduleError::Zone(schedule.zone.clone()))?;
    let mut out = Vec::new();
    let mut at = Wall(now.to_zoned_datetime(tz));
    let mut inclusive = true;
    while out.len() < keep {
        let Ok(prev) = parsed.find_previous_occurrence(&at, inclusive) else {
            break;
        };
        if prev.0.timestamp() <= since {
            break;
        }
        out.push(prev.0.clone());
        at = prev;
        inclusive = false;
    }
    out.reverse();
    Ok(out)
}

/// A [`Zoned`] as croner's date-time (croner's own jiff support is for jiff 0.2).
#[derive(Clone, Debug)]
struct Wall(Zoned);

fn civil(dt: jiff::civil::DateTime) -> croner::CivilDateTime {
    croner::CivilDateTime::new(
        croner::CivilDate::from_parts_unchecked(
            i32::from(dt.year()),
            u32::try_from(dt.month()).unwrap_or(1),
            u32::try_from(dt.day()).unwrap_or(1),
        ),
        croner::CivilTime::from_parts_unchecked(
            u32::try_from(dt.hour()).unwrap_or(0),
            u32::try_from(dt.minute()).unwrap_or(0),
            u32::try_from(dt.second()).unwrap_or(0),
        ),
    )
}

fn jiff_civil(c: croner::CivilDateTime) -> Result<jiff::civil::DateTime, croner::errors::CronError> {
    let bad = |_| croner::errors::CronError::InvalidDate;
    jiff::civil::DateTime::new(
        i16::try_from(c.year()).map_err(bad)?,
        i8::try_from(c.month()).map_err(bad)?,
        i8::try_from(c.day()).map_err(bad)?,
        i8::try_from(c.hour()).map_err(bad)?,
        i8::try_from(c.minute()).map_err(bad)?,
        i8::try_from(c.second()).map_err(bad)?,
        0,
    )
    .map_err(|_| croner::errors::CronError::InvalidDate)
}

impl croner::CronDateTime for Wall {
    fn to_civil(&self) -> croner::CivilDateTime {
        civil(self.0.datetime())
    }

    fn civil_weekday(&self) -> croner::Weekday {
        croner::Weekday::from_days_from_sunday(u32::from(self.0.weekday().to_sunday_zero_offset().unsigned_abs()))
    }

    fn resolve_civil(&self, c: croner::CivilDateTime) -> Result<croner::Resolution<Self>, croner::errors::CronError> {
        use jiff::tz::AmbiguousOffset;
        let dt = jiff_civil(c)?;
        let amb = self.0.time_zone().to_ambiguous_zoned_datetime(dt);
        let bad = |_| croner::errors::CronError::InvalidTime;
        Ok(match amb.offset() {
            AmbiguousOffset::Unambiguous { .. } => croner::Resolution::Single(Wall(amb.unambiguous().map_err(bad)?)),
            AmbiguousOffset::Fold { .. } => {
                let earlier = amb.clone().earlier().map_err(bad)?;
                let later = amb.later().map_err(bad)?;
                croner::Resolution::Ambiguous(Wall(earlier), Wall(later))
            }
            AmbiguousOffset::Gap { .. } => croner::Resolution::Gap,
        })
    }

    fn checked_add_seconds(&self, seconds: i64) -> Option<Self> {
        self.0
            .checked_add(jiff::SignedDuration::from_secs(seconds))
            .ok()
            .map(Wall)
    }

    fn cmp_instant(&self, other: &Self) -> std::cmp::Ordering {
        self.0.timestamp().cmp(&other.0.timestamp())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fires(cron: &str, zone: &str, after: &str, n: usize) -> Vec<String> {
        let after: Timestamp = after.parse().expect("timestamp");
        next_fire_times(cron, zone, after, n)
            .expect("fire times")
            .iter()
            .map(|z| z.strftime("%Y-%m-%dT%H:%M%:z").to_string())
            .collect()
    }

    #[test]
    fn utc_daily() {
        assert_eq!(
            fires("0 2 * * *", "UTC", "2026-03-01T12:00:00Z", 2),
            ["2026-03-02T02:00+00:00", "2026-03-03T02:00+00:00"]
        );
    }

    #[test]
    fn amsterdam_spring_gap_fires_after_the_gap() {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST; 02:30 does not exist that night.
        assert_eq!(
            fires("30 2 * * *", "Europe/Amsterdam", "2026-03-27T12:00:00Z", 3),
            [
                "2026-03-28T02:30+01:00",
                "2026-03-29T03:00+02:00",
                "2026-03-30T02:30+02:00"
            ]
        );
    }

    #[test]
    fn amsterdam_autumn_repeat_fires_once() {
        // 2026-10-25: 03:00 CEST goes back to 02:00 CET; 02:30 happens twice.
        assert_eq!(
            fires("30 2 * * *", "Europe/Amsterdam", "2026-10-24T12:00:00Z", 3),
            [
                "2026-10-25T02:30+02:00",
                "2026-10-26T02:30+01:00",
                "2026-10-27T02:30+01:00"
            ]
        );
    }

    #[test]
    fn new_york_spring_gap_and_interval_jobs() {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        assert_eq!(
            fires("30 2 * * *", "America/New_York", "2026-03-07T12:00:00Z", 2),
            ["2026-03-08T03:00-04:00", "2026-03-09T02:30-04:00"]
        );
        // An every-30-minutes job has no times inside the gap.
        assert_eq!(
            fires("*/30 * * * *", "America/New_York", "2026-03-08T06:15:00Z", 3),
            [
                "2026-03-08T01:30-05:00",
                "2026-03-08T03:00-04:00",
                "2026-03-08T03:30-04:00"
            ]
        );
    }

    #[test]
    fn new_york_autumn_repeat() {
        // 2026-11-01: 02:00 EDT goes back to 01:00 EST; 01:30 happens twice.
        assert_eq!(
            fires("30 1 * * *", "America/New_York", "2026-10-31T12:00:00Z", 2),
            ["2026-11-01T01:30-04:00", "2026-11-02T01:30-05:00"]
        );
        // An hourly job fires at both 01:30s.
        assert_eq!(
            fires("30 * * * *", "America/New_York", "2026-11-01T04:45:00Z", 3),
            [
                "2026-11-01T01:30-04:00",
                "2026-11-01T01:30-05:00",
                "2026-11-01T02:30-05:00"
            ]
        );
    }

    fn due(catchup: CatchUp, since: &str, now: &str) -> Vec<String> {
        let schedule = IrSchedule {
            cron: "0 * * * *".into(),
            zone: "Europe/Amsterdam".into(),
            catchup,
            span: Span::default(),
        };
        let since: Timestamp = since.parse().expect("timestamp");
        let now: Timestamp = now.parse().expect("timestamp");
        due_fire_times(&schedule, since, now)
            .expect("due times")
            .iter()
            .map(|z| z.strftime("%H:%M%:z").to_string())
            .collect()
    }

    #[test]
    fn catch_up_policies_pick_the_missed_times() {
        // Served until 09:10 UTC, back at 13:00 UTC: 10:00, 11:00, 12:00 and 13:00 UTC
        // (11:00 … 14:00 in Amsterdam, CET+1 in January) were due.
        let (since, now) = ("2026-01-10T09:10:00Z", "2026-01-10T13:00:00Z");
        assert!(due(CatchUp::None, since, now).is_empty());
        assert_eq!(due(CatchUp::Last, since, now), ["14:00+01:00"]);
        assert_eq!(
            due(CatchUp::All { max: 3 }, since, now),
            ["12:00+01:00", "13:00+01:00", "14:00+01:00"]
        );
        assert_eq!(
            due(CatchUp::All { max: 10 }, since, now),
            ["11:00+01:00", "12:00+01:00", "13:00+01:00", "14:00+01:00"]
        );
        // Nothing was missed.
        assert!(due(CatchUp::Last, "2026-01-10T13:00:00Z", "2026-01-10T13:30:00Z").is_empty());
    }

    #[test]
    fn catch_up_after_a_long_outage_is_bounded() {
        // An every-minute schedule missed for ten years: the latest two, found quickly.
        let schedule = IrSchedule {
            cron: "* * * * *".into(),
            zone: "UTC".into(),
            catchup: CatchUp::All { max: 2 },
            span: Span::default(),
        };
        let since: Timestamp = "2016-01-01T00:00:00Z".parse().expect("timestamp");
        let now: Timestamp = "2026-01-01T00:00:30Z".parse().expect("timestamp");
        let got: Vec<String> = due_fire_times(&schedule, since, now)
            .expect("due")
            .iter()
            .map(|z| z.strftime("%Y-%m-%d %H:%M").to_string())
            .collect();
        assert_eq!(got, ["2025-12-31 23:59", "2026-01-01 00:00"]);
    }

    #[test]
    fn errors_are_reported() {
        let t: Timestamp = "2026-01-01T00:00:00Z".parse().expect("timestamp");
        assert!(matches!(
            next_fire_times("0 0 * * *", "Mars/Olympus", t, 1),
            Err(ScheduleError::Zone(_))
        ));
        assert!(matches!(
            next_fire_times("0 0 30 2 *", "UTC", t, 1),
            Err(ScheduleError::Cron { .. })
        ));
    }
}
