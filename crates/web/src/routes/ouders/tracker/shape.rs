//! The tracker's pure step: from the rows `tracker_view` loaded to what the parent reads. No
//! queries and no audit here (today's date comes in as a value), so the rules of what a parent
//! is told are unit-tested below.

use super::{BeslissingLines, DecisionLines, PathStep, ShareView, StepLine};
use crate::routes::ouders::stamp;
use crate::texts::portal::{PortalTexts, day};
use chrono::NaiveDate;
use passend_domain::portal::{self as rules, StepState};
use passend_domain::tlv::{self, RequestKind, Status};
use passend_store::bezwaar::BeslissingRow;
use passend_store::casework::{BezwaarRow, DecisionRow, Meeting};
use passend_store::portal::{ResponseRow, ShareRow};

/// The steps of the request's life, each done, current or upcoming.
pub(crate) fn step_lines(
    t: &'static PortalTexts,
    kind: RequestKind,
    status: Status,
) -> Vec<StepLine> {
    rules::progress(kind, status)
        .into_iter()
        .map(|(s, st)| StepLine {
            label: super::step_label(t, s),
            state: match st {
                StepState::Done => "done",
                StepState::Current => "current",
                StepState::Upcoming => "upcoming",
            },
            state_text: match st {
                StepState::Done => t.state_done,
                StepState::Current => t.state_current,
                StepState::Upcoming => t.state_upcoming,
            },
        })
        .collect()
}

/// The SWV's settings the decision's lines name.
pub(crate) struct Addresses<'a> {
    /// Where a bezwaar goes by post ("" when not set).
    pub(crate) postal: &'a str,
    /// The request's contact, when no postal address is set.
    pub(crate) contact_email: Option<&'a str>,
    /// The court for beroep.
    pub(crate) rechtbank: &'a str,
}

/// A decision as the parent reads it: its facts, how to object and what came of a bezwaar, the
/// dates it adds, and what happens next when that is now about the bezwaar or beroep.
pub(crate) struct Decided {
    pub(crate) lines: DecisionLines,
    pub(crate) dates: Vec<(String, String)>,
    pub(crate) next: Option<&'static str>,
}

