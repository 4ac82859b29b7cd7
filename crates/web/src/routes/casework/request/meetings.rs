//! Meetings of a request (TLO, MDO): planned by toeleiding, moved or cancelled with a reason that
//! everyone invited is told, and cancelled with the decision or a withdrawal. Every invitation,
//! move and cancellation carries a calendar file with the meeting's UID and a rising sequence.

use crate::AppState;
use crate::access::actor;
use crate::calendar;
use crate::dates::{meeting_when, today};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, Opt, date_field, opts, required, summary, text_limit, val};
use crate::notices::{contact_phrase, mail_text, request_link};
use crate::routes::casework::*;
use axum::extract::Path;
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime, NaiveTime, Utc};
use passend_store::casework::{self as cw, Meeting, MeetingChange, Notice, Request};
use passend_store::outbox::Attachment;

/// Who may attend a meeting: roles, never names, so the invitation holds no personal data.
pub(crate) const ATTENDEES: [(&str, &str); 9] = [
    ("ouders", "de ouders"),
    ("leerling", "de leerling (als dat past)"),
    ("ib", "de intern begeleider"),
    ("leerkracht", "de leerkracht"),
    ("directeur", "de directeur van de school"),
    ("toeleider", "een toeleider van het samenwerkingsverband"),
    ("deskundige", "een orthopedagoog of psycholoog"),
    ("jeugdhulp", "jeugdhulp of het wijkteam"),
    ("ontvangend", "iemand van de mogelijke nieuwe school"),
];

/// How long a meeting lasts in the calendar.
const MEETING_MINUTES: i64 = 60;

pub(crate) fn attendee_options(chosen: &[String]) -> Vec<Opt> {
    ATTENDEES
        .iter()
        .map(|(v, l)| Opt {
            value: (*v).to_owned(),
            label: (*l).to_owned(),
            selected: chosen.iter().any(|c| c == v),
        })
        .collect()
}

/// The purpose and the possible outcomes of a meeting, in the same words for everyone.
pub(crate) fn meeting_texts(kind: &str) -> (&'static str, &'static str) {
    if kind == "tlo" {
        (
            "Samen bespreken of een toelaatbaarheidsverklaring (TLV) de beste weg is, en wat de leerling nodig heeft.",
            "Een aanvraag voor een TLV voor het speciaal (basis)onderwijs; extra ondersteuning op de eigen school (een arrangement); of een andere school die kan bieden wat nodig is.",
        )
    } else {
        (
            "Samen bespreken wat de leerling nodig heeft en welke ondersteuning de school kan bieden.",
            "Een arrangement op de eigen school; advies aan de school; verder onderzoek; of een toelaatbaarheidsoverleg.",
        )
    }
}

/// The meeting's name in a sentence and as a calendar title.
pub(crate) fn meeting_label(kind: &str) -> (&'static str, &'static str) {
    if kind == "tlo" {
        (
            "toelaatbaarheidsoverleg (TLO)",
            "Toelaatbaarheidsoverleg (TLO)",
        )
    } else {
        (
            "multidisciplinair overleg (MDO)",
            "Multidisciplinair overleg (MDO)",
        )
    }
}

/// What a mail about a meeting announces.
#[derive(Debug, Clone, Copy)]
enum News<'a> {
    Invitation,
    Moved(&'a str),
    Cancelled(&'a str),
}

/// The facts of a meeting the mails and calendar files need.
struct Facts<'a> {
    uid: &'a str,
    sequence: i64,
    kind: &'a str,
    starts_at: DateTime<Utc>,
    place: &'a str,
    attendees: &'a str,
}

