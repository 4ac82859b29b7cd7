//! The request's procedure as the staff who carry it see it: what is needed next and from whom,
//! and which forms fit that moment. The request page puts the forms of this moment first, keeps
//! the other forms that may still be used behind "Andere acties", and shows none of a step that
//! is finished. What a viewer may do at all stays with the status rules in [`crate::tlv`]; this
//! module only decides what the page offers and where.

use crate::tlv::{AdviceProblem, RequestKind, Status};

/// Who carries the request on this page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The applying school.
    School,
    /// Toeleiding at the samenwerkingsverband.
    Toeleiding,
}

/// What is known of a request besides its kind and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub kind: RequestKind,
    pub status: Status,
    /// The term stands still: toeleiding asked the school for information.
    pub suspended: bool,
    /// A concept has everything its kind needs to be submitted.
    pub complete: bool,
    /// The request was received complete (its decision term runs).
    pub received: bool,
    /// Advice requests sent to experts, and how many of them were answered.
    pub advices_asked: usize,
    pub advices_given: usize,
    /// For a TLV: why the given advices do not yet allow a decision (`None`: they do).
    pub advice_problem: Option<AdviceProblem>,
    /// A decision's letter was sent (the bezwaar term runs).
    pub letter_sent: bool,
    /// A bezwaar against the decision waits for its beslissing.
    pub open_bezwaar: bool,
}

/// What is needed next, and from whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// The school completes its concept (something is missing).
    Complete,
    /// The concept is complete: the school submits it.
    Submit,
    /// Toeleiding asked information: the school adds it and says so.
    ProvideInformation,
    /// Toeleiding is at work; nothing is asked of the school now.
    WithSwv,
    /// A new request waits for a contact person at toeleiding.
    Assign,
    /// The term stands still until the school's information is there.
    AwaitInformation,
    /// Advice must be asked (a TLV needs two independent experts).
    AskAdvice,
    /// Enough experts were asked; their advices are still to come.
    AwaitAdvices,
    /// A given advice does not count (not independent, not separate): no decision can rest on
    /// the advices as they are, and asking more does not change that.
    AdviceInvalid,
    /// Toeleiding decides.
    Decide,
    /// A TLV was decided; the sending of its letter is to be recorded.
    SendLetter,
    /// A bezwaar against the decision is being handled.
    Bezwaar,
    /// Decided; nothing is asked of anyone.
    Decided,
    /// Withdrawn.
    Withdrawn,
}

/// The forms a request page can offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Forms {
    /// Choose (or change) the contact person at toeleiding.
    pub assign: bool,
    /// Ask an expert for advice.
    pub ask_advice: bool,
    /// Take the decision.
    pub decide: bool,
    /// Plan a meeting.
    pub meeting: bool,
    /// Ask the school for information (the term stands still).
    pub ask_information: bool,
    /// The information is there: the term runs again.
    pub resume: bool,
    /// Withdraw the request.
    pub withdraw: bool,
    /// The school's concept form, with sharing with the parents.
    pub concept: bool,
}

/// The moment a request is at for one side: what is needed next, the forms of that moment
/// (`now`) and the forms that may still be used but are not what the moment asks (`more`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub next: Next,
    pub now: Forms,
    pub more: Forms,
}

/// A TLV needs two independent advices; this many experts are asked at least.
const ADVICES_NEEDED: usize = 2;

/// What is needed next on a request, seen from one side.
pub fn next(side: Side, f: &Facts) -> Next {
    match (f.status, side) {
        (Status::Ingetrokken, _) => Next::Withdrawn,
        (Status::Toegekend | Status::Afgewezen, _) => {
            if f.open_bezwaar && side == Side::Toeleiding {
                Next::Bezwaar
            } else if f.kind.is_tlv() && !f.letter_sent && side == Side::Toeleiding {
                Next::SendLetter
            } else {
                Next::Decided
            }
        }
        (Status::Concept, _) if f.complete => Next::Submit,
        (Status::Concept, _) => Next::Complete,
        (_, Side::School) if f.suspended => Next::ProvideInformation,
        (_, Side::School) => Next::WithSwv,
        (_, Side::Toeleiding) if f.suspended => Next::AwaitInformation,
        (Status::Ingediend, Side::Toeleiding) => Next::Assign,
        (_, Side::Toeleiding) if !f.kind.is_tlv() => Next::Decide,
        (_, Side::Toeleiding) => match f.advice_problem {
            None if f.status == Status::AdviesGevraagd => Next::Decide,
            Some(
                AdviceProblem::NotSeparate(_)
                | AdviceProblem::NotDeclaredIndependent(_)
                | AdviceProblem::NotIndependent(_),
            ) => Next::AdviceInvalid,
            // Not enough experts asked, or every asked one answered and it does not suffice.
            _ if f.advices_asked < ADVICES_NEEDED || f.advices_given >= f.advices_asked => {
                Next::AskAdvice
            }
            _ => Next::AwaitAdvices,
        },
    }
}

