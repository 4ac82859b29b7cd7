//! Recording a letter's sending: the day the bezwaar (or beroep) term starts from.

use crate::AppState;
use crate::access::{actor, record_read};
use crate::auth::{Principal, Visitor};
use crate::dates::long;
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::summary;
use crate::layout::{AppLayout, layout};
use crate::letters::{how_label, make_bob_letter};
use crate::notices::request_link;
use crate::notices::{ParentNews, parent_notices};
use crate::routes::bezwaar::*;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use passend_domain::tlv::{self, RequestKind};
use passend_store::bezwaar::{self as bz, Letter};
use passend_store::casework::{self as cw, DecisionRow, Notice, Request};

#[derive(Template)]
#[template(path = "bezwaar/sending/send.html")]
pub(crate) struct SendView {
    pub(crate) layout: AppLayout,
    pub(crate) request_id: i64,
    pub(crate) decision_id: i64,
    pub(crate) number: String,
    pub(crate) pupil: String,
    pub(crate) decided_on: String,
    pub(crate) sent: Option<String>,
    pub(crate) bezwaar_until: Option<String>,
    pub(crate) send: SendForm,
    pub(crate) errors: Vec<(String, String)>,
}

pub(crate) fn send_view(
    state: &AppState,
    visitor: &Visitor,
    d: &DecisionRow,
    send: SendForm,
    errors: Vec<(String, String)>,
) -> SendView {
    let mut l = layout(
        state,
        visitor,
        "Verzending van de besluitbrief",
        "/swv/aanvragen",
    );
    if d.sent_on.is_some() {
        l.notice = Some(
            "De verzending is vastgelegd. De bezwaartermijn loopt vanaf de dag na de verzending."
                .to_owned(),
        );
    }
    SendView {
        layout: l,
        request_id: d.request_id,
        decision_id: d.id,
        number: d.beschikkingsnummer.clone(),
        pupil: d.pupil_name.clone(),
        decided_on: long(d.letter_on),
        sent: d.sent_on.map(|s| {
            format!(
                "{}, {}",
                long(s),
                how_label(d.sent_how.as_deref().unwrap_or_default())
            )
        }),
        bezwaar_until: d.sent_on.map(|s| long(tlv::bezwaar_deadline(s))),
        send,
        errors,
    }
}