/// The decision's lines. A TLV's bezwaar part is told from its own rows: how to object until
/// the parents objected or a beslissing came, each bezwaar's state (its outcome only once the
/// letter was sent), and each beslissing op bezwaar with the beroep term.
pub(crate) fn decided(
    t: &'static PortalTexts,
    d: &DecisionRow,
    kind: RequestKind,
    bezwaren: Vec<BezwaarRow>,
    bobs: Vec<BeslissingRow>,
    at: &Addresses<'_>,
    today: NaiveDate,
) -> Decided {
    let mut dates = vec![(t.date_decided.to_owned(), day(t, d.letter_on))];
    let outcome = if d.granted {
        t.status_granted
    } else {
        t.status_refused
    };
    let mut facts = vec![
        (t.decision_outcome.to_owned(), outcome.to_owned()),
        (t.decision_number.to_owned(), d.beschikkingsnummer.clone()),
    ];
    if d.granted {
        if let Some(s) = d.start_on {
            facts.push((t.decision_from.to_owned(), day(t, s)));
        }
        let until = d
            .end_on
            .map_or_else(|| t.decision_no_end.to_owned(), |e| day(t, e));
        facts.push((t.decision_until.to_owned(), until));
        if let Some(n) = &d.receiving_name {
            facts.push((t.decision_school.to_owned(), n.clone()));
        }
    }
    if let Some(sent) = d.sent_on {
        facts.push((t.letter_sent.to_owned(), day(t, sent)));
    }
    let mut next = None;
    let mut bezwaar = Vec::new();
    let mut beslissingen = Vec::new();
    if kind.is_tlv() {
        // How to object is told until the parents objected, or there was a beslissing (then
        // only beroep is open to them).
        let explain = bobs.is_empty() && !bezwaren.iter().any(|b| b.filed_by == "ouders");
        // What happens next is then about the bezwaar, and after its beslissing, beroep.
        if bezwaren.iter().any(|b| b.outcome.is_none()) || bobs.iter().any(|x| x.sent_on.is_none())
        {
            next = Some(t.next_bezwaar);
        } else if bobs.iter().any(|x| x.sent_on.is_some()) {
            next = Some(t.next_beroep);
        }
        // The bezwaar term runs from the day the letter was sent (Awb 3:41, 6:8): until then
        // there is no date to show.
        match d.sent_on {
            Some(sent) => {
                let until = tlv::bezwaar_deadline(sent);
                dates.push((t.date_bezwaar.to_owned(), day(t, until)));
                if explain {
                    let line = if until < today {
                        t.bezwaar_passed
                    } else {
                        t.bezwaar_1
                    };
                    bezwaar.push(line.replace("{date}", &day(t, until)));
                }
            }
            None => bezwaar.push(t.letter_not_sent.to_owned()),
        }
        if explain {
            let address = bezwaar_address(t, at);
            bezwaar.push(
                t.bezwaar_2
                    .replace("{number}", &d.beschikkingsnummer)
                    .replace("{address}", address),
            );
            bezwaar.push(t.bezwaar_3.to_owned());
        }
        for b in bezwaren {
            // The outcome is told with its letter: until that is sent, only that it was decided.
            let unsent = bobs
                .iter()
                .any(|x| x.bezwaar_id == b.id && x.sent_on.is_none());
            let outcome = if unsent {
                t.bezwaar_decided_unsent
            } else {
                outcome_words(t, b.outcome.as_deref())
            };
            bezwaar.push(
                t.bezwaar_received
                    .replace("{date}", &day(t, b.received_on))
                    .replace("{outcome}", outcome),
            );
        }
        for bob in bobs {
            let (lines, beroep) = beslissing_lines(t, &bob, at.rechtbank);
            dates.extend(beroep);
            beslissingen.push(BeslissingLines {
                id: bob.id,
                lines,
                letter: bob.sent_on.is_some(),
            });
        }
    }
    Decided {
        lines: DecisionLines {
            id: d.id,
            facts,
            letter: kind.is_tlv() && d.sent_on.is_some(),
            bezwaar,
            beslissingen,
        },
        dates,
        next,
    }
}

/// Where a bezwaar goes: the SWV's postal address, else the request's contact, else a line that
/// says to ask.
fn bezwaar_address<'a>(t: &'static PortalTexts, at: &Addresses<'a>) -> &'a str {
    match (at.postal, at.contact_email) {
        ("", Some(e)) => e,
        ("", None) => t.bezwaar_address_unknown,
        (postal, _) => postal,
    }
}