/// The plan for one side: what is needed next and where each form goes.
pub fn plan(side: Side, f: &Facts) -> Plan {
    let next = next(side, f);
    let open = !f.status.is_final();
    let mut now = Forms::default();
    let mut more = Forms::default();
    match side {
        Side::School => {
            match next {
                Next::Complete | Next::Submit => now.concept = true,
                Next::ProvideInformation => now.resume = true,
                _ => {}
            }
            more.withdraw = open;
        }
        Side::Toeleiding if open && f.status != Status::Concept => {
            match next {
                Next::Assign => now.assign = true,
                Next::AwaitInformation => now.resume = true,
                Next::AskAdvice => now.ask_advice = true,
                Next::Decide => now.decide = true,
                _ => {}
            }
            let treating = matches!(f.status, Status::InBehandeling | Status::AdviesGevraagd);
            more.assign = !now.assign;
            // The decision is never under "Andere acties": a TLV's rests on the advices, so it
            // is offered only when `next` says so.
            more.ask_advice = treating && !now.ask_advice;
            more.meeting = true;
            more.ask_information = f.received && !f.suspended;
            more.withdraw = true;
        }
        Side::Toeleiding => {}
    }
    Plan { next, now, more }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tlv::Category;

    fn facts(kind: RequestKind, status: Status) -> Facts {
        Facts {
            kind,
            status,
            suspended: false,
            complete: false,
            received: status != Status::Concept,
            advices_asked: 0,
            advices_given: 0,
            advice_problem: Some(AdviceProblem::TooFew),
            letter_sent: false,
            open_bezwaar: false,
        }
    }

    const TLV: RequestKind = RequestKind::TlvSo(Category::Laag);

    #[test]
    fn the_school_completes_submits_and_then_waits_unless_information_is_asked() {
        let mut f = facts(TLV, Status::Concept);
        assert_eq!(plan(Side::School, &f).next, Next::Complete);
        assert!(plan(Side::School, &f).now.concept);
        f.complete = true;
        assert_eq!(plan(Side::School, &f).next, Next::Submit);
        let mut f = facts(TLV, Status::InBehandeling);
        let p = plan(Side::School, &f);
        assert_eq!(p.next, Next::WithSwv);
        assert_eq!(p.now, Forms::default(), "nothing is asked of the school");
        assert!(p.more.withdraw);
        f.suspended = true;
        let p = plan(Side::School, &f);
        assert_eq!(p.next, Next::ProvideInformation);
        assert!(p.now.resume);
    }

    #[test]
    fn a_tlv_is_decided_only_after_the_advices_allow_it() {
        let mut f = facts(TLV, Status::Ingediend);
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::Assign);
        assert!(p.now.assign && !p.more.assign);
        assert!(!p.now.decide && !p.more.decide && !p.more.ask_advice);

        f.status = Status::InBehandeling;
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::AskAdvice);
        assert!(p.now.ask_advice && !p.now.decide && !p.more.decide);
        assert!(p.more.assign && p.more.meeting && p.more.ask_information && p.more.withdraw);

        // One expert asked: the second is still to be asked.
        f.status = Status::AdviesGevraagd;
        f.advices_asked = 1;
        assert_eq!(next(Side::Toeleiding, &f), Next::AskAdvice);
        // Two asked, none answered: wait, and asking another stays possible.
        f.advices_asked = 2;
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::AwaitAdvices);
        assert!(!p.now.decide && !p.more.decide && p.more.ask_advice);
        // Both answered but they do not suffice (no orthopedagoog): ask another.
        f.advices_given = 2;
        f.advice_problem = Some(AdviceProblem::NoFirstExpert);
        assert_eq!(next(Side::Toeleiding, &f), Next::AskAdvice);
        // A given advice that does not count cannot be outweighed by asking more.
        f.advice_problem = Some(AdviceProblem::NotIndependent(7));
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::AdviceInvalid);
        assert!(!p.now.decide && !p.more.decide && p.more.withdraw);
        // The advices allow a decision: the decision form is what the page offers first.
        f.advice_problem = None;
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::Decide);
        assert!(p.now.decide && p.more.ask_advice);
    }

    #[test]
    fn other_requests_are_decided_in_treatment_and_advice_is_optional() {
        let f = facts(RequestKind::Arrangement, Status::InBehandeling);
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::Decide);
        assert!(p.now.decide && p.more.ask_advice);
    }

    #[test]
    fn a_suspended_term_waits_for_the_information_first() {
        let mut f = facts(TLV, Status::InBehandeling);
        f.suspended = true;
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::AwaitInformation);
        assert!(p.now.resume && !p.more.ask_information);
    }

    #[test]
    fn a_decided_request_offers_no_treatment_forms() {
        let mut f = facts(TLV, Status::Toegekend);
        f.advice_problem = None;
        let p = plan(Side::Toeleiding, &f);
        assert_eq!(p.next, Next::SendLetter);
        assert_eq!((p.now, p.more), (Forms::default(), Forms::default()));
        f.letter_sent = true;
        assert_eq!(next(Side::Toeleiding, &f), Next::Decided);
        assert_eq!(next(Side::School, &f), Next::Decided);
        f.open_bezwaar = true;
        assert_eq!(next(Side::Toeleiding, &f), Next::Bezwaar);
        // The bezwaar is toeleiding's to handle; the school is not asked to do anything.
        assert_eq!(next(Side::School, &f), Next::Decided);
        let f = facts(TLV, Status::Ingetrokken);
        let p = plan(Side::School, &f);
        assert_eq!(p.next, Next::Withdrawn);
        assert_eq!((p.now, p.more), (Forms::default(), Forms::default()));
        // A school does not record the sending of the letter.
        let f = facts(RequestKind::Advies, Status::Afgewezen);
        assert_eq!(next(Side::School, &f), Next::Decided);
    }
}