pub(crate) async fn decision_send_form(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (d, r) = toeleider_decision(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "besluit", d.id, r.pupil_id, "read").await?;
    let view = send_view(&state, &visitor, &d, SendForm::new(), Vec::new());
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn send_decision(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let (d, r) = toeleider_decision(&state, &visitor, &p, id).await?;
    if d.sent_on.is_some() {
        return Ok(Redirect::to(&format!("/besluiten/{id}/verzending")).into_response());
    }
    let decided = tlv::dutch_day(d.decided_at);
    let (send, ok) = read_send(&state, &body, decided, r.pupil_id).await?;
    let Some((date, how)) = ok else {
        let errors = send_errors(&send);
        let view = send_view(&state, &visitor, &d, send, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    record_sending(&state, &visitor, &p, &r, Letter::Decision(d.id), date, how).await?;
    Ok(Redirect::to(&format!("/aanvragen/{}?gedaan=verzonden#besluit-kop", r.id)).into_response())
}

/// Records that a letter was sent (once), with its timeline line and the parents' mail, and
/// makes the letter as sent: with the day of sending and the last day for bezwaar or beroep.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_sending(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    r: &Request,
    letter: Letter,
    date: NaiveDate,
    how: &str,
) -> AppResult<()> {
    // The parents with a portal account read the letter there from now on.
    let (key, what) = match letter {
        Letter::Decision(id) => (
            format!("brief-{id}"),
            format!(
                "Besluitbrief verzonden op {} ({}); bezwaar kan tot en met {}",
                long(date),
                how_label(how),
                long(tlv::bezwaar_deadline(date))
            ),
        ),
        Letter::Beslissing(id) => (
            format!("bob-brief-{id}"),
            format!(
                "Beslissing op bezwaar verzonden op {} ({}); beroep kan tot en met {}",
                long(date),
                how_label(how),
                long(tlv::beroep_deadline(date))
            ),
        ),
    };
    let notices = sending_notices(state, p.tenant_id, r, letter, &key).await?;
    let done = bz::record_sent(
        &state.db,
        &actor(p, visitor),
        r,
        letter,
        date,
        how,
        &what,
        &notices,
    )
    .await?;
    if !done {
        return Ok(());
    }
    let made = match letter {
        Letter::Decision(id)
            if RequestKind::from_code(&r.kind).is_some_and(RequestKind::is_tlv) =>
        {
            crate::letters::make_letter(state, p.tenant_id, id)
                .await
                .map(|_| ())
        }
        Letter::Decision(_) => Ok(()),
        Letter::Beslissing(id) => make_bob_letter(state, p.tenant_id, id).await.map(|_| ()),
    };
    if let Err(e) = made {
        tracing::error!(error = %e, "the letter as sent was not made now; the download makes it");
    }
    Ok(())
}

/// Who hears of a letter's sending: it makes the decision known (Awb 3:41), so only now do the
/// parents read it in the portal and does a receiving school learn that a pupil with a TLV may
/// come. A beslissing op bezwaar is told to the applying school and the parents too, and when it
/// revokes the decision, to the school that would have received the pupil and the one that now
/// does. No pupil data in any mail.
pub(crate) async fn sending_notices(
    state: &AppState,
    tenant: i64,
    r: &Request,
    letter: Letter,
    key: &str,
) -> AppResult<Vec<Notice>> {
    let mut notices = Vec::new();
    let receiving = |key: String, email: &str| {
        crate::notices::notice(
            state,
            key,
            email,
            "Bericht van het samenwerkingsverband",
            &[
                "Er komt mogelijk een leerling met een toelaatbaarheidsverklaring naar uw school.",
                &format!(
                    "Bekijk de gegevens na het inloggen:\n{}/school/tlv",
                    state.base_url
                ),
            ],
        )
    };
    match letter {
        Letter::Decision(id) => {
            notices.extend(
                parent_notices(state, r.pupil_id, Some(r.id), ParentNews::LetterSent, key).await?,
            );
            if let Some(d) = cw::decision(&state.db, tenant, id).await?
                && d.granted
                && let Some(rid) = d.receiving_location_id
            {
                for (uid, _, email) in cw::staff_at(&state.db, tenant, rid).await? {
                    notices.push(receiving(
                        format!("besluit-{}-ontvangend-{uid}", r.id),
                        &email,
                    ));
                }
            }
        }
        Letter::Beslissing(id) => {
            let t = bz::beslissing(&state.db, tenant, id)
                .await?
                .ok_or(AppError::NotFound)?;
            for (uid, _, email) in cw::staff_at(&state.db, tenant, r.location_id).await? {
                notices.push(crate::notices::notice(
                    state,
                    format!("bob-{}-school-{uid}", t.bezwaar_id),
                    &email,
                    "Er is een beslissing op een bezwaar",
                    &[
                        "Het samenwerkingsverband heeft beslist op een bezwaar tegen een besluit over een aanvraag van uw school. De brief staat klaar na het inloggen.",
                        &request_link(state, r.id),
                    ],
                ));
            }
            notices.extend(
                parent_notices(
                    state,
                    r.pupil_id,
                    Some(r.id),
                    ParentNews::BezwaarDecided,
                    &format!("bob-{}", t.bezwaar_id),
                )
                .await?,
            );
            if t.revokes {
                let new_school = t.receiving_location_id.filter(|_| t.granted == Some(true));
                let old = cw::decision(&state.db, tenant, t.decision_id).await?;
                let old_school = old
                    .filter(|d| d.granted && d.sent_on.is_some())
                    .and_then(|d| d.receiving_location_id);
                if let Some(rid) = old_school.filter(|o| Some(*o) != new_school) {
                    for (uid, _, email) in cw::staff_at(&state.db, tenant, rid).await? {
                        notices.push(crate::notices::notice(
                            state,
                            format!("bob-{}-vorige-ontvangend-{uid}", t.id),
                            &email,
                            "Bericht van het samenwerkingsverband",
                            &[
                                "Een toelaatbaarheidsverklaring waarbij uw school als ontvangende school was genoemd, is na een bezwaar gewijzigd. De leerling komt niet meer met die verklaring naar uw school. Deze leerling staat niet meer in uw overzicht van toelaatbaarheidsverklaringen.",
                            ],
                        ));
                    }
                }
                if let Some(rid) = new_school.filter(|n| Some(*n) != old_school) {
                    for (uid, _, email) in cw::staff_at(&state.db, tenant, rid).await? {
                        notices.push(receiving(format!("bob-{}-ontvangend-{uid}", t.id), &email));
                    }
                }
            }
        }
    }
    Ok(notices)
}

pub(crate) fn send_errors(send: &SendForm) -> Vec<(String, String)> {
    let mut errors = summary(&[("verzonden-op", &send.date)]);
    if !send.enclosure_error.is_empty() {
        errors.push(("bijlage".to_owned(), send.enclosure_error.clone()));
    }
    if !send.how_error.is_empty() {
        errors.push(("wijze-post".to_owned(), send.how_error.clone()));
    }
    errors
}