fn outcome_words(t: &'static PortalTexts, outcome: Option<&str>) -> &'static str {
    match outcome {
        Some("gegrond") => t.bezwaar_upheld,
        Some("ongegrond") => t.bezwaar_rejected,
        Some("niet-ontvankelijk") => t.bezwaar_inadmissible,
        Some("ingetrokken") => t.bezwaar_withdrawn,
        _ => t.bezwaar_open,
    }
}

/// A beslissing op bezwaar's lines, and the beroep date once its letter was sent.
fn beslissing_lines(
    t: &'static PortalTexts,
    bob: &BeslissingRow,
    rechtbank: &str,
) -> (Vec<String>, Option<(String, String)>) {
    let mut lines = Vec::new();
    if let (Some(a), Some(on)) = (&bob.lbt_advice, bob.lbt_advice_on) {
        let advice = match a.as_str() {
            "gegrond" => t.advice_upheld,
            "ongegrond" => t.advice_rejected,
            _ => t.advice_inadmissible,
        };
        lines.push(
            t.lbt_advice
                .replace("{date}", &day(t, on))
                .replace("{advice}", advice),
        );
    }
    let Some(sent) = bob.sent_on else {
        lines.push(t.bob_not_sent.to_owned());
        return (lines, None);
    };
    lines.push(
        t.bob_outcome
            .replace("{outcome}", outcome_words(t, Some(&bob.outcome)))
            .replace("{date}", &day(t, bob.letter_on)),
    );
    if bob.revokes {
        lines.push(t.bob_revoked.to_owned());
    }
    let until = tlv::beroep_deadline(sent);
    lines.push(
        t.beroep_1
            .replace("{court}", rechtbank)
            .replace("{date}", &day(t, until)),
    );
    lines.push(t.beroep_2.to_owned());
    (lines, Some((t.date_beroep.to_owned(), day(t, until))))
}

/// The latest version shared with the parents, with what each parent did with it and what this
/// parent may still do.
pub(crate) fn share_view(
    t: &'static PortalTexts,
    s: ShareRow,
    responses: &[ResponseRow],
    me: i64,
    status: Status,
    today: NaiveDate,
) -> ShareView {
    let done = responses
        .iter()
        .filter(|x| x.request_share_id == Some(s.id))
        .map(|x| {
            let who = if x.user_id == me {
                t.you.to_owned()
            } else {
                x.user_name.clone()
            };
            let line = match (x.kind.as_str(), x.answer.as_str()) {
                ("gelezen", _) => t.resp_read,
                ("zienswijze", "eens") => t.resp_agree,
                ("zienswijze", _) => t.resp_disagree,
                ("ondertekening", _) => t.resp_signed,
                _ => t.resp_other,
            };
            line.replace("{who}", &who)
                .replace("{date}", &stamp(t, x.responded_at))
        })
        .collect();
    let mine = |kind: &str| {
        responses
            .iter()
            .rfind(|x| x.request_share_id == Some(s.id) && x.user_id == me && x.kind == kind)
    };
    let my_view = mine("zienswijze").map(|x| {
        let words = if x.answer == "eens" {
            t.view_agree
        } else {
            t.view_disagree
        };
        (words.to_owned(), x.text.clone())
    });
    // Something of mine on an earlier version of this request.
    let new_version = responses.iter().any(|x| {
        x.user_id == me
            && x.request_id == Some(s.request_id)
            && x.request_share_id.is_some_and(|id| id != s.id)
    });
    let deadline = if s.respond_by < today {
        t.view_deadline_passed
    } else {
        t.view_deadline
    };
    let by = day(t, s.respond_by);
    let steps = vec![
        PathStep {
            title: t.read_title,
            done: mine("gelezen").is_some(),
            note: t.path_read.to_owned(),
            anchor: "gelezen-kop",
        },
        PathStep {
            title: t.view_title,
            done: my_view.is_some(),
            note: t.path_view.replace("{date}", &by),
            anchor: "zienswijze-kop",
        },
        PathStep {
            title: t.sign_title,
            done: mine("ondertekening").is_some(),
            note: t.path_sign.to_owned(),
            anchor: "tekenen-kop",
        },
    ];
    ShareView {
        id: s.id,
        intro: t
            .share_intro
            .replace("{date}", &stamp(t, s.shared_at))
            .replace("{version}", &s.request_version.to_string()),
        budget: s.budget_euros.map(|b| format!("€ {b}")).unwrap_or_default(),
        period: match (s.period_start, s.period_end) {
            (Some(a), Some(b)) => format!("{} – {}", day(t, a), day(t, b)),
            _ => String::new(),
        },
        question: s.question,
        goals: s.goals,
        done,
        can_respond: rules::may_respond(status),
        can_read: mine("gelezen").is_none(),
        can_sign: mine("ondertekening").is_none(),
        my_view,
        new_version,
        deadline_line: deadline.replace("{date}", &by),
        steps,
    }
}

/// The meetings the parents are asked to, with the moment in words and what changed: a moved
/// meeting says so, a cancelled one stays listed as not taking place.
pub(crate) fn meeting_lines(t: &'static PortalTexts, meetings: Vec<Meeting>) -> Vec<String> {
    meetings
        .into_iter()
        .filter(|m| m.attendees.contains("ouders"))
        .map(|m| {
            let kind = if m.kind == "tlo" {
                t.meeting_tlo
            } else {
                t.meeting_mdo
            };
            let local = passend_domain::time::to_local(m.starts_at);
            let clock = if t.language() == passend_domain::Lang::Nl {
                local.format("%H.%M uur").to_string()
            } else {
                local.format("%H:%M").to_string()
            };
            let line = format!("{kind}: {}, {clock}, {}", day(t, local.date()), m.place);
            if m.cancelled_at.is_some() {
                format!("{line}. {} {}", t.meeting_cancelled, m.change_reason)
            } else if m.sequence > 0 {
                format!("{line}. {} {}", t.meeting_moved, m.change_reason)
            } else {
                line
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::texts::portal::NL;
    use chrono::{TimeZone, Utc};

    fn meeting(kind: &str, attendees: &str) -> Meeting {
        Meeting {
            id: 1,
            kind: kind.to_owned(),
            starts_at: Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap(),
            place: "De Schakel".to_owned(),
            purpose: String::new(),
            outcomes: String::new(),
            attendees: attendees.to_owned(),
            sequence: 0,
            cancelled_at: None,
            change_reason: String::new(),
            uid: String::new(),
            recipients: String::new(),
        }
    }

    #[test]
    fn parents_see_only_the_meetings_they_are_asked_to() {
        let lines = meeting_lines(
            &NL,
            vec![meeting("tlo", "school,ouders"), meeting("mdo", "school")],
        );
        assert_eq!(lines.len(), 1);
        assert!(lines[0].starts_with(NL.meeting_tlo), "{}", lines[0]);
        assert!(
            lines[0].ends_with(": maandag 7 december 2026, 10.00 uur, De Schakel"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn a_moved_or_cancelled_meeting_says_so_with_its_reason() {
        let mut moved = meeting("tlo", "de ouders");
        moved.sequence = 1;
        moved.change_reason = "De school is dicht.".to_owned();
        let mut cancelled = moved.clone();
        cancelled.sequence = 2;
        cancelled.cancelled_at = Some(Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap());
        cancelled.change_reason = "Er is een besluit genomen over de aanvraag.".to_owned();
        let lines = meeting_lines(&NL, vec![moved, cancelled]);
        assert!(
            lines[0].ends_with(&format!("{} De school is dicht.", NL.meeting_moved)),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].ends_with(&format!(
                "{} Er is een besluit genomen over de aanvraag.",
                NL.meeting_cancelled
            )),
            "{}",
            lines[1]
        );
        let en = meeting_lines(&crate::texts::portal::EN, vec![meeting("mdo", "de ouders")]);
        assert!(en[0].contains("Monday 7 December 2026, 10:00"), "{}", en[0]);
    }

    #[test]
    fn a_bezwaar_goes_to_the_postal_address_else_the_contact() {
        let at = |postal, contact_email| Addresses {
            postal,
            contact_email,
            rechtbank: "",
        };
        assert_eq!(
            bezwaar_address(&NL, &at("Postbus 1, Almere", Some("a@swv.nl"))),
            "Postbus 1, Almere"
        );
        assert_eq!(bezwaar_address(&NL, &at("", Some("a@swv.nl"))), "a@swv.nl");
        assert_eq!(
            bezwaar_address(&NL, &at("", None)),
            NL.bezwaar_address_unknown
        );
    }

    #[test]
    fn every_step_has_its_state() {
        let steps = step_lines(&NL, RequestKind::TlvSbo, Status::InBehandeling);
        assert!(steps.iter().any(|s| s.state == "done"));
        assert_eq!(steps.iter().filter(|s| s.state == "current").count(), 1);
        assert!(steps.iter().all(|s| !s.label.is_empty()));
    }
}
