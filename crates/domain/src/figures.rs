//! Figures for the board, the jaarverslag and the public: one rule for small numbers and the
//! statistics the dashboards compute from them. Nothing here knows where the numbers come from.
//!
//! The rule for small numbers ([`Cell`]): a count under [`SUPPRESS_BELOW`] is never shown, and
//! neither is a total that would give such a count away. Figures are built from fixed cells (a
//! month, a quarter, a school year; a school; a kind), and every total over cells goes through
//! [`Cell::total`], so subtracting two shown figures (two periods, two filters) never pins a
//! hidden count down. Statistics over a group (a median, a share) are shown only for groups of at
//! least [`SUPPRESS_BELOW`], and a share also hides when the part or the rest is a hidden count.
//!
//! Doorlooptijden ([`lead_times`]): from receipt and from complete (the end of the last
//! stand-still) to the decision, the share decided within the samenwerkingsverband's term and
//! within the Awb's 8 weeks, and how often and how long the term stood still.

use crate::tlv::{Suspension, awb_ceiling, suspended_days};
use chrono::NaiveDate;

/// Counts below this are not shown.
pub const SUPPRESS_BELOW: i64 = 5;

/// A count as a figure shows it: the count, or hidden because it is below [`SUPPRESS_BELOW`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    /// Shown.
    Count(i64),
    /// A total with hidden counts in it, rounded to a multiple of five.
    About(i64),
    /// Fewer than five (zero included), not shown.
    Suppressed,
}

impl Cell {
    /// The cell for a count.
    pub fn of(count: i64) -> Cell {
        if count < SUPPRESS_BELOW {
            Cell::Suppressed
        } else {
            Cell::Count(count)
        }
    }

    /// The cell for a sum of counts that are also shown on their own (a quarter of months, a
    /// theme's total, all themes in a month). Hidden below [`SUPPRESS_BELOW`], and also when
    /// exactly one part is hidden: the sum minus the parts shown would give that part away. A sum
    /// with hidden parts in it is rounded to a multiple of five, so that the difference between
    /// two totals (two periods, a year and its quarters) never pins one hidden count down either.
    /// A sum of shown parts only is exact: it follows from them anyway.
    pub fn total(parts: &[i64]) -> Cell {
        let hidden = parts.iter().filter(|n| **n < SUPPRESS_BELOW).count();
        let sum: i64 = parts.iter().sum();
        match hidden {
            0 => Cell::of(sum),
            1 => Cell::Suppressed,
            _ => {
                let rounded = (sum + SUPPRESS_BELOW / 2) / SUPPRESS_BELOW * SUPPRESS_BELOW;
                if sum < SUPPRESS_BELOW || rounded < SUPPRESS_BELOW {
                    Cell::Suppressed
                } else {
                    Cell::About(rounded)
                }
            }
        }
    }

    /// As shown in the report and its CSV.
    pub fn label(self) -> String {
        match self {
            Cell::Count(n) => n.to_string(),
            Cell::About(n) => format!("ca. {n}"),
            Cell::Suppressed => "< 5".to_owned(),
        }
    }
}

/// The median of a group of values (the mean of the two middle ones for an even count), or
/// `None` for a group smaller than [`SUPPRESS_BELOW`].
pub fn median(values: &[i64]) -> Option<f64> {
    let mut v = shown_group(values)?;
    v.sort_unstable();
    let n = v.len();
    // Day counts, far below 2^52: exact as floating point.
    Some(if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    })
}

/// The 90th percentile by the nearest-rank method (the smallest value with at least 90 % of the
/// group at or below it), or `None` for a group smaller than [`SUPPRESS_BELOW`].
pub fn percentile_90(values: &[i64]) -> Option<i64> {
    let mut v = shown_group(values)?;
    v.sort_unstable();
    let rank = (v.len() * 9).div_ceil(10);
    v.get(rank.saturating_sub(1)).copied()
}

