//! Words several areas' pages share (the state of a zorgplicht term, …), in Dutch.

use crate::dates::{long, today};
use passend_domain::zorgplicht::{Aanmelding, TermPolicy, TermState};
use passend_store::zorgplicht::AanmeldingRow;

pub fn domain_of(a: &AanmeldingRow) -> Aanmelding {
    Aanmelding {
        received_on: a.received_on,
        desired_start: a.desired_start,
        extension: a
            .extension_weeks
            .zip(a.extension_told_on)
            .map(|(w, d)| (u8::try_from(w).unwrap_or(0), d)),
        decided_on: a.decided_on,
        enrolled_elsewhere: a.enrolled_elsewhere_on.is_some(),
    }
}

pub fn state_words(policy: &TermPolicy, a: &Aanmelding) -> (String, bool) {
    match a.state(policy, today()) {
        TermState::Decided => ("Besluit genomen".to_owned(), false),
        TermState::Open { due } => (format!("Open, beslis uiterlijk {}", long(due)), false),
        TermState::Overdue { due } => (format!("Termijn verlopen op {}", long(due)), true),
        TermState::TemporaryEnrolment { since } => {
            (format!("Tijdelijk inschrijven vanaf {}", long(since)), true)
        }
    }
}
