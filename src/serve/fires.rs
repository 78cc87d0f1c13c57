//! When a schedule fires: the next fire times after an instant, and which missed fires to
//! make up for when `serve` starts again (the catch-up policy). The clock is a parameter,
//! so the tests run on any instant, zone and DST change.

use jiff::Timestamp;

use super::spec::Catchup;

/// The fire after `t` (strictly), or `None` when the schedule never fires again.
pub trait Next {
    fn next_after(&self, t: Timestamp) -> Option<Timestamp>;
}

/// The next `n` fire times after `t`.
pub fn upcoming(schedule: &dyn Next, t: Timestamp, n: usize) -> Vec<Timestamp> {
    let mut out = Vec::with_capacity(n);
    let mut at = t;
    while out.len() < n {
        let Some(next) = schedule.next_after(at) else {
            break;
        };
        if next <= at {
            break;
        }
        out.push(next);
        at = next;
    }
    out
}

/// Ticks looked at, at most, in one window.
const MAX_SCAN: usize = 200_000;

/// How far back missed ticks are looked for, widening until the policy has what it keeps
/// (a `* * * * *` schedule down for a year need not be walked minute by minute).
const WINDOWS: [jiff::SignedDuration; 5] = [
    jiff::SignedDuration::from_hours(1),
    jiff::SignedDuration::from_hours(24),
    jiff::SignedDuration::from_hours(24 * 32),
    jiff::SignedDuration::from_hours(24 * 366),
    jiff::SignedDuration::from_hours(24 * 366 * 10),
];

/// What is due at `now`.
#[derive(Debug, PartialEq, Eq)]
pub struct Due {
    /// The ticks to fire, oldest first: the missed ones the policy keeps, then the tick
    /// due right now (within `on_time`), if any.
    pub fire: Vec<Timestamp>,
    /// The latest missed tick the policy skips (recorded so it is not looked at again).
    pub last_skipped: Option<Timestamp>,
    /// How many missed ticks were skipped (at least; older ones are not counted when the
    /// schedule was down for long).
    pub skipped: u64,
}

/// What is due at `now`: the ticks after `after` (the last tick fired, or when the trigger
/// was first seen) up to `now`, as the catch-up policy keeps them. The tick that is due
/// right now (within `on_time` of it) always fires: catch-up governs only ticks missed
/// while no `serve` was running.
pub fn due(
    schedule: &dyn Next,
    after: Timestamp,
    now: Timestamp,
    policy: Catchup,
    on_time: jiff::SignedDuration,
) -> Due {
    let keep = match policy {
        Catchup::None => 0,
        Catchup::Last => 1,
        Catchup::All(n) => n as usize,
    };
    for window in WINDOWS.iter().map(Some).chain([None]) {
        let start = match window.and_then(|w| now.checked_sub(*w).ok()) {
            Some(s) if s > after => s,
            _ => after,
        };
        let (missed, current) = scan(schedule, start, now, on_time);
        if missed.len() < keep && start > after {
            continue;
        }
        let skipped_n = missed.len().saturating_sub(keep);
        let last_skipped = skipped_n.checked_sub(1).map(|i| missed[i]);
        let mut fire: Vec<Timestamp> = missed[skipped_n..].to_vec();
        fire.extend(current);
        return Due {
            fire,
            last_skipped,
            skipped: skipped_n as u64,
        };
    }
    Due {
        fire: Vec::new(),
        last_skipped: None,
        skipped: 0,
    }
}

/// The ticks in `(start, now]`: those missed, and the one due now (within `on_time`).
fn scan(
    schedule: &dyn Next,
    start: Timestamp,
    now: Timestamp,
    on_time: jiff::SignedDuration,
) -> (Vec<Timestamp>, Option<Timestamp>) {
    let mut missed = Vec::new();
    let mut current = None;
    let mut at = start;
    for _ in 0..MAX_SCAN {
        let Some(next) = schedule.next_after(at) else {
            break;
        };
        if next > now || next <= at {
            break;
        }
        at = next;
        if now.duration_since(next) <= on_time {
            if let Some(prev) = current.replace(next) {
                missed.push(prev);
            }
        } else {
            missed.push(next);
        }
    }
    (missed, current)
}

