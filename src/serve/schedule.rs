//! A `schedule` clause as fire times: its cron expression read in its time zone, by the
//! IR's one schedule search ([`crate::ir::next_fire_times`], DST as Unix cron).

use jiff::Timestamp;

use super::fires::Next;

struct Cron {
    cron: String,
    zone: String,
}

impl Next for Cron {
    fn next_after(&self, t: Timestamp) -> Option<Timestamp> {
        crate::ir::next_fire_times(&self.cron, &self.zone, t, 1)
            .ok()?
            .first()
            .map(jiff::ZonedDateTime::timestamp)
    }
}

/// The schedule, or `None` when it cannot be read (the checker reports such clauses).
pub fn of(cron: &str, zone: &str) -> Option<Box<dyn Next + Send + Sync>> {
    crate::ir::next_fire_times(cron, zone, Timestamp::now(), 1).ok()?;
    Some(Box::new(Cron {
        cron: cron.to_string(),
        zone: zone.to_string(),
    }))
}
