//! Dutch local time (Europe/Amsterdam) without a time-zone database: CET (UTC+1), and CEST
//! (UTC+2) from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC, the
//! EU rule in force since 1996. Times are stored in UTC and shown in Dutch time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};

fn last_sunday_1am_utc(year: i32, month: u32) -> Option<DateTime<Utc>> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }?;
    let mut d = first_next.pred_opt()?;
    while d.weekday() != Weekday::Sun {
        d = d.pred_opt()?;
    }
    Some(d.and_hms_opt(1, 0, 0)?.and_utc())
}

/// The offset of Dutch time from UTC at a moment, in hours (1 or 2).
pub fn offset_hours(t: DateTime<Utc>) -> i64 {
    match (
        last_sunday_1am_utc(t.year(), 3),
        last_sunday_1am_utc(t.year(), 10),
    ) {
        (Some(start), Some(end)) if t >= start && t < end => 2,
        _ => 1,
    }
}

/// A UTC moment in Dutch time.
pub fn to_local(t: DateTime<Utc>) -> NaiveDateTime {
    (t + Duration::hours(offset_hours(t))).naive_utc()
}

/// The UTC moment at which a Dutch calendar day begins (00:00 local).
pub fn start_of_day(d: NaiveDate) -> DateTime<Utc> {
    let naive = d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    // Transitions happen at 01:00 UTC, never around local midnight: the offset two hours
    // before is the offset at midnight.
    naive - Duration::hours(offset_hours(naive - Duration::hours(2)))
}

/// The UTC moment of a Dutch wall-clock time. In the hour that repeats when summer time ends,
/// the first (summer time) moment; a time that does not exist (the skipped hour) reads as winter
/// time.
pub fn from_local(local: NaiveDateTime) -> DateTime<Utc> {
    let naive = local.and_utc();
    for offset in [2, 1] {
        let candidate = naive - Duration::hours(offset);
        if offset_hours(candidate) == offset {
            return candidate;
        }
    }
    naive - Duration::hours(1)
}

/// "dd-mm-jjjj uu:mm" in Dutch time.
pub fn format_local(t: DateTime<Utc>) -> String {
    to_local(t).format("%d-%m-%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_go_back_to_utc() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap_or_default();
        assert_eq!(
            from_local(at("2026-03-02 14:30")),
            utc("2026-03-02T13:30:00Z")
        );
        assert_eq!(
            from_local(at("2026-07-01 09:00")),
            utc("2026-07-01T07:00:00Z")
        );
        // Around the changes.
        assert_eq!(
            from_local(at("2026-03-29 03:30")),
            utc("2026-03-29T01:30:00Z")
        );
        assert_eq!(
            from_local(at("2026-10-25 02:30")),
            utc("2026-10-25T00:30:00Z")
        );
        for s in ["2026-01-15 08:00", "2026-06-15 23:59", "2026-12-31 23:30"] {
            assert_eq!(format_local(from_local(at(s))).len(), 16);
            assert_eq!(to_local(from_local(at(s))), at(s));
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default()
    }

    #[test]
    fn summer_time_starts_and_ends_at_one_utc() {
        // 2026: summer time from 29 March to 25 October.
        assert_eq!(offset_hours(utc("2026-03-29T00:59:59Z")), 1);
        assert_eq!(offset_hours(utc("2026-03-29T01:00:00Z")), 2);
        assert_eq!(offset_hours(utc("2026-10-25T00:59:59Z")), 2);
        assert_eq!(offset_hours(utc("2026-10-25T01:00:00Z")), 1);
        assert_eq!(offset_hours(utc("2026-12-31T23:30:00Z")), 1);
        assert_eq!(
            format_local(utc("2026-12-31T23:30:00Z")),
            "01-01-2027 00:30"
        );
        assert_eq!(
            format_local(utc("2026-07-01T10:00:00Z")),
            "01-07-2026 12:00"
        );
    }

    #[test]
    fn days_begin_at_local_midnight() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(start_of_day(day(2026, 1, 15)), utc("2026-01-14T23:00:00Z"));
        assert_eq!(start_of_day(day(2026, 7, 15)), utc("2026-07-14T22:00:00Z"));
        // The days of the change itself.
        assert_eq!(start_of_day(day(2026, 3, 29)), utc("2026-03-28T23:00:00Z"));
        assert_eq!(start_of_day(day(2026, 3, 30)), utc("2026-03-29T22:00:00Z"));
        assert_eq!(start_of_day(day(2026, 10, 25)), utc("2026-10-24T22:00:00Z"));
        assert_eq!(start_of_day(day(2026, 10, 26)), utc("2026-10-25T23:00:00Z"));
    }
}
