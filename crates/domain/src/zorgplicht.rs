//! Zorgplicht: the terms a school board has after parents register a child in writing
//! (`../shared/domain.md` §2, WPO art. 40 lid 4–5).
//!
//! - The board decides within **6 weeks** after it received the written registration.
//! - It may extend that **once**, by **at most 4 weeks**, telling the parents in writing.
//! - With no decision after **10 weeks**, a child not enrolled elsewhere is enrolled
//!   temporarily until the decision, unless the parents registered less than 10 weeks before
//!   the desired start.
//! - Terms run in calendar weeks from the receipt: holidays do not pause them (practice; the law
//!   is silent, domain.md marks it UNCERTAIN). A samenwerkingsverband that counts otherwise can
//!   give pause periods in [`TermPolicy`] (`PASSEND_ZORGPLICHT_PAUZES`); the default has none.
//! - These terms are set in a law, so the Algemene termijnenwet applies (art. 1): a term that
//!   ends on a Saturday, Sunday or public holiday runs on to the next working day. A
//!   registration received on Sunday 25 October 2026 is due on Monday 7 December 2026, not on
//!   Sunday 6 December.

use chrono::{Duration, NaiveDate};

/// Weeks to decide after receipt.
pub const DECISION_WEEKS: i64 = 6;
/// The one extension, at most.
pub const MAX_EXTENSION_WEEKS: u8 = 4;
/// After this many weeks without a decision, temporary enrolment.
pub const TEMPORARY_ENROLMENT_WEEKS: i64 = 10;
/// Parents register at least this many weeks before the desired start for the school to be
/// bound to enrol temporarily.
pub const REGISTER_BEFORE_WEEKS: i64 = 10;

/// How terms are counted: calendar weeks, optionally paused during given periods (inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TermPolicy {
    /// Periods that do not count (default: none; holidays do not pause the term).
    pub pauses: Vec<(NaiveDate, NaiveDate)>,
}

/// Why a list of pause periods could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PausesProblem(pub String);

impl std::fmt::Display for PausesProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TermPolicy {
    /// Reads pause periods as configured: `2026-12-19..2027-01-03,2027-07-18..2027-08-30`
    /// (first and last day, both paused). Empty: no pauses. A period that ends before it starts,
    /// or one longer than a year, is refused: it looks like a typing error, and it would stop
    /// every term.
    pub fn parse(text: &str) -> Result<TermPolicy, PausesProblem> {
        let mut pauses = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = part.split_once("..").ok_or_else(|| {
                PausesProblem(format!(
                    "'{part}': schrijf een periode als 2026-12-19..2027-01-03"
                ))
            })?;
            let read = |d: &str| {
                NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").map_err(|_| {
                    PausesProblem(format!("'{}' is geen datum (JJJJ-MM-DD)", d.trim()))
                })
            };
            let (from, until) = (read(a)?, read(b)?);
            if until < from {
                return Err(PausesProblem(format!(
                    "'{part}': het einde ligt voor het begin"
                )));
            }
            if (until - from).num_days() > 366 {
                return Err(PausesProblem(format!(
                    "'{part}': een pauze van meer dan een jaar"
                )));
            }
            pauses.push((from, until));
        }
        Ok(TermPolicy { pauses })
    }

    /// `weeks` after `start`, moved on by every paused day that falls inside the term.
    pub fn add_weeks(&self, start: NaiveDate, weeks: i64) -> NaiveDate {
        let mut end = start + Duration::weeks(weeks);
        let mut counted = std::collections::BTreeSet::new();
        loop {
            let extra = self
                .pauses
                .iter()
                .flat_map(|(a, b)| a.iter_days().take_while(move |d| d <= b))
                .filter(|d| *d > start && *d <= end && counted.insert(*d))
                .count();
            if extra == 0 {
                return end;
            }
            end += Duration::days(i64::try_from(extra).unwrap_or(0));
        }
    }
}

