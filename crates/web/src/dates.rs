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