/// The mails about a meeting, one per person invited (`key address` lines), each with its
/// calendar file: neutral words, the moment in Dutch, no names.
fn meeting_mails(
    state: &AppState,
    r: &Request,
    m: &Facts<'_>,
    recipients: &str,
    news: News<'_>,
    stamp: i64,
) -> Vec<Notice> {
    let (label, title) = meeting_label(m.kind);
    let (purpose, outcomes) = meeting_texts(m.kind);
    let (subject, school_intro, parent_intro, reason) = match news {
        News::Invitation => (
            "Uitnodiging voor een overleg",
            format!("U bent uitgenodigd voor een {label} over een leerling."),
            format!("U bent uitgenodigd voor een {label} over uw kind."),
            None,
        ),
        News::Moved(why) => (
            "Overleg verzet",
            format!(
                "Het {label} over een leerling is verzet naar een ander moment of een andere plaats."
            ),
            format!(
                "Het {label} over uw kind is verzet naar een ander moment of een andere plaats."
            ),
            Some(why),
        ),
        News::Cancelled(why) => (
            "Overleg gaat niet door",
            format!(
                "Het {label} over een leerling op {} gaat niet door.",
                meeting_when(m.starts_at)
            ),
            format!(
                "Het {label} over uw kind op {} gaat niet door.",
                meeting_when(m.starts_at)
            ),
            Some(why),
        ),
    };
    let cancelled = matches!(news, News::Cancelled(_));
    let mut details = Vec::new();
    if let Some(why) = reason {
        details.push(format!("Reden: {why}"));
    }
    if !cancelled {
        details.push(format!("Wanneer: {}", meeting_when(m.starts_at)));
        details.push(format!("Waar: {}", m.place));
        details.push(format!("Wie zijn er bij: {}", m.attendees));
        details.push(format!("Doel: {purpose}"));
        details.push(format!("Mogelijke uitkomsten: {outcomes}"));
    }
    let calendar_line = if cancelled {
        "In de bijlage staat de afzegging voor uw agenda."
    } else {
        "In de bijlage staat de afspraak voor uw agenda."
    };
    let school_link = request_link(state, r.id);
    let parent_contact = format!(
        "Heeft u vragen, of kunt u niet? Neem dan contact op met {}, of met de school. Het Oudersteunpunt helpt u gratis en onafhankelijk.",
        contact_phrase(r)
    );
    let description = match reason {
        Some(why) => format!("{purpose}\n{why}"),
        None => purpose.to_owned(),
    };
    recipients
        .lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(who, email)| {
            let school = who.starts_with("school");
            let mut lines: Vec<&str> = vec![if school { &school_intro } else { &parent_intro }];
            lines.extend(details.iter().map(String::as_str));
            lines.push(calendar_line);
            lines.push(if school {
                &school_link
            } else {
                &parent_contact
            });
            let ics = calendar::ics(
                &calendar::Event {
                    uid: m.uid,
                    sequence: m.sequence,
                    starts_at: m.starts_at,
                    minutes: MEETING_MINUTES,
                    summary: title,
                    location: m.place,
                    description: &description,
                    organizer: &state.casework.mail_address,
                    attendee: email,
                    cancelled,
                },
                Utc::now(),
            );
            // A neutral subject: the mail queue shows it next to the address. A calendar file
            // goes alone, never combined with other news.
            Notice {
                key: format!("overleg-{}-{}-{stamp}-{who}", r.id, m.sequence),
                to: email.to_owned(),
                subject: subject.to_owned(),
                body: mail_text(&state.site_name, &lines),
                attachment: Some(Attachment {
                    name: if cancelled {
                        "afzegging.ics".to_owned()
                    } else {
                        "uitnodiging.ics".to_owned()
                    },
                    content_type: calendar::content_type(cancelled).to_owned(),
                    body: ics,
                }),
                combine: None,
            }
        })
        .collect()
}

/// The cancellation mails for a request's meetings still to come, when a decision or a
/// withdrawal ends the procedure (the store cancels them in the same transaction).
pub(crate) async fn cancellations(
    state: &AppState,
    r: &Request,
    reason: &str,
) -> AppResult<Vec<Notice>> {
    let now = Utc::now();
    let stamp = now.timestamp_micros();
    let mut out = Vec::new();
    for m in cw::meetings(&state.db, r.id).await? {
        if m.cancelled_at.is_none() && m.starts_at > now {
            out.extend(meeting_mails(
                state,
                r,
                &facts(&m, m.sequence + 1, m.starts_at, &m.place),
                &m.recipients,
                News::Cancelled(reason),
                stamp,
            ));
        }
    }
    Ok(out)
}

fn facts<'a>(m: &'a Meeting, sequence: i64, starts_at: DateTime<Utc>, place: &'a str) -> Facts<'a> {
    Facts {
        uid: &m.uid,
        sequence,
        kind: &m.kind,
        starts_at,
        place,
        attendees: &m.attendees,
    }
}

/// Reads a date and a time that must be from now on.
fn moment(date: &mut Field, time: &mut Field) -> Option<DateTime<Utc>> {
    let d = date_field(&date.value.clone(), date, true, "de datum");
    if d.is_some_and(|d| d < today()) {
        date.error = Some("Deze datum is al voorbij. Kies een datum vanaf vandaag.".to_owned());
    }
    let t = NaiveTime::parse_from_str(&time.value.replace('.', ":"), "%H:%M").ok();
    if t.is_none() {
        time.error = Some("Vul een tijd in, bijvoorbeeld 14:30.".to_owned());
    }
    match (d, t, date.error.is_none()) {
        (Some(d), Some(t), true) => {
            Some(passend_domain::time::from_local(NaiveDateTime::new(d, t)))
        }
        _ => None,
    }
}

