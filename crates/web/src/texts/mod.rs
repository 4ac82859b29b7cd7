//! The one home of interface texts, per audience and language. Page content lives in the
//! database; these are the words around it. Each audience has one table with its languages side
//! by side (a struct per language, so a missing translation does not compile):
//! - [`public`]: the public site and the voorzieningenkaart (Dutch, English);
//! - [`guide`]: the questions of "Wat kan ik doen?" and where they lead (Dutch, English);
//! - [`portal`]: the parents' portal and its mails (Dutch, English);
//! - [`steunpunt`]: the Oudersteunpunt's contact form and mail (Dutch, English);
//! - [`staff`]: what the staff pages say after an action (Dutch; English comes with the English
//!   staff pages, as a second column of the same table).
//!
//! Below: words several areas' pages share (the state of a zorgplicht term, …), in Dutch.

pub mod guide;
pub mod portal;
pub mod public;
pub mod staff;
pub mod steunpunt;

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