/// A fire time as the store keeps it (RFC 3339, UTC, sortable as text).
#[must_use]
pub fn tick_text(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, Timestamp};

    use super::{due, upcoming, Next};
    use crate::serve::spec::Catchup;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn cron(expr: &str, zone: &str) -> Box<dyn Next + Send + Sync> {
        crate::serve::schedule::of(expr, zone).unwrap()
    }

    fn texts(ts: &[Timestamp]) -> Vec<String> {
        ts.iter().map(ToString::to_string).collect()
    }

    const ON_TIME: SignedDuration = SignedDuration::from_secs(30);

    #[test]
    fn daily_fires_in_its_zone_across_the_spring_gap() {
        // Europe/Amsterdam springs forward on 2026-03-29 at 02:00 (to 03:00 CEST).
        let s = cron("30 2 * * *", "Europe/Amsterdam");
        let fires = upcoming(s.as_ref(), at("2026-03-27T12:00:00Z"), 4);
        assert_eq!(
            texts(&fires),
            [
                "2026-03-28T01:30:00Z", // 02:30 CET
                "2026-03-29T01:00:00Z", // 02:30 does not exist: once, right after the gap (03:00 CEST)
                "2026-03-30T00:30:00Z", // 02:30 CEST
                "2026-03-31T00:30:00Z",
            ]
        );
    }

    #[test]
    fn a_repeated_hour_fires_once_at_its_first_occurrence() {
        // Europe/Amsterdam falls back on 2026-10-25: 02:00–03:00 happens twice.
        let s = cron("30 2 * * *", "Europe/Amsterdam");
        let fires = upcoming(s.as_ref(), at("2026-10-24T12:00:00Z"), 2);
        assert_eq!(texts(&fires), ["2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"]);
        // Every 30 minutes: the repeated hour's times happen twice, so they fire twice.
        let s = cron("*/30 * * * *", "Europe/Amsterdam");
        let fires = upcoming(s.as_ref(), at("2026-10-24T23:45:00Z"), 4);
        assert_eq!(
            texts(&fires),
            [
                "2026-10-25T00:00:00Z",
                "2026-10-25T00:30:00Z",
                "2026-10-25T01:00:00Z",
                "2026-10-25T01:30:00Z"
            ]
        );
    }

    #[test]
    fn nine_oclock_is_nine_oclock_in_many_zones() {
        for zone in [
            "UTC",
            "America/New_York",
            "America/Sao_Paulo",
            "Asia/Kolkata",
            "Asia/Kathmandu",
            "Australia/Lord_Howe",
            "Pacific/Chatham",
            "Pacific/Kiritimati",
            "Europe/London",
        ] {
            let tz = jiff::tz::TimeZone::get(zone).unwrap();
            let s = cron("0 9 * * 1-5", zone);
            let fires = upcoming(s.as_ref(), at("2026-01-01T00:00:00Z"), 300);
            assert_eq!(fires.len(), 300, "{zone}");
            for f in &fires {
                let local = f.to_zoned_datetime(tz.clone());
                assert_eq!((local.hour(), local.minute()), (9, 0), "{zone}: {local}");
                assert!(
                    !matches!(
                        local.weekday(),
                        jiff::civil::Weekday::Saturday | jiff::civil::Weekday::Sunday
                    ),
                    "{zone}: {local}"
                );
            }
            assert!(fires.windows(2).all(|w| w[0] < w[1]), "{zone}");
        }
    }

    #[test]
    fn catchup_none_skips_what_was_missed_but_fires_the_tick_due_now() {
        let s = cron("* * * * *", "UTC");
        let d = due(
            s.as_ref(),
            at("2026-12-01T10:00:00Z"),
            at("2026-12-01T10:10:20Z"),
            Catchup::None,
            ON_TIME,
        );
        assert_eq!(texts(&d.fire), ["2026-12-01T10:10:00Z"]);
        assert_eq!(d.skipped, 9);
        assert_eq!(d.last_skipped, Some(at("2026-12-01T10:09:00Z")));
    }

    #[test]
    fn catchup_last_makes_up_for_the_latest_missed_tick() {
        let s = cron("* * * * *", "UTC");
        let d = due(
            s.as_ref(),
            at("2026-12-01T10:00:00Z"),
            at("2026-12-01T10:10:45Z"),
            Catchup::Last,
            ON_TIME,
        );
        // 10:10:00 is 45 s old: missed, not on time.
        assert_eq!(texts(&d.fire), ["2026-12-01T10:10:00Z"]);
        assert_eq!(d.skipped, 9);
        let d = due(
            s.as_ref(),
            at("2026-12-01T10:00:00Z"),
            at("2026-12-01T10:10:05Z"),
            Catchup::Last,
            ON_TIME,
        );
        assert_eq!(texts(&d.fire), ["2026-12-01T10:09:00Z", "2026-12-01T10:10:00Z"]);
        assert_eq!(d.skipped, 8);
    }

    #[test]
    fn catchup_all_keeps_at_most_n() {
        let s = cron("*/5 * * * *", "UTC");
        let d = due(
            s.as_ref(),
            at("2026-12-01T09:00:00Z"),
            at("2026-12-01T10:02:00Z"),
            Catchup::All(3),
            ON_TIME,
        );
        // 10:00 is two minutes old: missed too. 09:05–09:45 are skipped.
        assert_eq!(
            texts(&d.fire),
            ["2026-12-01T09:50:00Z", "2026-12-01T09:55:00Z", "2026-12-01T10:00:00Z"]
        );
        assert_eq!(d.skipped, 9);
        let d = due(
            s.as_ref(),
            at("2026-12-01T09:50:00Z"),
            at("2026-12-01T10:02:00Z"),
            Catchup::All(30),
            ON_TIME,
        );
        assert_eq!(texts(&d.fire), ["2026-12-01T09:55:00Z", "2026-12-01T10:00:00Z"]);
        assert_eq!(d.skipped, 0);
        assert_eq!(d.last_skipped, None);
    }

    #[test]
    fn nothing_is_due_between_ticks_and_a_fired_tick_is_not_due_again() {
        let s = cron("* * * * *", "UTC");
        let d = due(
            s.as_ref(),
            at("2026-12-01T10:09:00Z"),
            at("2026-12-01T10:09:40Z"),
            Catchup::Last,
            ON_TIME,
        );
        assert!(d.fire.is_empty() && d.skipped == 0, "{d:?}");
        let d = due(
            s.as_ref(),
            at("2026-12-01T10:10:00Z"),
            at("2026-12-01T10:10:01Z"),
            Catchup::All(5),
            ON_TIME,
        );
        assert!(d.fire.is_empty(), "{d:?}");
    }

    #[test]
    fn catchup_across_a_dst_change_counts_real_instants() {
        // Down over the fall-back night in New York (2026-11-01, 02:00 EDT → 01:00 EST):
        // hourly at :15 has 01:15 twice; both are missed instants.
        let s = cron("15 * * * *", "America/New_York");
        let d = due(
            s.as_ref(),
            at("2026-11-01T04:00:00Z"),
            at("2026-11-01T08:00:00Z"),
            Catchup::All(10),
            ON_TIME,
        );
        assert_eq!(
            texts(&d.fire),
            [
                "2026-11-01T04:15:00Z",
                "2026-11-01T05:15:00Z",
                "2026-11-01T06:15:00Z",
                "2026-11-01T07:15:00Z"
            ]
        );
    }

    #[test]
    fn a_year_down_is_not_walked_minute_by_minute() {
        let s = cron("* * * * *", "UTC");
        let started = std::time::Instant::now();
        let d = due(
            s.as_ref(),
            at("2025-12-01T10:00:00Z"),
            at("2026-12-01T10:00:30Z"),
            Catchup::All(2),
            ON_TIME,
        );
        // The two latest missed, and the tick due now.
        assert_eq!(
            texts(&d.fire),
            ["2026-12-01T09:58:00Z", "2026-12-01T09:59:00Z", "2026-12-01T10:00:00Z"]
        );
        assert!(d.skipped >= 57, "{d:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
        // A yearly schedule, down for three years, still finds its last missed fire.
        let s = cron("0 0 1 1 *", "UTC");
        let d = due(
            s.as_ref(),
            at("2023-06-01T00:00:00Z"),
            at("2026-06-01T00:00:00Z"),
            Catchup::Last,
            ON_TIME,
        );
        assert_eq!(texts(&d.fire), ["2026-01-01T00:00:00Z"]);
        // Older misses beyond the window that had enough are not counted (a lower bound).
        assert!(d.skipped <= 2, "{d:?}");
    }
}
