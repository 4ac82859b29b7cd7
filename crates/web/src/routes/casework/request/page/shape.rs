//! The request page's pure step: from the rows `request_view` loaded to the lines the page
//! shows. No queries and no audit here, so every rule of what a viewer sees is unit-tested below.

use super::{AdviceLine, BezwaarLine, DecisionView, MeetingLine};
use crate::access::Relation;
use crate::dates::{long, long_or, meeting_when, when};
use crate::routes::casework::request::{MeetingChangeForm, meeting_label};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use passend_domain::portal::{self, Step, StepState};
use passend_domain::procedure::{self, Facts, Forms, Next, Plan, Side};
use passend_domain::tlv::{self, Profession, RequestKind, Status};
use passend_store::bezwaar::{BeslissingRow, HistoryRow};
use passend_store::casework::{AdviceRow, BezwaarRow, DecisionRow, Meeting};
use passend_store::portal::{ResponseRow, ShareRow};

/// One step of the request's procedure as staff see it, with what it came to or waits for.
pub(crate) struct StaffStep {
    pub(crate) label: &'static str,
    pub(crate) state: &'static str,
    pub(crate) state_text: &'static str,
    pub(crate) detail: String,
}

/// What is needed next, said plainly, with a link to the place to act when that is elsewhere.
pub(crate) struct NextLine {
    pub(crate) title: &'static str,
    pub(crate) text: String,
    pub(crate) link: Option<(String, &'static str)>,
}

/// What the page knows that the steps and the next line name.
pub(crate) struct Situation<'a> {
    pub(crate) facts: &'a Facts,
    pub(crate) contact: Option<&'a str>,
    pub(crate) received: Option<NaiveDate>,
    pub(crate) due: Option<NaiveDate>,
    pub(crate) suspended_reason: Option<&'a str>,
    pub(crate) missing: &'a [&'static str],
    /// Parents with portal access who were not yet asked their view on a concept.
    pub(crate) parents_to_ask: bool,
    /// Toeleiding looks: its own judgement of the advices may be shown.
    pub(crate) swv: bool,
    /// The decision: its outcome, its date, its id and the last day of bezwaar (once sent).
    pub(crate) decision: Option<(&'a str, NaiveDate, i64, Option<NaiveDate>)>,
}

fn staff_step_label(s: Step, kind: RequestKind) -> &'static str {
    match s {
        Step::Preparation => "Aanvraag opstellen (school, met de ouders)",
        Step::Submitted => "Ingediend bij het samenwerkingsverband",
        Step::InTreatment => "In behandeling bij toeleiding",
        Step::Advice => "Twee deskundigenadviezen",
        Step::Decision if kind.is_tlv() => "Besluit over de toelaatbaarheid",
        Step::Decision => "Besluit",
    }
}

