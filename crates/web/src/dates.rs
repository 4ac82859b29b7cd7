//! Dates as pages and letters write them: the Dutch day, long dates with the weekday, moments
//! in Dutch time.

use chrono::{NaiveDate, Utc};

/// Today in the Netherlands.
pub fn today() -> NaiveDate {
    passend_domain::time::to_local(Utc::now()).date()
}

/// "maandag 13 april 2026": dates in the work area carry their weekday, so a term that ends in
/// a weekend shows it.
pub fn long(d: NaiveDate) -> String {
    crate::texts::public::long_date_with_weekday(
        crate::texts::public::ui(passend_domain::Lang::Nl),
        d,
    )
}

/// A date or a dash.
pub fn long_or(d: Option<NaiveDate>, none: &str) -> String {
    d.map(long).unwrap_or_else(|| none.to_owned())
}

/// Date and time as people read it, in Dutch local time.
pub fn when(t: chrono::DateTime<Utc>) -> String {
    passend_domain::time::format_local(t)
}

/// A meeting's moment as an invitation says it, in Dutch local time: "maandag 14 december
/// 2026, 14.30 uur".
pub fn meeting_when(t: chrono::DateTime<Utc>) -> String {
    let local = passend_domain::time::to_local(t);
    format!("{}, {} uur", long(local.date()), local.format("%H.%M"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_meeting_is_said_with_its_weekday_and_the_dutch_time() {
        // 13:30 UTC in winter is 14:30 in the Netherlands.
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-14T13:30:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            super::meeting_when(at),
            "maandag 14 december 2026, 14.30 uur"
        );
    }
}