/// Why an extension is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtensionProblem {
    /// Zero weeks, or more than four.
    Weeks,
    /// The term was extended before (once only).
    AlreadyExtended,
    /// The parents must be told before the 6 weeks end.
    TooLate,
}

impl ExtensionProblem {
    /// The message for the form.
    pub fn message_nl(self) -> &'static str {
        match self {
            ExtensionProblem::Weeks => "Verlengen kan met 1 tot en met 4 weken.",
            ExtensionProblem::AlreadyExtended => {
                "De termijn is al een keer verlengd; dat kan maar één keer."
            }
            ExtensionProblem::TooLate => {
                "De ouders moeten de verlenging schriftelijk krijgen vóór de zes weken om zijn."
            }
        }
    }
}

/// A written registration (aanmelding) as far as the terms need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Aanmelding {
    /// The day the school received the written registration.
    pub received_on: NaiveDate,
    /// The start date the parents want.
    pub desired_start: NaiveDate,
    /// The extension: weeks, and the day the parents were told in writing.
    pub extension: Option<(u8, NaiveDate)>,
    /// The decision, if taken.
    pub decided_on: Option<NaiveDate>,
    /// The child is enrolled at another school.
    pub enrolled_elsewhere: bool,
}

/// What happened to a registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Admitted, with the support the child needs.
    Admitted,
    /// Placed at another school that can offer the support and will admit the child.
    PlacedElsewhere,
    /// Zorgplicht does not apply.
    NotApplicable(NoZorgplicht),
}

/// Why zorgplicht does not apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoZorgplicht {
    /// The school is full (a policy that applies to every pupil).
    SchoolFull,
    /// The parents do not respect the school's grondslag.
    Grondslag,
    /// The child does not meet a specific profile's admission requirements.
    AdmissionRequirements,
    /// A registration at a cluster 1 or 2 school.
    Cluster12,
    /// This school is not the parents' first preference.
    NotFirstPreference,
}

impl Outcome {
    /// Stored code of the outcome (the reason is stored apart).
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Admitted => "toegelaten",
            Outcome::PlacedElsewhere => "andere-school",
            Outcome::NotApplicable(_) => "geen-zorgplicht",
        }
    }

    /// Reads a stored outcome and reason.
    pub fn from_codes(outcome: &str, reason: Option<&str>) -> Option<Outcome> {
        match outcome {
            "toegelaten" => Some(Outcome::Admitted),
            "andere-school" => Some(Outcome::PlacedElsewhere),
            "geen-zorgplicht" => reason
                .and_then(NoZorgplicht::from_code)
                .map(Outcome::NotApplicable),
            _ => None,
        }
    }

    /// Dutch label.
    pub fn label_nl(self) -> String {
        match self {
            Outcome::Admitted => "Toegelaten, met de ondersteuning die nodig is".to_owned(),
            Outcome::PlacedElsewhere => {
                "Geplaatst op een andere school die de ondersteuning kan bieden en de leerling toelaat"
                    .to_owned()
            }
            Outcome::NotApplicable(r) => format!("Geen zorgplicht: {}", r.label_nl()),
        }
    }
}

impl NoZorgplicht {
    /// Every reason, in form order.
    pub const ALL: [NoZorgplicht; 5] = [
        NoZorgplicht::SchoolFull,
        NoZorgplicht::Grondslag,
        NoZorgplicht::AdmissionRequirements,
        NoZorgplicht::Cluster12,
        NoZorgplicht::NotFirstPreference,
    ];

    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            NoZorgplicht::SchoolFull => "vol",
            NoZorgplicht::Grondslag => "grondslag",
            NoZorgplicht::AdmissionRequirements => "toelatingseisen",
            NoZorgplicht::Cluster12 => "cluster-1-2",
            NoZorgplicht::NotFirstPreference => "geen-eerste-voorkeur",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<NoZorgplicht> {
        NoZorgplicht::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Dutch label.
    pub fn label_nl(self) -> &'static str {
        match self {
            NoZorgplicht::SchoolFull => {
                "de school is vol (volgens een toelatingsbeleid dat voor alle leerlingen geldt)"
            }
            NoZorgplicht::Grondslag => "de ouders onderschrijven de grondslag van de school niet",
            NoZorgplicht::AdmissionRequirements => {
                "de leerling voldoet niet aan de toelatingseisen van een specifiek profiel"
            }
            NoZorgplicht::Cluster12 => "aanmelding bij een school voor cluster 1 of 2",
            NoZorgplicht::NotFirstPreference => {
                "deze school is niet de eerste voorkeur; de zorgplicht ligt bij die school"
            }
        }
    }
}