/// The request's steps, each done, current or to come, with what it came to or waits for.
pub(crate) fn staff_steps(s: &Situation<'_>) -> Vec<StaffStep> {
    let f = s.facts;
    portal::progress(f.kind, f.status)
        .into_iter()
        .map(|(step, state)| {
            let done = state == StepState::Done;
            let detail = match step {
                // A step still to come says nothing yet, except when the decision is due.
                Step::Decision if state == StepState::Upcoming && s.due.is_none() => String::new(),
                _ if state == StepState::Upcoming && step != Step::Decision => String::new(),
                Step::Preparation if done => {
                    format!("Compleet ontvangen op {}.", long_or(s.received, "–"))
                }
                Step::Preparation if s.missing.is_empty() => {
                    "Compleet: klaar om in te dienen.".to_owned()
                }
                Step::Preparation if s.missing.len() == 1 => "Nog 1 onderdeel nodig.".to_owned(),
                Step::Preparation => format!("Nog {} onderdelen nodig.", s.missing.len()),
                Step::Submitted => match s.contact {
                    Some(c) => format!("Contactpersoon: {c}."),
                    None => "Wacht op een contactpersoon bij toeleiding.".to_owned(),
                },
                Step::InTreatment if done => String::new(),
                Step::InTreatment => match s.suspended_reason {
                    Some(r) => format!("De beslistermijn staat stil; gevraagd: {r}"),
                    None => format!("Besluit uiterlijk {}.", long_or(s.due, "–")),
                },
                Step::Advice => advice_count(f),
                Step::Decision => match s.decision {
                    Some((outcome, on, _, _)) => format!("{outcome}, op {}.", long(on)),
                    None => match (&f.advice_problem, f.kind.is_tlv()) {
                        (Some(p), true) if s.swv => format!(
                            "Uiterlijk {}. Nog niet mogelijk: {}",
                            long_or(s.due, "–"),
                            lower_first(&p.message_nl())
                        ),
                        _ => format!("Uiterlijk {}.", long_or(s.due, "–")),
                    },
                },
            };
            StaffStep {
                label: staff_step_label(step, f.kind),
                state: match state {
                    StepState::Done => "done",
                    StepState::Current => "current",
                    StepState::Upcoming => "upcoming",
                },
                state_text: match state {
                    StepState::Done => "klaar",
                    StepState::Current => "nu",
                    StepState::Upcoming => "nog niet",
                },
                detail,
            }
        })
        .collect()
}

/// A message as the rest of a sentence after a colon: Dutch writes on in lower case.
pub(crate) fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Someone's free text as a sentence: ends with a full stop unless it ends otherwise.
fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.ends_with(['.', '!', '?']) {
        t.to_owned()
    } else {
        format!("{t}.")
    }
}

fn advice_count(f: &Facts) -> String {
    match (f.advices_asked, f.advices_given) {
        (0, _) => "Nog niet gevraagd.".to_owned(),
        (1, 0) => "1 gevraagd, nog niet gegeven.".to_owned(),
        (asked, given) => format!("{asked} gevraagd, {given} gegeven."),
    }
}

