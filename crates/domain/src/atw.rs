//! The Algemene termijnenwet (Atw): a term set in a law that ends on a Saturday, a Sunday or an
//! algemeen erkende feestdag runs on to the next day that is none of these (art. 1). It applies
//! to every statutory term Passend computes:
//!
//! - bezwaar against a decision, 6 weeks after it was sent (Awb 6:7, 6:8);
//! - beroep against a beslissing op bezwaar, 6 weeks after it was sent (Awb 6:7);
//! - the Awb's ceiling for a decision without a statutory term, 8 weeks (Awb 4:13);
//! - the decision on a bezwaar, 12 weeks after the bezwaar term ended (Awb 7:10);
//! - the zorgplicht's 6 weeks after a written registration, the extension of at most 4 weeks,
//!   and the 10 weeks after which a child is enrolled temporarily (WPO art. 40 lid 4–5).
//!
//! A samenwerkingsverband's own, shorter term (the TLV decision term it promises) is policy, not
//! law, and is not moved.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Easter Sunday of a year (the Gregorian computus).
pub fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
}

/// Whether a day is an algemeen erkende feestdag of the Algemene termijnenwet (art. 3):
/// Nieuwjaarsdag, Tweede Paasdag, Hemelvaartsdag, Tweede Pinksterdag, Eerste en Tweede
/// Kerstdag, Koningsdag (27 April, or 26 April when the 27th is a Sunday) and 5 May.
pub fn is_public_holiday(d: NaiveDate) -> bool {
    let (m, day) = (d.month(), d.day());
    let fixed = matches!((m, day), (1, 1) | (12, 25) | (12, 26) | (5, 5));
    let kings_day = m == 4
        && ((day == 27 && d.weekday() != chrono::Weekday::Sun)
            || (day == 26 && d.weekday() == chrono::Weekday::Sat));
    let movable = easter(d.year()).is_some_and(|e| {
        [1u64, 39, 50]
            .iter()
            .any(|offset| e.checked_add_days(Days::new(*offset)) == Some(d))
    });
    fixed || kings_day || movable
}

/// The day itself, or the first day after it that is no Saturday, Sunday or public holiday.
pub fn next_working_day(mut d: NaiveDate) -> NaiveDate {
    while matches!(d.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) || is_public_holiday(d)
    {
        match d.succ_opt() {
            Some(next) => d = next,
            None => break,
        }
    }
    d
}

/// The end of a statutory term as the Atw makes it: `end` itself, or the next working day
/// (art. 1). The same as [`next_working_day`], named for what callers mean.
pub fn term_end(end: NaiveDate) -> NaiveDate {
    next_working_day(end)
}

/// The Dutch name of a weekday, as dates are written in letters and on pages
/// ("maandag 7 december 2026").
pub fn weekday_nl(d: NaiveDate) -> &'static str {
    match d.weekday() {
        Weekday::Mon => "maandag",
        Weekday::Tue => "dinsdag",
        Weekday::Wed => "woensdag",
        Weekday::Thu => "donderdag",
        Weekday::Fri => "vrijdag",
        Weekday::Sat => "zaterdag",
        Weekday::Sun => "zondag",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn holidays_of_the_atw() {
        assert_eq!(easter(2026), Some(day(2026, 4, 5)));
        assert_eq!(easter(2027), Some(day(2027, 3, 28)));
        assert_eq!(easter(2000), Some(day(2000, 4, 23)));
        // 2026: Easter 5 April, so Tweede Paasdag 6 April, Hemelvaart 14 May, Tweede
        // Pinksterdag 25 May; Koningsdag on Monday 27 April; 5 May every year.
        for d in [
            day(2026, 1, 1),
            day(2026, 4, 6),
            day(2026, 4, 27),
            day(2026, 5, 5),
            day(2026, 5, 14),
            day(2026, 5, 25),
            day(2026, 12, 25),
            day(2026, 12, 26),
        ] {
            assert!(is_public_holiday(d), "{d}");
        }
        // Goede Vrijdag is no holiday of the Atw; Koningsdag on a Sunday moves to Saturday.
        assert!(!is_public_holiday(day(2026, 4, 3)));
        assert!(is_public_holiday(day(2025, 4, 26)));
        assert!(!is_public_holiday(day(2025, 4, 27)));
    }

    #[test]
    fn a_term_ending_in_a_weekend_or_on_a_holiday_runs_on() {
        // Sunday 6 December 2026 → Monday 7 December.
        assert_eq!(term_end(day(2026, 12, 6)), day(2026, 12, 7));
        // Christmas 2026 (Friday, Saturday) and the Sunday after → Monday 28 December.
        assert_eq!(term_end(day(2026, 12, 25)), day(2026, 12, 28));
        // A Tuesday stays.
        assert_eq!(term_end(day(2026, 12, 8)), day(2026, 12, 8));
        assert_eq!(weekday_nl(day(2026, 12, 7)), "maandag");
    }
}