pub(crate) async fn plan_meeting(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody {
        fields: f,
        raw: body,
    }: FormBody,
) -> AppResult<Response> {
    let r = swv_request(&state, &visitor, &p, id).await?;
    if status_of(&r)?.is_final() {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let mut swv = swv_forms(&state, &p, &r, kind_of(&r)?).await?;
    let kind = if val(&f, "overleg-soort") == "mdo" {
        "mdo"
    } else {
        "tlo"
    };
    swv.meeting_kind = opts(
        [
            ("tlo", "Toelaatbaarheidsoverleg (TLO)"),
            ("mdo", "Multidisciplinair overleg (MDO)"),
        ],
        kind,
    );
    swv.meeting_date = Field::of(val(&f, "overleg-datum"));
    swv.meeting_time = Field::of(val(&f, "overleg-tijd"));
    swv.meeting_place = Field::of(val(&f, "overleg-plaats"));
    let chosen: Vec<String> = crate::forms::every(&body, "aanwezig")
        .into_iter()
        .filter(|v| ATTENDEES.iter().any(|(c, _)| c == v))
        .collect();
    swv.meeting_attendees = attendee_options(&chosen);
    let starts = moment(&mut swv.meeting_date, &mut swv.meeting_time);
    required(
        &mut swv.meeting_place,
        "Vul in waar het overleg is (of dat het online is).",
    );
    text_limit(&mut swv.meeting_place, 300, "de plaats");
    let mut errors = summary(&[
        ("overleg-datum", &swv.meeting_date),
        ("overleg-tijd", &swv.meeting_time),
        ("overleg-plaats", &swv.meeting_place),
    ]);
    if chosen.is_empty() {
        let m = "Kies wie er bij zijn.".to_owned();
        swv.meeting_attendees_error = Some(m.clone());
        errors.push(("aanwezig-ouders".to_owned(), m));
    }
    let (Some(starts), true) = (starts, errors.is_empty()) else {
        return rerender_swv(&state, &visitor, &r, swv, errors).await;
    };
    let (purpose, outcomes) = meeting_texts(kind);
    let attendees = ATTENDEES
        .iter()
        .filter(|(c, _)| chosen.iter().any(|x| x == c))
        .map(|(_, l)| *l)
        .collect::<Vec<_>>()
        .join(", ");
    let mut recipients = String::new();
    for (uid, _, email) in request_school_staff(&state, p.tenant_id, &r).await? {
        recipients.push_str(&format!("school-{uid} {email}\n"));
    }
    if chosen.iter().any(|c| c == "ouders") {
        for g in cw::guardians(&state.db, r.pupil_id).await? {
            if g.parental_authority && !g.email.is_empty() {
                recipients.push_str(&format!("ouder-{} {}\n", g.id, g.email));
            }
        }
    }
    let host = state
        .base_url
        .split("://")
        .nth(1)
        .and_then(|h| h.split(['/', ':']).next())
        .unwrap_or("passend");
    let uid = format!("overleg-{}@{host}", uuid::Uuid::new_v4().simple());
    let place = swv.meeting_place.value.clone();
    let notices = meeting_mails(
        &state,
        &r,
        &Facts {
            uid: &uid,
            sequence: 0,
            kind,
            starts_at: starts,
            place: &place,
            attendees: &attendees,
        },
        &recipients,
        News::Invitation,
        Utc::now().timestamp_micros(),
    );
    cw::plan_meeting(
        &state.db,
        &actor(&p, &visitor),
        &r,
        kind,
        starts,
        &place,
        purpose,
        outcomes,
        &attendees,
        &uid,
        &recipients,
        &format!(
            "Overleg gepland: {} op {}",
            meeting_label(kind).0,
            meeting_when(starts)
        ),
        &notices,
    )
    .await?;
    Ok(see_request(r.id, "overleg"))
}

/// The move-or-cancel form of one meeting, as typed.
#[derive(Debug, Clone, Default)]
pub(crate) struct MeetingChangeForm {
    pub(crate) meeting_id: i64,
    /// The fields' names (unique on the page: one form per meeting).
    pub(crate) ids: MeetingFieldIds,
    pub(crate) cancel: bool,
    pub(crate) date: Field,
    pub(crate) time: Field,
    pub(crate) place: Field,
    pub(crate) reason: Field,
}

/// The names of one meeting's form fields.
#[derive(Debug, Clone, Default)]
pub(crate) struct MeetingFieldIds {
    pub(crate) action: String,
    pub(crate) date: String,
    pub(crate) time: String,
    pub(crate) place: String,
    pub(crate) reason: String,
}

impl MeetingFieldIds {
    fn of(meeting_id: i64) -> MeetingFieldIds {
        let n = |f: &str| format!("overleg-{meeting_id}-{f}");
        MeetingFieldIds {
            action: n("actie"),
            date: n("datum"),
            time: n("tijd"),
            place: n("plaats"),
            reason: n("reden"),
        }
    }
}

impl MeetingChangeForm {
    /// The form as first shown: the meeting's own moment and place.
    pub(crate) fn of(m: &Meeting) -> MeetingChangeForm {
        let local = passend_domain::time::to_local(m.starts_at);
        MeetingChangeForm {
            meeting_id: m.id,
            ids: MeetingFieldIds::of(m.id),
            cancel: false,
            date: Field::of(local.format("%Y-%m-%d").to_string()),
            time: Field::of(local.format("%H:%M").to_string()),
            place: Field::of(m.place.clone()),
            reason: Field::default(),
        }
    }
}

/// Moves (`actie=verzetten`) or cancels (`actie=afzeggen`) a meeting still to come.
pub(crate) async fn change_meeting(
    SignedIn { state, visitor, p }: SignedIn,
    Path((id, meeting_id)): Path<(i64, i64)>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let r = swv_request(&state, &visitor, &p, id).await?;
    let meetings = cw::meetings(&state.db, r.id).await?;
    let Some(m) = meetings.iter().find(|m| m.id == meeting_id) else {
        return Err(crate::error::AppError::NotFound);
    };
    let seen = val(&f, "versie").parse::<i64>().ok();
    if status_of(&r)?.is_final()
        || m.cancelled_at.is_some()
        || m.starts_at <= Utc::now()
        || seen != Some(m.sequence)
    {
        return Ok(see_request(r.id, "gewijzigd"));
    }
    let ids = MeetingFieldIds::of(m.id);
    let mut form = MeetingChangeForm {
        meeting_id: m.id,
        cancel: val(&f, &ids.action) == "afzeggen",
        date: Field::of(val(&f, &ids.date)),
        time: Field::of(val(&f, &ids.time)),
        place: Field::of(val(&f, &ids.place)),
        reason: Field::of(val(&f, &ids.reason)),
        ids,
    };
    required(
        &mut form.reason,
        "Schrijf op waarom het overleg verandert; iedereen die is uitgenodigd leest dit. Noem geen namen.",
    );
    text_limit(&mut form.reason, 500, "de reden");
    let starts = if form.cancel {
        None
    } else {
        let s = moment(&mut form.date, &mut form.time);
        required(
            &mut form.place,
            "Vul in waar het overleg is (of dat het online is).",
        );
        text_limit(&mut form.place, 300, "de plaats");
        if s == Some(m.starts_at) && form.place.value.trim() == m.place {
            form.date.error = Some(
                "Dit is hetzelfde moment en dezelfde plaats. Kies een nieuw moment of een andere plaats.".to_owned(),
            );
        }
        s
    };
    let errors = summary(&[
        (form.ids.date.as_str(), &form.date),
        (form.ids.time.as_str(), &form.time),
        (form.ids.place.as_str(), &form.place),
        (form.ids.reason.as_str(), &form.reason),
    ]);
    if !errors.is_empty() || (!form.cancel && starts.is_none()) {
        let mut swv = swv_forms(&state, &p, &r, kind_of(&r)?).await?;
        swv.meeting_change = Some(form);
        return rerender_swv(&state, &visitor, &r, swv, errors).await;
    }
    let reason = form.reason.value.trim().to_owned();
    let (change, news, what) = match starts {
        Some(at) => (
            MeetingChange::Move {
                starts_at: at,
                place: form.place.value.trim(),
            },
            News::Moved(&reason),
            format!(
                "Overleg verzet: {} nu op {}. Reden: {reason}",
                meeting_label(&m.kind).0,
                meeting_when(at)
            ),
        ),
        None => (
            MeetingChange::Cancel,
            News::Cancelled(&reason),
            format!(
                "Overleg afgezegd: {} op {}. Reden: {reason}",
                meeting_label(&m.kind).0,
                meeting_when(m.starts_at)
            ),
        ),
    };
    let place = form.place.value.trim().to_owned();
    let notices = meeting_mails(
        &state,
        &r,
        &facts(
            m,
            m.sequence + 1,
            starts.unwrap_or(m.starts_at),
            if starts.is_some() { &place } else { &m.place },
        ),
        &m.recipients,
        news,
        Utc::now().timestamp_micros(),
    );
    let done = cw::change_meeting(
        &state.db,
        &actor(&p, &visitor),
        &r,
        m,
        &change,
        &reason,
        &what,
        &notices,
    )
    .await?;
    let label = if starts.is_some() {
        "overleg-verzet"
    } else {
        "overleg-afgezegd"
    };
    Ok(after(r.id, done, label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attendee_code_is_unique_and_parents_come_first() {
        let mut codes: Vec<&str> = ATTENDEES.iter().map(|(c, _)| *c).collect();
        assert_eq!(codes[0], "ouders");
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ATTENDEES.len());
    }
}