fn ask_parents(s: &Situation<'_>) -> &'static str {
    if s.parents_to_ask {
        " Deel de aanvraag met de ouders (onder “De ouders”), zodat zij hun mening geven in het ouderportaal."
    } else {
        ""
    }
}

/// What is needed next, and from whom, in plain words.
pub(crate) fn next_line(next: Next, s: &Situation<'_>, request_id: i64) -> NextLine {
    let f = s.facts;
    let due = long_or(s.due, "–");
    let line = |title, text: String| NextLine {
        title,
        text,
        link: None,
    };
    match next {
        Next::Complete => NextLine {
            title: "Maak de aanvraag compleet",
            text: format!("Nog nodig: {}.{}", s.missing.join("; "), ask_parents(s)),
            link: Some(("#concept-kop".to_owned(), "Naar het formulier")),
        },
        Next::Submit => NextLine {
            title: "Dien de aanvraag in",
            text: format!(
                "Alles wat nodig is, is er. Controleer de aanvraag en dien hem in met de knop onder het formulier.{}",
                ask_parents(s)
            ),
            link: Some(("#concept-kop".to_owned(), "Naar het formulier")),
        },
        Next::ProvideInformation => NextLine {
            title: "Het samenwerkingsverband vraagt informatie",
            text: format!(
                "Gevraagd: {} Voeg de documenten toe bij “Documenten van de leerling” en laat daarna weten dat de informatie er is. Tot dan staat de beslistermijn stil.",
                sentence(s.suspended_reason.unwrap_or("–"))
            ),
            link: Some(("#upload-kop".to_owned(), "Naar “Document toevoegen”")),
        },
        Next::WithSwv => line(
            "Het samenwerkingsverband is aan zet",
            match f.status {
                Status::Ingediend => format!(
                    "De aanvraag is ontvangen. Toeleiding kiest een contactpersoon. U hoeft nu niets te doen. Besluit uiterlijk {due}."
                ),
                Status::AdviesGevraagd if f.kind.is_tlv() => format!(
                    "Twee deskundigen geven advies. U hoeft nu niets te doen; u krijgt bericht als er iets nodig is. Besluit uiterlijk {due}."
                ),
                _ => format!(
                    "{} behandelt de aanvraag. U hoeft nu niets te doen; u krijgt bericht als er iets nodig is. Besluit uiterlijk {due}.",
                    s.contact.unwrap_or("Toeleiding")
                ),
            },
        ),
        Next::Assign => line(
            "Neem de aanvraag in behandeling",
            format!(
                "Kies de contactpersoon bij toeleiding; school en ouders zien die naam. Besluit uiterlijk {due}."
            ),
        ),
        Next::AwaitInformation => line(
            "Wacht op de informatie van de school",
            format!(
                "Toeleiding vroeg: {} De beslistermijn staat stil. Is de informatie er, laat de termijn dan doorlopen.",
                sentence(s.suspended_reason.unwrap_or("–"))
            ),
        ),
        Next::AskAdvice => line(
            "Vraag advies aan deskundigen",
            match &f.advice_problem {
                Some(p) if f.advices_asked > 0 => format!(
                    "{} Nog geen besluit mogelijk: {}",
                    advice_count(f),
                    lower_first(&p.message_nl())
                ),
                _ => "Vraag twee deskundigen om advies; zonder hun adviezen is er geen besluit mogelijk.".to_owned(),
            },
        ),
        Next::AwaitAdvices => line(
            "Wacht op de deskundigenadviezen",
            format!(
                "{} Nog geen besluit mogelijk: {} Besluit uiterlijk {due}.",
                advice_count(f),
                f.advice_problem
                    .as_ref()
                    .map(|p| lower_first(&p.message_nl()))
                    .unwrap_or_default()
            ),
        ),
        Next::AdviceInvalid => line(
            "Een gegeven advies telt niet mee",
            format!(
                "{} Op deze adviezen kan geen besluit rusten, en meer adviezen vragen verandert dat niet. Trek de aanvraag in (onder “Andere acties”) en laat de school een nieuwe indienen; vraag dan andere deskundigen.",
                f.advice_problem
                    .as_ref()
                    .map(|p| p.message_nl())
                    .unwrap_or_default()
            ),
        ),
        Next::Decide => line(
            "Neem het besluit",
            format!(
                "{}Besluit uiterlijk {due}.",
                if f.kind.is_tlv() {
                    "De adviezen zijn er. "
                } else {
                    "Een deskundigenadvies is hier niet verplicht. "
                }
            ),
        ),
        Next::SendLetter => NextLine {
            title: "Leg de verzending van de brief vast",
            text: "De bezwaartermijn van zes weken begint de dag nadat de brief is verzonden of uitgereikt.".to_owned(),
            link: s
                .decision
                .map(|(_, _, id, _)| (format!("/besluiten/{id}/verzending"), "Verzending vastleggen")),
        },
        Next::Bezwaar => NextLine {
            title: "Er is bezwaar gemaakt",
            text: "Leg het bezwaar voor aan de LBT, leg haar advies vast en beslis op het bezwaar.".to_owned(),
            link: Some((format!("/aanvragen/{request_id}#bezwaar"), "Naar het bezwaar")),
        },
        Next::Decided => line(
            "Er is besloten",
            match s.decision {
                Some((outcome, on, _, Some(until))) if f.kind.is_tlv() => format!(
                    "{outcome}, op {}. Bezwaar is mogelijk tot en met {}.",
                    long(on),
                    long(until)
                ),
                Some((outcome, on, _, _)) => format!("{outcome}, op {}.", long(on)),
                None => String::new(),
            },
        ),
        Next::Withdrawn => line(
            "De aanvraag is ingetrokken",
            "Er is niets meer te doen.".to_owned(),
        ),
    }
}

/// The forms a failed submit came from, by the fields its messages name: they stay on the page
/// with the input kept, even where the moment would not offer them.
pub(crate) fn forms_with_errors(errors: &[(String, String)]) -> Forms {
    let has = |ids: &[&str]| errors.iter().any(|(id, _)| ids.contains(&id.as_str()));
    Forms {
        assign: has(&["contact"]),
        ask_advice: has(&["deskundige", "advies-datum", "advies-vraag"]),
        decide: has(&[
            "besluit",
            "uitkomst",
            "categorie",
            "start",
            "einde",
            "ontvangend",
            "motivering",
        ]),
        // The planning form's fields; a meeting's own move form (`overleg-{id}-…`) is elsewhere.
        meeting: errors.iter().any(|(id, _)| {
            [
                "overleg-soort",
                "overleg-datum",
                "overleg-tijd",
                "overleg-plaats",
            ]
            .contains(&id.as_str())
                || id.starts_with("aanwezig")
        }),
        ask_information: has(&["reden"]),
        ..Forms::default()
    }
}

/// The plan with the forms of a failed submit kept on the page: a form of this moment stays
/// where it is, the decision form shows in its place, any other shows and opens under "Andere
/// acties". Returns the forms now, the forms under "Andere acties", and which of those are open.
pub(crate) fn with_errors(plan: Plan, errors: &[(String, String)]) -> (Forms, Forms, Forms) {
    let failed = forms_with_errors(errors);
    let (mut now, mut more) = (plan.now, plan.more);
    now.decide |= failed.decide;
    let open = Forms {
        assign: failed.assign && !now.assign,
        ask_advice: failed.ask_advice && !now.ask_advice,
        meeting: failed.meeting && !now.meeting,
        ask_information: failed.ask_information && !now.ask_information,
        ..Forms::default()
    };
    more.assign |= open.assign;
    more.ask_advice |= open.ask_advice;
    more.meeting |= open.meeting;
    more.ask_information |= open.ask_information;
    (now, more, open)
}

/// The plan of the page for this viewer: the applying school and toeleiding carry the request;
/// an expert and a receiving school read it and are offered no form of the procedure.
pub(crate) fn plan_for(relation: Relation, facts: &Facts) -> Option<Plan> {
    let side = match relation {
        Relation::School => Side::School,
        Relation::Toeleider => Side::Toeleiding,
        Relation::Expert | Relation::Receiving => return None,
    };
    Some(procedure::plan(side, facts))
}

/// The advices this viewer sees: toeleiders every advice, an expert their own, the applying
/// school the given advices once the decision is taken (they are part of what it rests on).
pub(crate) fn advice_lines(
    rows: &[AdviceRow],
    viewer: i64,
    relation: Relation,
    status: Status,
) -> Vec<AdviceLine> {
    rows.iter()
        .filter(|a| {
            relation == Relation::Toeleider
                || a.expert_id == viewer
                || (relation == Relation::School && status.is_final() && a.submitted_at.is_some())
        })
        .map(|a| AdviceLine {
            expert: a.expert_name.clone(),
            profession: a
                .profession
                .as_deref()
                .and_then(Profession::from_code)
                .map_or("–", Profession::label_nl)
                .to_owned(),
            due: long(a.due_on),
            given: a.submitted_at.map_or_else(|| "nog niet".to_owned(), when),
            conclusion: match a.conclusion.as_deref() {
                Some("toelaatbaar") => "Toelaatbaar",
                Some("niet-toelaatbaar") => "Niet toelaatbaar",
                _ => "–",
            }
            .to_owned(),
            text: a.advice_text.clone(),
        })
        .collect()
}

/// The next meeting (if one is planned after `now` and not cancelled) and every meeting.
pub(crate) fn meeting_lines(
    rows: Vec<Meeting>,
    now: DateTime<Utc>,
) -> (Option<String>, Vec<MeetingLine>) {
    let upcoming = rows
        .iter()
        .find(|m| m.starts_at > now && m.cancelled_at.is_none())
        .map(|m| meeting_when(m.starts_at));
    let lines = rows
        .into_iter()
        .map(|m| MeetingLine {
            id: m.id,
            sequence: m.sequence,
            cancelled: m
                .cancelled_at
                .map(|at| format!("Afgezegd op {}. Reden: {}", when(at), m.change_reason)),
            moved: (m.cancelled_at.is_none() && m.sequence > 0)
                .then(|| format!("Verzet. Reden: {}", m.change_reason)),
            to_come: m.cancelled_at.is_none() && m.starts_at > now,
            form: MeetingChangeForm::of(&m),
            kind: meeting_label(&m.kind).1,
            when: meeting_when(m.starts_at),
            place: m.place,
            purpose: m.purpose,
            outcomes: m.outcomes,
            attendees: m.attendees,
        })
        .collect();
    (upcoming, lines)
}

/// The decision as the page shows it, with its bezwaren and, after a revocation, what it said
/// before (a receiving school sees what holds, not what was before nor why).
pub(crate) fn decision_view(
    d: &DecisionRow,
    kind: RequestKind,
    status: Status,
    relation: Relation,
    bezwaren: Vec<BezwaarRow>,
    beslissingen: &[BeslissingRow],
    history: Vec<HistoryRow>,
) -> DecisionView {
    let revoked = !history.is_empty();
    let receiving = relation == Relation::Receiving;
    DecisionView {
        id: d.id,
        outcome: status.label_nl(kind).to_owned(),
        number: d.beschikkingsnummer.clone(),
        placement: match (d.placement.as_deref(), d.category.as_deref()) {
            (Some("sbo"), _) => "Speciaal basisonderwijs (SBO)".to_owned(),
            (Some("so"), Some(c)) => format!("Speciaal onderwijs (SO), categorie {c}"),
            _ => "–".to_owned(),
        },
        start: long_or(d.start_on, "–"),
        end: long_or(d.end_on, "geen einddatum"),
        receiving: d
            .receiving_name
            .clone()
            .unwrap_or_else(|| "nog niet bekend".to_owned()),
        reasons: if revoked && receiving {
            String::new()
        } else {
            d.reasons.clone()
        },
        letter_on: long(d.letter_on),
        sent: d.sent_on.map(|s| {
            let how = crate::letters::how_label(d.sent_how.as_deref().unwrap_or_default());
            format!("{}, {how}", long(s))
        }),
        bezwaar_until: d.sent_on.map(|s| long(tlv::bezwaar_deadline(s))),
        is_tlv: kind.is_tlv(),
        granted: d.granted,
        bezwaar_decided: !beslissingen.is_empty(),
        bezwaren: bezwaren
            .into_iter()
            .map(|b| bezwaar_line(d, b, beslissingen))
            .collect(),
        replaced: if receiving {
            Vec::new()
        } else {
            history.into_iter().map(replaced_line).collect()
        },
    }
}

fn bezwaar_line(d: &DecisionRow, b: BezwaarRow, beslissingen: &[BeslissingRow]) -> BezwaarLine {
    BezwaarLine {
        id: b.id,
        received: long(b.received_on),
        filed_by: crate::letters::filed_by_words(&b.filed_by).to_owned(),
        late: !passend_store::bezwaar::in_time(d.sent_on, b.received_on),
        lbt_due: long(tlv::lbt_deadline(b.received_on)),
        lbt_sent: long_or(b.lbt_sent_on, "nog niet"),
        lbt_advice: match (&b.lbt_advice, b.lbt_advice_on) {
            (Some(a), Some(on)) => format!("{a} (op {})", long(on)),
            _ => "nog niet".to_owned(),
        },
        has_advice: b.lbt_advice.is_some(),
        has_sent: b.lbt_sent_on.is_some(),
        outcome: match b.outcome.as_deref() {
            Some("gegrond") => "Gegrond",
            Some("ongegrond") => "Ongegrond",
            Some("niet-ontvankelijk") => "Niet-ontvankelijk",
            Some("ingetrokken") => "Ingetrokken",
            _ => "Nog geen beslissing",
        }
        .to_owned(),
        open: b.outcome.is_none(),
        beslissing: beslissingen
            .iter()
            .find(|x| x.bezwaar_id == b.id)
            .map(|x| match x.sent_on {
                Some(s) => format!(
                    "brief verzonden op {}; beroep mogelijk tot en met {}",
                    long(s),
                    long(tlv::beroep_deadline(s))
                ),
                None if x.revokes => "brief nog niet verzonden; het besluit wordt herroepen op de dag dat de brief wordt verzonden".to_owned(),
                None => "brief nog niet verzonden".to_owned(),
            }),
        notes: b.notes,
    }
}

/// What a revoked decision said until it was replaced.
pub(crate) fn replaced_line(h: HistoryRow) -> String {
    format!(
        "Tot {} luidde het besluit: {}{}{}. Na het bezwaar is het vervangen door wat hierboven staat; de motivering hierboven is die van het eerste besluit.",
        long(tlv::dutch_day(h.replaced_at)),
        if h.granted {
            "toelaatbaar"
        } else {
            "niet toelaatbaar"
        },
        h.category
            .map(|c| format!(", categorie {c}"))
            .unwrap_or_default(),
        h.receiving_name
            .map(|n| format!(", ontvangende school {n}"))
            .unwrap_or_default()
    )
}

/// When and by whom each version was shared with the parents.
pub(crate) fn share_lines(rows: &[ShareRow]) -> Vec<String> {
    rows.iter()
        .map(|s| {
            format!(
                "Versie {} gedeeld op {}{}; mening gevraagd vóór {}",
                s.request_version,
                when(s.shared_at),
                s.shared_by_name
                    .as_ref()
                    .map(|n| format!(" door {n}"))
                    .unwrap_or_default(),
                long(s.respond_by)
            )
        })
        .collect()
}

/// What the parents answered on this request: (who did what, their words).
pub(crate) fn response_lines(rows: Vec<ResponseRow>, request_id: i64) -> Vec<(String, String)> {
    rows.into_iter()
        .filter(|x| x.request_id == Some(request_id))
        .map(|x| {
            let what = match (x.kind.as_str(), x.answer.as_str()) {
                ("gelezen", _) => "heeft de aanvraag gelezen".to_owned(),
                ("zienswijze", "eens") => "is het eens met de aanvraag".to_owned(),
                ("zienswijze", _) => "is het niet eens met de aanvraag".to_owned(),
                ("ondertekening", name) => format!("heeft ondertekend als “{name}”"),
                _ => "reageerde".to_owned(),
            };
            let text = match &x.attachment_name {
                Some(f) if x.text.is_empty() => format!("Met een document: {f}"),
                Some(f) => format!("{}\n(Met een document: {f})", x.text),
                None => x.text.clone(),
            };
            let version = x.request_version.unwrap_or_default();
            let head = format!(
                "{} {what} (versie {version}, {})",
                x.user_name,
                when(x.responded_at)
            );
            (head, text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn facts(status: Status) -> Facts {
        Facts {
            kind: RequestKind::TlvSo(passend_domain::tlv::Category::Laag),
            status,
            suspended: false,
            complete: true,
            received: true,
            advices_asked: 2,
            advices_given: 1,
            advice_problem: Some(passend_domain::tlv::AdviceProblem::TooFew),
            letter_sent: false,
            open_bezwaar: false,
        }
    }

    #[test]
    fn only_the_school_and_toeleiding_are_offered_forms() {
        let f = facts(Status::AdviesGevraagd);
        for r in [Relation::Expert, Relation::Receiving] {
            assert!(plan_for(r, &f).is_none(), "{r:?}");
        }
        let school = plan_for(Relation::School, &f).unwrap();
        assert!(!school.now.decide && !school.more.decide && !school.more.assign);
        let swv = plan_for(Relation::Toeleider, &f).unwrap();
        assert_eq!(swv.next, Next::AwaitAdvices);
    }

    #[test]
    fn what_is_missing_before_a_decision_is_said_plainly() {
        let f = facts(Status::AdviesGevraagd);
        let s = Situation {
            facts: &f,
            contact: Some("Tineke Toeleider"),
            received: None,
            due: chrono::NaiveDate::from_ymd_opt(2026, 12, 18),
            suspended_reason: None,
            missing: &[],
            parents_to_ask: false,
            swv: true,
            decision: None,
        };
        let next = next_line(Next::AwaitAdvices, &s, 7);
        assert_eq!(
            next.text,
            "2 gevraagd, 1 gegeven. Nog geen besluit mogelijk: er zijn twee deskundigenadviezen nodig. Besluit uiterlijk vrijdag 18 december 2026."
        );
        let steps = staff_steps(&s);
        let decision = steps.last().unwrap();
        assert_eq!(decision.state, "upcoming");
        assert!(
            decision.detail.contains("Nog niet mogelijk: er zijn twee"),
            "{}",
            decision.detail
        );
        assert_eq!(steps.iter().filter(|x| x.state == "current").count(), 1);
        // The school does not read toeleiding's judgement of the advices.
        let school = Situation { swv: false, ..s };
        let steps = staff_steps(&school);
        assert!(!steps.last().unwrap().detail.contains("Nog niet mogelijk"));
        // A reason typed without a full stop still reads as a sentence.
        let mut waiting = f.clone();
        waiting.suspended = true;
        let asked = Situation {
            facts: &waiting,
            suspended_reason: Some("Het verslag van het TLO ontbreekt"),
            ..school
        };
        assert!(
            next_line(Next::ProvideInformation, &asked, 7)
                .text
                .starts_with("Gevraagd: Het verslag van het TLO ontbreekt. Voeg")
        );
    }

    #[test]
    fn a_failed_form_stays_on_the_page_with_its_input() {
        let f = facts(Status::AdviesGevraagd);
        let plan = plan_for(Relation::Toeleider, &f).unwrap();
        assert!(!plan.now.decide);
        // A decision tried too early: its form shows, with the message, in its place.
        let (now, _, open) = with_errors(plan, &[("besluit".to_owned(), "x".to_owned())]);
        assert!(now.decide);
        assert_eq!(open, Forms::default());
        // A meeting form with a message opens under "Andere acties".
        let (_, more, open) = with_errors(plan, &[("overleg-datum".to_owned(), "x".to_owned())]);
        assert!(more.meeting && open.meeting && !open.assign);
        // No one ticked as attending: the same form opens.
        let (_, _, open) = with_errors(plan, &[("aanwezig-ouders".to_owned(), "x".to_owned())]);
        assert!(open.meeting);
        // A meeting's own move form failed: the planning form stays closed.
        let (_, _, open) = with_errors(plan, &[("overleg-3-reden".to_owned(), "x".to_owned())]);
        assert!(!open.meeting);
        let (_, _, open) = with_errors(plan, &[]);
        assert_eq!(open, Forms::default());
    }

    #[test]
    fn a_replaced_decision_says_what_it_was() {
        let line = replaced_line(HistoryRow {
            granted: true,
            receiving_location_id: None,
            receiving_name: Some("De Bongerd".to_owned()),
            placement: Some("so".to_owned()),
            category: Some("midden".to_owned()),
            start_on: None,
            end_on: None,
            replaced_at: Utc.with_ymd_and_hms(2026, 3, 2, 10, 0, 0).unwrap(),
            replaced_by: 1,
        });
        assert!(line.starts_with("Tot maandag 2 maart 2026 luidde het besluit: toelaatbaar, categorie midden, ontvangende school De Bongerd."), "{line}");
    }
}
