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

use chrono::{Datelike, NaiveDate, Weekday};

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

/// Koningsdag: 27 April, or 26 April when the 27th is a Sunday.
fn is_kings_day(d: NaiveDate) -> bool {
    d.month() == 4
        && ((d.day() == 27 && d.weekday() != Weekday::Sun)
            || (d.day() == 26 && d.weekday() == Weekday::Sat))
}

/// The day `offset` days after Easter Sunday of that day's year is `d`.
fn easter_plus(d: NaiveDate, offset: i64) -> bool {
    easter(d.year()).is_some_and(|e| e + chrono::Duration::days(offset) == d)
}

/// Whether a day is an algemeen erkende feestdag of the Algemene termijnenwet, or equal to one
/// by the law itself: art. 3 lid 1 names Nieuwjaarsdag, Tweede Paasdag, Hemelvaartsdag, Tweede
/// Pinksterdag, Eerste en Tweede Kerstdag, Koningsdag (27 April, or 26 April when the 27th is a
/// Sunday) and 5 May; lid 2 makes Goede Vrijdag equal to them.
pub fn is_feestdag(d: NaiveDate) -> bool {
    let fixed = matches!((d.month(), d.day()), (1, 1) | (12, 25) | (12, 26) | (5, 5));
    // Goede Vrijdag (−2), Tweede Paasdag (+1), Hemelvaartsdag (+39), Tweede Pinksterdag (+50).
    let movable = [-2i64, 1, 39, 50].iter().any(|o| easter_plus(d, *o));
    fixed || is_kings_day(d) || movable
}

/// Whether a day is made equal to a feestdag by koninklijk besluit (Atw art. 3 lid 3). The
/// government does so every three years, always in the same pattern, which this follows:
///
/// - the Friday after Hemelvaartsdag;
/// - the Friday after Nieuwjaarsdag, Koningsdag, 5 May or Tweede Kerstdag on a Thursday;
/// - the Monday before Nieuwjaarsdag, Koningsdag, 5 May or Eerste Kerstdag on a Tuesday;
/// - Wednesday 6 May when Hemelvaartsdag is 7 May (between 5 May and Hemelvaart).
///
/// UNCERTAIN: a besluit could depart from the pattern; check a new one when it appears
/// (docs/zorgplicht.md).
pub fn is_gelijkgestelde_dag(d: NaiveDate) -> bool {
    if easter_plus(d, 40) {
        return true;
    }
    if d.month() == 5 && d.day() == 6 && easter_plus(d, 38) {
        return true;
    }
    let bridged = |h: NaiveDate, christmas: (u32, u32)| {
        matches!((h.month(), h.day()), (1, 1) | (5, 5))
            || (h.month(), h.day()) == christmas
            || is_kings_day(h)
    };
    match d.weekday() {
        Weekday::Fri => d
            .pred_opt()
            .is_some_and(|h| h.weekday() == Weekday::Thu && bridged(h, (12, 26))),
        Weekday::Mon => d
            .succ_opt()
            .is_some_and(|h| h.weekday() == Weekday::Tue && bridged(h, (12, 25))),
        _ => false,
    }
}

/// Whether a term may not end on this day besides the weekend: a feestdag of the Atw or a day
/// made equal to one ([`is_feestdag`], [`is_gelijkgestelde_dag`]).
pub fn is_public_holiday(d: NaiveDate) -> bool {
    is_feestdag(d) || is_gelijkgestelde_dag(d)
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
        // Goede Vrijdag is equal to them (art. 3 lid 2); Koningsdag on a Sunday moves to
        // Saturday.
        assert!(is_feestdag(day(2026, 4, 3)));
        assert!(is_feestdag(day(2027, 3, 26)));
        assert!(is_public_holiday(day(2025, 4, 26)));
        assert!(!is_public_holiday(day(2025, 4, 27)));
        // Ordinary days stay ordinary: Maundy Thursday, Easter Monday's next day.
        assert!(!is_public_holiday(day(2026, 4, 2)));
        assert!(!is_public_holiday(day(2026, 4, 7)));
    }

    #[test]
    fn days_made_equal_by_royal_decree_follow_their_pattern() {
        // The Friday after Hemelvaart: 15 May 2026, 7 May 2027.
        assert!(is_gelijkgestelde_dag(day(2026, 5, 15)));
        assert!(is_gelijkgestelde_dag(day(2027, 5, 7)));
        // Koningsdag on Thursday 27 April 2028 → Friday 28 April; 5 May 2026 on a Tuesday →
        // Monday 4 May; Christmas 2029 on a Tuesday → Monday 24 December; Tweede Kerstdag 2024
        // on a Thursday → Friday 27 December; Nieuwjaarsdag 2026 on a Thursday → Friday 2
        // January.
        for d in [
            day(2028, 4, 28),
            day(2026, 5, 4),
            day(2029, 12, 24),
            day(2024, 12, 27),
            day(2026, 1, 2),
        ] {
            assert!(is_gelijkgestelde_dag(d), "{d}");
            assert!(is_public_holiday(d), "{d}");
        }
        // Hemelvaart on 7 May (2043): Wednesday 6 May too.
        assert_eq!(easter(2043), Some(day(2043, 3, 29)));
        assert!(is_gelijkgestelde_dag(day(2043, 5, 6)));
        assert!(is_gelijkgestelde_dag(day(2043, 5, 8)));
        assert!(!is_gelijkgestelde_dag(day(2026, 5, 6)));
        // No bridge without a holiday on Thursday or Tuesday: Friday 4 December 2026, Monday 7
        // December 2026.
        assert!(!is_gelijkgestelde_dag(day(2026, 12, 4)));
        assert!(!is_gelijkgestelde_dag(day(2026, 12, 7)));
        // A term ending on Goede Vrijdag 2026 runs on past Easter to Tuesday 7 April.
        assert_eq!(term_end(day(2026, 4, 3)), day(2026, 4, 7));
        // One ending on Thursday 14 May 2026 (Hemelvaart) runs on past Friday to Monday 18 May.
        assert_eq!(term_end(day(2026, 5, 14)), day(2026, 5, 18));
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
