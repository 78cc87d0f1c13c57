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

/// Ticks looked at, at most, to find what was missed (a `* * * * *` schedule down for a
/// year has half a million; only the policy's few are kept, so memory stays bounded).
const MAX_SCAN: usize = 1_000_000;

/// What is due at `now`: the ticks after `after` (the last tick fired, or when the trigger
/// was first seen) up to `now`, as the catch-up policy keeps them, and how many it skipped.
/// The tick that is due right now (within `on_time` of it) always fires: catch-up governs
/// only ticks missed while no `serve` was running.
pub fn due(
    schedule: &dyn Next,
    after: Timestamp,
    now: Timestamp,
    policy: Catchup,
    on_time: jiff::SignedDuration,
) -> (Vec<Timestamp>, u64) {
    let mut missed: std::collections::VecDeque<Timestamp> = std::collections::VecDeque::new();
    let keep = match policy {
        Catchup::None => 0,
        Catchup::Last => 1,
        Catchup::All(n) => n as usize,
    };
    let mut skipped = 0u64;
    let mut current = None;
    let mut at = after;
    for _ in 0..MAX_SCAN {
        let Some(next) = schedule.next_after(at) else {
            break;
        };
        if next > now || next <= at {
            break;
        }
        at = next;
        if now.duration_since(next) <= on_time {
            // Due now (not missed); a later tick within the window replaces it.
            if let Some(prev) = current.replace(next) {
                missed.push_back(prev);
            }
        } else {
            missed.push_back(next);
        }
        while missed.len() > keep {
            missed.pop_front();
            skipped += 1;
        }
    }
    let mut out: Vec<Timestamp> = missed.into_iter().collect();
    out.extend(current);
    (out, skipped)
}

/// A fire time as the store keeps it (RFC 3339, UTC, sortable as text).
#[must_use]
pub fn tick_text(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}
