//! The merchant's time zone (`OMS_TIMEZONE`): every time a person reads is
//! shown in it, and it decides where a day begins and ends (date filters,
//! reports). Times are stored and compared in UTC.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

/// An IANA time zone, e.g. `Asia/Shanghai`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShopZone(Tz);

impl Default for ShopZone {
    fn default() -> Self {
        ShopZone(Tz::Asia__Shanghai)
    }
}

impl ShopZone {
    /// The zone named `name` (exact IANA spelling), if there is one.
    pub fn parse(name: &str) -> Option<ShopZone> {
        name.trim().parse::<Tz>().ok().map(ShopZone)
    }

    /// Its IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// `at` as the local time, with the offset in force at that instant.
    pub fn local(self, at: DateTime<Utc>) -> DateTime<FixedOffset> {
        at.with_timezone(&self.0).fixed_offset()
    }

    /// The first instant of a local day: midnight, or the first minute
    /// after a daylight-saving gap that swallows midnight.
    pub fn day_start(self, date: NaiveDate) -> DateTime<Utc> {
        let midnight = date.and_time(NaiveTime::MIN);
        (0..=24 * 60)
            .step_by(15)
            .find_map(|m| {
                self.0
                    .from_local_datetime(&(midnight + Duration::minutes(m)))
                    .earliest()
            })
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    }

    /// A local day as `[start, end)` in UTC (23 to 25 hours long).
    pub fn day_bounds(self, date: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
        let next = date.succ_opt().unwrap_or(date);
        (self.day_start(date), self.day_start(next))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_default_is_shanghai_and_names_are_exact() {
        assert_eq!(ShopZone::default().name(), "Asia/Shanghai");
        assert_eq!(
            ShopZone::parse(" Europe/Berlin ").map(|z| z.name()),
            Some("Europe/Berlin")
        );
        for bad in ["", "Mars/Olympus", "CST+8", "asia/shanghai"] {
            assert_eq!(ShopZone::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn local_times_carry_the_offset_in_force_then() {
        let sh = ShopZone::default();
        assert_eq!(
            sh.local(utc("2026-11-29T13:56:00Z")).to_rfc3339(),
            "2026-11-29T21:56:00+08:00"
        );
        let berlin = ShopZone::parse("Europe/Berlin").unwrap();
        assert_eq!(
            berlin.local(utc("2026-01-15T12:00:00Z")).to_rfc3339(),
            "2026-01-15T13:00:00+01:00"
        );
        assert_eq!(
            berlin.local(utc("2026-07-15T12:00:00Z")).to_rfc3339(),
            "2026-07-15T14:00:00+02:00"
        );
    }

    #[test]
    fn days_begin_at_local_midnight() {
        let sh = ShopZone::default();
        assert_eq!(
            sh.day_bounds(date("2026-11-29")),
            (utc("2026-11-28T16:00:00Z"), utc("2026-11-29T16:00:00Z"))
        );
        // The day clocks go forward is 23 hours long.
        let berlin = ShopZone::parse("Europe/Berlin").unwrap();
        let (start, end) = berlin.day_bounds(date("2026-03-29"));
        assert_eq!(start, utc("2026-03-28T23:00:00Z"));
        assert_eq!(end - start, Duration::hours(23));
        // Where a gap swallows midnight, the day starts when clocks resume.
        let santiago = ShopZone::parse("America/Santiago").unwrap();
        let start = santiago.day_start(date("2026-09-06"));
        assert_eq!(santiago.local(start).format("%H:%M").to_string(), "01:00");
    }
}