fn shown_group(values: &[i64]) -> Option<Vec<i64>> {
    (values.len() as i64 >= SUPPRESS_BELOW).then(|| values.to_vec())
}

/// `part` of `whole` in percent, or `None` when that would show a small count: a whole under
/// [`SUPPRESS_BELOW`], or a part or a rest (whole minus part) between 1 and 4.
pub fn share(part: i64, whole: i64) -> Option<f64> {
    let small = |n: i64| n > 0 && n < SUPPRESS_BELOW;
    if whole < SUPPRESS_BELOW || small(part) || small(whole - part) || part > whole || part < 0 {
        return None;
    }
    Some(part as f64 * 100.0 / whole as f64)
}

/// One decided request as the doorlooptijden count it: received complete, decided (the date
/// of the letter), the samenwerkingsverband's term (as moved by stand-stills) and the
/// stand-stills (Awb 4:15).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecidedRequest {
    pub received_on: NaiveDate,
    pub decided_on: NaiveDate,
    pub due_on: NaiveDate,
    pub suspensions: Vec<Suspension>,
}

/// The doorlooptijden of a group of decided requests (one kind, one period). Every statistic
/// follows the rule for small numbers: `None` (shown as "–") for a group under
/// [`SUPPRESS_BELOW`], a share also when its part or rest is a hidden count.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadTimes {
    /// How many were decided.
    pub decided: Cell,
    /// Days from receipt to decision: median and 90th percentile.
    pub median_days: Option<f64>,
    pub p90_days: Option<i64>,
    /// Days from complete (the end of the last stand-still, or receipt) to decision: median.
    pub median_days_complete: Option<f64>,
    /// Share decided within the samenwerkingsverband's term, and within the Awb's 8 weeks.
    pub within_term: Option<f64>,
    pub within_awb: Option<f64>,
    /// Requests whose term stood still, and the median number of days it did.
    pub stood_still: Cell,
    pub median_days_still: Option<f64>,
}

fn days(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days()
}