/// Where the terms of a registration stand on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermState {
    /// Decided.
    Decided,
    /// Open; the decision is due on this day.
    Open {
        /// Due.
        due: NaiveDate,
    },
    /// The (extended) term passed without a decision, before the 10-week point.
    Overdue {
        /// Was due.
        due: NaiveDate,
    },
    /// 10 weeks passed without a decision: the child must be enrolled temporarily.
    TemporaryEnrolment {
        /// Since.
        since: NaiveDate,
    },
}

impl Aanmelding {
    /// The decision is due on this day: 6 weeks after receipt, plus the extension (WPO art. 40
    /// lid 4); a last day on a weekend or holiday runs on to the next working day (Atw art. 1).
    pub fn decision_due(&self, policy: &TermPolicy) -> NaiveDate {
        let weeks = DECISION_WEEKS + self.extension.map_or(0, |(w, _)| i64::from(w));
        crate::atw::term_end(policy.add_weeks(self.received_on, weeks))
    }

    /// The end of the first 6 weeks, before which an extension must be told (Atw applied).
    pub fn first_term_end(&self, policy: &TermPolicy) -> NaiveDate {
        crate::atw::term_end(policy.add_weeks(self.received_on, DECISION_WEEKS))
    }

    /// The 10-week point (WPO art. 40 lid 5), moved off a weekend or holiday like every term
    /// set in a law, so that it never comes before a fully extended decision term.
    pub fn ten_weeks(&self, policy: &TermPolicy) -> NaiveDate {
        crate::atw::term_end(policy.add_weeks(self.received_on, TEMPORARY_ENROLMENT_WEEKS))
    }

    /// Whether the parents registered at least 10 weeks before the desired start.
    pub fn in_time(&self) -> bool {
        self.received_on + Duration::weeks(REGISTER_BEFORE_WEEKS) <= self.desired_start
    }

    /// Checks an extension of `weeks`, told to the parents on `told_on`.
    pub fn check_extension(
        &self,
        policy: &TermPolicy,
        weeks: u8,
        told_on: NaiveDate,
    ) -> Result<(), ExtensionProblem> {
        if self.extension.is_some() {
            return Err(ExtensionProblem::AlreadyExtended);
        }
        if weeks == 0 || weeks > MAX_EXTENSION_WEEKS {
            return Err(ExtensionProblem::Weeks);
        }
        if told_on > self.first_term_end(policy) {
            return Err(ExtensionProblem::TooLate);
        }
        Ok(())
    }

    /// Where the terms stand on `today`.
    pub fn state(&self, policy: &TermPolicy, today: NaiveDate) -> TermState {
        if self.decided_on.is_some() {
            return TermState::Decided;
        }
        let due = self.decision_due(policy);
        let ten = self.ten_weeks(policy);
        if today > ten && !self.enrolled_elsewhere && self.in_time() {
            TermState::TemporaryEnrolment {
                since: ten + Duration::days(1),
            }
        } else if today > due {
            TermState::Overdue { due }
        } else {
            TermState::Open { due }
        }
    }
}

/// Days of expected absence after which a sick pupil's school involves the OZL consulent: more
/// than 3 weeks (domain.md §6; some regions use 2, so `PASSEND_OZL_NA_DAGEN` can change it).
pub const OZL_AFTER_DAYS: u32 = 21;

