//! The request page's pure step: from the rows `request_view` loaded to the lines the page
//! shows. No queries and no audit here, so every rule of what a viewer sees is unit-tested below.

use super::{AdviceLine, BezwaarLine, DecisionView, MeetingLine};
use crate::access::Relation;
use crate::dates::{long, long_or, meeting_when, when};
use crate::routes::casework::request::{MeetingChangeForm, meeting_label};
use chrono::{DateTime, Utc};
use passend_domain::tlv::{self, Profession, RequestKind, Status};
use passend_store::bezwaar::{BeslissingRow, HistoryRow};
use passend_store::casework::{AdviceRow, BezwaarRow, DecisionRow, Meeting};
use passend_store::portal::{ResponseRow, ShareRow};

/// What the viewer may do on the request page, by the request's kind and status and the
/// viewer's relation to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Actions {
    pub(crate) assign: bool,
    pub(crate) ask_advice: bool,
    pub(crate) decide: bool,
    pub(crate) withdraw: bool,
}

impl Actions {
    pub(crate) fn of(kind: RequestKind, status: Status, relation: Relation) -> Actions {
        let swv = relation == Relation::Toeleider;
        let treating = matches!(status, Status::InBehandeling | Status::AdviesGevraagd);
        Actions {
            assign: swv && (treating || status == Status::Ingediend),
            ask_advice: swv && treating,
            // A TLV is decided on the experts' advices; other requests while being treated.
            decide: swv
                && if kind.is_tlv() {
                    status == Status::AdviesGevraagd
                } else {
                    treating
                },
            withdraw: (relation == Relation::School || swv) && !status.is_final(),
        }
    }
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

    #[test]
    fn who_may_do_what_follows_the_request_life_cycle() {
        let tlv = RequestKind::TlvSo(passend_domain::tlv::Category::Laag);
        let advice = RequestKind::Advies;
        let t = Relation::Toeleider;
        // A TLV is decided only once the advices were asked.
        assert!(!Actions::of(tlv, Status::InBehandeling, t).decide);
        assert!(Actions::of(tlv, Status::AdviesGevraagd, t).decide);
        assert!(Actions::of(advice, Status::InBehandeling, t).decide);
        // Only toeleiding assigns, asks advice and decides.
        for r in [Relation::School, Relation::Expert, Relation::Receiving] {
            let a = Actions::of(tlv, Status::AdviesGevraagd, r);
            assert!(!a.assign && !a.ask_advice && !a.decide, "{r:?}");
        }
        assert!(Actions::of(tlv, Status::Ingediend, t).assign);
        assert!(!Actions::of(tlv, Status::Ingediend, t).ask_advice);
        // The school and toeleiding withdraw an open request; nobody a decided one.
        assert!(Actions::of(tlv, Status::Concept, Relation::School).withdraw);
        assert!(!Actions::of(tlv, Status::Concept, Relation::Expert).withdraw);
        assert_eq!(
            Actions::of(tlv, Status::Toegekend, t),
            Actions::default(),
            "a decided request offers nothing"
        );
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