/// The doorlooptijden of these decided requests.
pub fn lead_times(requests: &[DecidedRequest]) -> LeadTimes {
    let total = requests.len() as i64;
    let to_decision: Vec<i64> = requests
        .iter()
        .map(|r| days(r.received_on, r.decided_on))
        .collect();
    let complete_to_decision: Vec<i64> = requests
        .iter()
        .map(|r| {
            let complete = r
                .suspensions
                .iter()
                .filter_map(|s| s.until)
                .max()
                .map_or(r.received_on, |u| u.max(r.received_on));
            days(complete, r.decided_on)
        })
        .collect();
    let in_term = requests.iter().filter(|r| r.decided_on <= r.due_on).count() as i64;
    let in_awb = requests
        .iter()
        .filter(|r| r.decided_on <= awb_ceiling(r.received_on, &r.suspensions, r.decided_on))
        .count() as i64;
    let still: Vec<i64> = requests
        .iter()
        .map(|r| i64::try_from(suspended_days(&r.suspensions, r.decided_on)).unwrap_or(i64::MAX))
        .filter(|d| *d > 0)
        .collect();
    LeadTimes {
        decided: Cell::of(total),
        median_days: median(&to_decision),
        p90_days: percentile_90(&to_decision),
        median_days_complete: median(&complete_to_decision),
        within_term: share(in_term, total),
        within_awb: share(in_awb, total),
        stood_still: Cell::of(still.len() as i64),
        median_days_still: median(&still),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_total_never_gives_one_hidden_part_away() {
        // 5 + 1 + 6: shown as 12, the 1 would follow from the two shown months.
        assert_eq!(Cell::total(&[5, 1, 6]), Cell::Suppressed);
        // Two hidden parts: rounded, so neither their sum nor one of them follows exactly.
        assert_eq!(Cell::total(&[5, 1, 2]), Cell::About(10));
        assert_eq!(Cell::total(&[5, 1, 6, 5, 1, 2]), Cell::About(20));
        assert_eq!(Cell::About(20).label(), "ca. 20");
        // Nothing hidden: the exact sum of shown parts.
        assert_eq!(Cell::total(&[5, 6]), Cell::Count(11));
        // Sums under five stay hidden, also when rounding would make them five.
        assert_eq!(Cell::total(&[1, 2]), Cell::Suppressed);
        assert_eq!(Cell::total(&[2, 1, 1]), Cell::Suppressed);
        assert_eq!(Cell::total(&[2, 2, 1]), Cell::About(5));
        assert_eq!(Cell::total(&[]), Cell::Suppressed);
    }

    #[test]
    fn a_statistic_of_a_small_group_is_not_shown() {
        assert_eq!(median(&[3, 9, 1, 7]), None);
        assert_eq!(median(&[30, 10, 20, 50, 40]), Some(30.0));
        assert_eq!(median(&[10, 20, 30, 40, 50, 61]), Some(35.0));
        assert_eq!(percentile_90(&[1, 2, 3, 4]), None);
        // Ten values: the 9th smallest; eleven: the 10th.
        assert_eq!(percentile_90(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5]), Some(9));
        assert_eq!(
            percentile_90(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
            Some(10)
        );
        assert_eq!(percentile_90(&[4, 4, 4, 4, 4]), Some(4));
    }

    #[test]
    fn a_share_never_shows_a_small_part_or_rest() {
        assert_eq!(share(19, 20), None, "one late decision would show");
        assert_eq!(share(20, 20), Some(100.0));
        assert_eq!(share(0, 20), Some(0.0));
        assert_eq!(share(15, 20), Some(75.0));
        assert_eq!(share(4, 20), None);
        assert_eq!(share(3, 4), None);
        assert_eq!(share(21, 20), None);
    }

    /// Ten requests, received a week apart on Mondays from 5 January 2026, decided after these
    /// days; the first stood still from day 5 to day 15. Worked out by hand: receipt to decision
    /// sorted 20 25 30 35 40 45 50 55 60 70, median (40 + 45) / 2 = 42.5, 90th percentile the 9th
    /// value, 60. Complete to decision: the first is 5 instead of 20, median still 42.5. Within the
    /// term of six weeks (the first's moved on by 10 days): 20 30 40 35 25 → 5 of 10, 50 %. Within
    /// the Awb's 8 weeks: all but 60 and 70, so the rest is 2 and the share is hidden. One request
    /// stood still: hidden, and no median.
    #[test]
    fn lead_times_are_worked_out_by_hand() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap();
        let took = [20, 30, 40, 45, 50, 55, 60, 35, 25, 70];
        let requests: Vec<DecidedRequest> = took
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let received_on = start + chrono::Days::new(7 * i as u64);
                let suspensions = if i == 0 {
                    vec![Suspension {
                        from: received_on + chrono::Days::new(5),
                        until: Some(received_on + chrono::Days::new(15)),
                    }]
                } else {
                    Vec::new()
                };
                DecidedRequest {
                    received_on,
                    decided_on: received_on + chrono::Days::new(*d),
                    due_on: received_on + chrono::Days::new(42 + if i == 0 { 10 } else { 0 }),
                    suspensions,
                }
            })
            .collect();
        let l = lead_times(&requests);
        assert_eq!(l.decided, Cell::Count(10));
        assert_eq!(l.median_days, Some(42.5));
        assert_eq!(l.p90_days, Some(60));
        assert_eq!(l.median_days_complete, Some(42.5));
        assert_eq!(l.within_term, Some(50.0));
        assert_eq!(l.within_awb, None, "two late would show");
        assert_eq!(l.stood_still, Cell::Suppressed);
        assert_eq!(l.median_days_still, None);
        // Four requests: nothing about them is shown.
        let few = lead_times(&requests[..4]);
        assert_eq!(few.decided, Cell::Suppressed);
        assert_eq!(
            (few.median_days, few.p90_days, few.within_term),
            (None, None, None)
        );
    }
}
