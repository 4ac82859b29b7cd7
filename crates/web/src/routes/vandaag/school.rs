//! The school staff member's day: concepts to finish, what parents answered, requests the
//! samenwerkingsverband waits on, zorgplicht terms ending, evaluations and TLVs ending. Only the
//! pupils of the member's own locations.

use super::{Section, Viewer};
use crate::access::record_list;
use crate::dates::{long, today, when};
use crate::error::AppResult;
use crate::texts::domain_of;
use chrono::{Days, Utc};
use passend_domain::tlv::RequestKind;
use passend_domain::zorgplicht::TermState;
use passend_store::casework as cw;
use passend_store::{today as store, zorgplicht};

/// Zorgplicht terms ending within this many days are listed (as on the samenwerkingsverband's
/// overview).
const TERM_SOON_DAYS: u64 = 14;
/// Parents' answers of this many days are listed.
const RESPONSE_DAYS: i64 = 14;

fn kind_label(code: &str) -> &'static str {
    RequestKind::from_code(code).map_or("Aanvraag", RequestKind::label_nl)
}

/// What a parent's answer says, in a few words.
fn answer_words(kind: &str, answer: &str) -> String {
    match (kind, answer) {
        ("gelezen", _) => "heeft de aanvraag gelezen".to_owned(),
        ("ondertekening", _) => "heeft de aanvraag ondertekend".to_owned(),
        ("toestemming", "gegeven") => "gaf toestemming voor een document".to_owned(),
        ("toestemming", _) => "weigerde toestemming voor een document".to_owned(),
        ("zienswijze", "eens") => "gaf een mening: eens met de aanvraag".to_owned(),
        ("zienswijze", "oneens") => "gaf een mening: niet eens met de aanvraag".to_owned(),
        ("zienswijze", _) => "gaf een mening over de aanvraag".to_owned(),
        _ => "reageerde".to_owned(),
    }
}

pub(super) async fn sections(v: Viewer<'_>) -> AppResult<Vec<Section>> {
    let Viewer { state, visitor, p } = v;
    let day = today();
    let mut pupils = Vec::new();

    let waiting = store::waiting_for_school(&state.db, p.tenant_id, p.user_id).await?;
    let mut concepts = Section::new(
        "concepten",
        "Concepten om af te maken",
        "Er zijn geen concepten.",
    )
    .more("/leerlingen", "Naar de leerlingen");
    let mut information = Section::new(
        "informatie",
        "Het samenwerkingsverband vraagt informatie",
        "Het samenwerkingsverband wacht nergens op informatie van de school.",
    );
    for r in waiting {
        pupils.push(r.pupil_id);
        let href = format!("/aanvragen/{}", r.id);
        if r.status == "concept" {
            let detail = format!(
                "{}, gemaakt op {}",
                kind_label(&r.kind),
                long(passend_domain::tlv::dutch_day(r.created_at))
            );
            concepts.push(href, r.pupil_name, detail, false);
        } else {
            let reason = cw::suspensions(&state.db, r.id)
                .await?
                .into_iter()
                .find(|s| s.until_on.is_none())
                .map(|s| s.reason)
                .unwrap_or_default();
            let detail = format!(
                "{}: de beslistermijn staat stil. Gevraagd: {reason}",
                kind_label(&r.kind)
            );
            information.push(href, r.pupil_name, detail, true);
        }
    }

    let mut responses = Section::new(
        "reacties",
        "Reacties van ouders (laatste twee weken)",
        "Er zijn geen nieuwe reacties van ouders.",
    );
    let since = Utc::now() - chrono::Duration::days(RESPONSE_DAYS);
    for x in store::responses_for_school(&state.db, p.tenant_id, p.user_id, since).await? {
        pupils.push(x.pupil_id);
        let href = match x.request_id {
            Some(r) => format!("/aanvragen/{r}#delen"),
            None => format!("/leerlingen/{}#ouderportaal", x.pupil_id),
        };
        let detail = format!(
            "Ouder {} ({})",
            answer_words(&x.kind, &x.answer),
            when(x.responded_at)
        );
        responses.push(
            href,
            x.pupil_name,
            detail,
            x.answer == "geweigerd" || x.answer == "oneens",
        );
    }

    let policy = &state.casework.zorgplicht_terms;
    let mut terms = Section::new(
        "zorgplicht",
        "Zorgplicht: beslistermijnen die binnen twee weken aflopen",
        "Geen beslistermijn loopt binnen twee weken af.",
    )
    .more("/school/zorgplicht", "Naar zorgplicht en verzuim");
    for a in zorgplicht::aanmeldingen(&state.db, p.tenant_id, Some(p.user_id), true).await? {
        let (detail, urgent) = match domain_of(&a).state(policy, day) {
            TermState::Open { due } if due <= day + Days::new(TERM_SOON_DAYS) => (
                format!("Beslis uiterlijk {}", long(due)),
                due <= day + Days::new(7),
            ),
            TermState::Overdue { due } => {
                (format!("Beslistermijn verlopen op {}", long(due)), true)
            }
            TermState::TemporaryEnrolment { since } => (
                format!(
                    "Tien weken voorbij: tijdelijk inschrijven vanaf {}",
                    long(since)
                ),
                true,
            ),
            _ => continue,
        };
        pupils.push(a.pupil_id);
        terms.push(
            format!("/aanmeldingen/{}", a.id),
            format!("{} {}", a.given_name, a.family_name),
            detail,
            urgent,
        );
    }

    let mut evaluations = Section::new(
        "evaluaties",
        "Evaluaties en TLV's die aflopen",
        "Er staan geen evaluaties gepland en er loopt geen TLV af.",
    );
    let horizon = day + Days::new(TERM_SOON_DAYS);
    for e in store::evaluations_due(&state.db, p.tenant_id, p.user_id, horizon).await? {
        pupils.push(e.pupil_id);
        evaluations.push(
            format!("/ziek/{}#evaluaties", e.sick_id),
            e.pupil_name,
            format!(
                "Evaluatie van het plan voor een zieke leerling op {}",
                long(e.planned_on)
            ),
            e.planned_on <= day,
        );
    }
    for d in super::tlvs_ending(v, Some(p.user_id)).await? {
        let Some(end) = d.end_on else { continue };
        pupils.push(d.pupil_id);
        evaluations.push(
            "/school/tlv".to_owned(),
            d.pupil_name,
            format!(
                "TLV {} loopt af op {}: evalueer en vraag zo nodig op tijd een verlenging aan",
                d.beschikkingsnummer,
                long(end)
            ),
            false,
        );
    }

    record_list(state, visitor, "search", "vandaag", pupils).await?;
    Ok(vec![concepts, responses, information, terms, evaluations])
}
