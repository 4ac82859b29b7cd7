//! The parents' portal: the steps of a request as parents see them, and the rules for their
//! responses. Texts live in the web layer (Dutch and English); this decides what is true.

use crate::tlv::{RequestKind, Status};
use chrono::{Duration, NaiveDate};

/// A step of a request, in the parents' words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// School and parents prepare the request together.
    Preparation,
    /// The school sent it to the samenwerkingsverband.
    Submitted,
    /// Someone at the samenwerkingsverband handles it.
    InTreatment,
    /// Two experts give their advice (TLV only).
    Advice,
    /// The samenwerkingsverband decided.
    Decision,
}

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    /// Behind us.
    Done,
    /// Now.
    Current,
    /// Still to come.
    Upcoming,
}

/// The steps of a request of this kind: the expert advice only for a TLV.
pub fn steps(kind: RequestKind) -> Vec<Step> {
    let mut s = vec![Step::Preparation, Step::Submitted, Step::InTreatment];
    if kind.is_tlv() {
        s.push(Step::Advice);
    }
    s.push(Step::Decision);
    s
}

/// The step a status stands in; `None` for a withdrawn request.
pub fn current(status: Status) -> Option<Step> {
    match status {
        Status::Concept => Some(Step::Preparation),
        Status::Ingediend => Some(Step::Submitted),
        Status::InBehandeling => Some(Step::InTreatment),
        Status::AdviesGevraagd => Some(Step::Advice),
        Status::Toegekend | Status::Afgewezen => Some(Step::Decision),
        Status::Ingetrokken => None,
    }
}

/// Every step of the request with where it stands. A decided request has every step done; a
/// withdrawn one shows no progress. A non-TLV request waiting for advice stands in treatment.
pub fn progress(kind: RequestKind, status: Status) -> Vec<(Step, StepState)> {
    let all = steps(kind);
    let Some(mut now) = current(status) else {
        return Vec::new();
    };
    if !all.contains(&now) {
        now = Step::InTreatment;
    }
    let final_ = status.is_final();
    let mut seen = false;
    all.into_iter()
        .map(|s| {
            let state = if final_ {
                StepState::Done
            } else if s == now {
                seen = true;
                StepState::Current
            } else if seen {
                StepState::Upcoming
            } else {
                StepState::Done
            };
            (s, state)
        })
        .collect()
}

/// The default number of days parents get to give their zienswijze on a shared request (the
/// samenwerkingsverband's policy; the law sets none).
pub const DEFAULT_ZIENSWIJZE_DAYS: u32 = 14;

/// The date by which parents are asked to respond, shared on `shared_on`.
pub fn respond_by(shared_on: NaiveDate, days: u32) -> NaiveDate {
    shared_on + Duration::days(i64::from(days))
}

/// Parents may respond to a shared snapshot while the request is still a concept: the school
/// adds their view before it submits. After the deadline they still may (a late view is better
/// than none), and the tracker says the date has passed.
pub fn may_respond(status: Status) -> bool {
    status == Status::Concept
}

/// What a parent's zienswijze needs: an answer, and their words or a file.
pub fn zienswijze_complete(answer: Option<&str>, text: &str, has_file: bool) -> bool {
    matches!(answer, Some("eens" | "oneens")) && (!text.trim().is_empty() || has_file)
}

/// A signature is the parent's full name as typed, compared without case and extra spaces.
pub fn signature_matches(typed: &str, name: &str) -> bool {
    let fold = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    !typed.trim().is_empty() && fold(typed) == fold(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlv::{Category, Status};

    #[test]
    fn a_tlv_has_an_advice_step_and_an_arrangement_does_not() {
        let tlv = steps(RequestKind::TlvSo(Category::Laag));
        assert!(tlv.contains(&Step::Advice));
        assert_eq!(tlv.len(), 5);
        assert!(!steps(RequestKind::Arrangement).contains(&Step::Advice));
    }

    #[test]
    fn progress_marks_done_current_and_upcoming() {
        let p = progress(RequestKind::TlvSbo, Status::InBehandeling);
        let states: Vec<StepState> = p.iter().map(|(_, s)| *s).collect();
        assert_eq!(
            states,
            vec![
                StepState::Done,
                StepState::Done,
                StepState::Current,
                StepState::Upcoming,
                StepState::Upcoming
            ]
        );
        let decided = progress(RequestKind::TlvSbo, Status::Afgewezen);
        assert!(decided.iter().all(|(_, s)| *s == StepState::Done));
        assert!(progress(RequestKind::TlvSbo, Status::Ingetrokken).is_empty());
        // An arrangement waiting for an optional advice stands in treatment.
        let arr = progress(RequestKind::Arrangement, Status::AdviesGevraagd);
        assert_eq!(arr[2], (Step::InTreatment, StepState::Current));
        assert_eq!(arr[3], (Step::Decision, StepState::Upcoming));
    }

    #[test]
    fn the_zienswijze_date_and_rules() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default();
        assert_eq!(
            respond_by(d, DEFAULT_ZIENSWIJZE_DAYS),
            NaiveDate::from_ymd_opt(2026, 3, 16).unwrap_or_default()
        );
        assert!(may_respond(Status::Concept));
        assert!(!may_respond(Status::Ingediend));
        assert!(zienswijze_complete(
            Some("oneens"),
            "Wij willen eerst een gesprek.",
            false
        ));
        assert!(zienswijze_complete(Some("eens"), " ", true));
        assert!(!zienswijze_complete(Some("eens"), " ", false));
        assert!(!zienswijze_complete(None, "tekst", true));
        assert!(!zienswijze_complete(Some("misschien"), "tekst", true));
    }

    #[test]
    fn a_signature_is_the_name_as_typed() {
        assert!(signature_matches(" fatima  el amrani ", "Fatima El Amrani"));
        assert!(!signature_matches("Fatima", "Fatima El Amrani"));
        assert!(!signature_matches("", ""));
    }
}