/// Whether an expected absence from `since` to `expected_until` (both days included) is longer
/// than `after_days`, so the OZL consulent should be involved.
pub fn ozl_referral_needed(since: NaiveDate, expected_until: NaiveDate, after_days: u32) -> bool {
    (expected_until - since).num_days() + 1 > i64::from(after_days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn aanmelding() -> Aanmelding {
        Aanmelding {
            received_on: day(2026, 3, 2),
            desired_start: day(2026, 8, 24),
            extension: None,
            decided_on: None,
            enrolled_elsewhere: false,
        }
    }

    #[test]
    fn the_terms_of_the_issue() {
        let p = TermPolicy::default();
        let mut a = aanmelding();
        assert_eq!(a.decision_due(&p), day(2026, 4, 13));
        assert_eq!(a.check_extension(&p, 4, day(2026, 4, 10)), Ok(()));
        a.extension = Some((4, day(2026, 4, 10)));
        assert_eq!(a.decision_due(&p), day(2026, 5, 11));
        assert_eq!(a.ten_weeks(&p), day(2026, 5, 11));
        assert_eq!(
            a.check_extension(&p, 1, day(2026, 4, 10)),
            Err(ExtensionProblem::AlreadyExtended)
        );
    }

    #[test]
    fn terms_ending_in_a_weekend_run_on_to_monday() {
        let p = TermPolicy::default();
        // Received Sunday 25 October 2026: due Monday 7 December, not Sunday 6 December.
        let mut a = Aanmelding {
            received_on: day(2026, 10, 25),
            desired_start: day(2027, 8, 23),
            ..aanmelding()
        };
        assert_eq!(a.decision_due(&p), day(2026, 12, 7));
        assert_eq!(a.first_term_end(&p), day(2026, 12, 7));
        // The parents may still be told of an extension on Monday 7 December.
        assert_eq!(a.check_extension(&p, 4, day(2026, 12, 7)), Ok(()));
        assert_eq!(
            a.check_extension(&p, 4, day(2026, 12, 8)),
            Err(ExtensionProblem::TooLate)
        );
        // Extended by 4 weeks: Sunday 3 January 2027 → Monday 4 January; so the 10 weeks.
        a.extension = Some((4, day(2026, 12, 1)));
        assert_eq!(a.decision_due(&p), day(2027, 1, 4));
        assert_eq!(a.ten_weeks(&p), day(2027, 1, 4));
        assert!(matches!(
            a.state(&p, day(2027, 1, 4)),
            TermState::Open { .. }
        ));
        assert_eq!(
            a.state(&p, day(2027, 1, 5)),
            TermState::TemporaryEnrolment {
                since: day(2027, 1, 5)
            }
        );
        // Extended by 2 weeks from 25 October: Sunday 20 December → Monday 21 December.
        a.extension = Some((2, day(2026, 12, 1)));
        assert_eq!(a.decision_due(&p), day(2026, 12, 21));
        // Received Friday 13 November 2026: 6 weeks end on Christmas Day → Monday 28 December.
        let b = Aanmelding {
            received_on: day(2026, 11, 13),
            ..aanmelding()
        };
        assert_eq!(b.decision_due(&p), day(2026, 12, 28));
    }

    #[test]
    fn pauses_are_read_from_the_setting() {
        assert_eq!(TermPolicy::parse(""), Ok(TermPolicy::default()));
        let p =
            TermPolicy::parse("2026-12-19..2027-01-03, 2027-07-18..2027-08-30").unwrap_or_default();
        assert_eq!(p.pauses.len(), 2);
        assert_eq!(p.pauses[0], (day(2026, 12, 19), day(2027, 1, 3)));
        assert!(TermPolicy::parse("2027-01-03..2026-12-19").is_err());
        assert!(TermPolicy::parse("2026-12-19").is_err());
        assert!(TermPolicy::parse("2026-12-19..morgen").is_err());
        assert!(TermPolicy::parse("2026-01-01..2027-12-31").is_err());
    }

    #[test]
    fn extensions_are_once_at_most_four_weeks_and_told_in_time() {
        let p = TermPolicy::default();
        let a = aanmelding();
        assert_eq!(
            a.check_extension(&p, 0, day(2026, 4, 1)),
            Err(ExtensionProblem::Weeks)
        );
        assert_eq!(
            a.check_extension(&p, 5, day(2026, 4, 1)),
            Err(ExtensionProblem::Weeks)
        );
        assert_eq!(a.check_extension(&p, 2, day(2026, 4, 13)), Ok(()));
        assert_eq!(
            a.check_extension(&p, 2, day(2026, 4, 14)),
            Err(ExtensionProblem::TooLate)
        );
    }

    #[test]
    fn ten_weeks_without_a_decision_mean_temporary_enrolment() {
        let p = TermPolicy::default();
        let a = aanmelding();
        assert_eq!(
            a.state(&p, day(2026, 4, 13)),
            TermState::Open {
                due: day(2026, 4, 13)
            }
        );
        assert_eq!(
            a.state(&p, day(2026, 4, 14)),
            TermState::Overdue {
                due: day(2026, 4, 13)
            }
        );
        assert_eq!(
            a.state(&p, day(2026, 5, 11)),
            TermState::Overdue {
                due: day(2026, 4, 13)
            }
        );
        assert_eq!(
            a.state(&p, day(2026, 5, 12)),
            TermState::TemporaryEnrolment {
                since: day(2026, 5, 12)
            }
        );
        // Not when the child is enrolled elsewhere, or the parents registered late.
        let elsewhere = Aanmelding {
            enrolled_elsewhere: true,
            ..a.clone()
        };
        assert!(matches!(
            elsewhere.state(&p, day(2026, 6, 1)),
            TermState::Overdue { .. }
        ));
        let late = Aanmelding {
            desired_start: day(2026, 4, 1),
            ..a.clone()
        };
        assert!(!late.in_time());
        assert!(matches!(
            late.state(&p, day(2026, 6, 1)),
            TermState::Overdue { .. }
        ));
        let decided = Aanmelding {
            decided_on: Some(day(2026, 4, 1)),
            ..a
        };
        assert_eq!(decided.state(&p, day(2026, 6, 1)), TermState::Decided);
    }

    #[test]
    fn outcomes_round_trip() {
        for r in NoZorgplicht::ALL {
            let o = Outcome::NotApplicable(r);
            assert_eq!(Outcome::from_codes(o.code(), Some(r.code())), Some(o));
        }
        assert_eq!(
            Outcome::from_codes("toegelaten", None),
            Some(Outcome::Admitted)
        );
        assert_eq!(Outcome::from_codes("geen-zorgplicht", None), None);
        assert_eq!(Outcome::from_codes("x", None), None);
    }

    #[test]
    fn sick_pupils_need_the_ozl_consulent_after_three_weeks() {
        // 2 to 22 March: 21 days, exactly three weeks.
        assert!(!ozl_referral_needed(
            day(2026, 3, 2),
            day(2026, 3, 22),
            OZL_AFTER_DAYS
        ));
        assert!(ozl_referral_needed(
            day(2026, 3, 2),
            day(2026, 3, 23),
            OZL_AFTER_DAYS
        ));
        assert!(ozl_referral_needed(day(2026, 3, 2), day(2026, 3, 16), 14));
    }

    #[test]
    fn holidays_do_not_pause_unless_the_policy_says_so() {
        let a = aanmelding();
        assert_eq!(a.decision_due(&TermPolicy::default()), day(2026, 4, 13));
        // A holiday as a pause moves the term by its days after the receipt (3 to 8 March: 6).
        let p = TermPolicy {
            pauses: vec![(day(2026, 2, 28), day(2026, 3, 8))],
        };
        // 19 April is a Sunday: the term runs on to Monday 20 April (Atw).
        assert_eq!(a.decision_due(&p), day(2026, 4, 20));
        // A pause that the moved term runs into counts too.
        let p = TermPolicy {
            pauses: vec![(day(2026, 4, 13), day(2026, 4, 14))],
        };
        assert_eq!(a.decision_due(&p), day(2026, 4, 15));
    }
}
