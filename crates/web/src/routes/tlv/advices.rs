//! Experts' advices: their list, an advice given or handed back.

use crate::AppState;
use crate::access::refused;
use crate::access::{actor, record_list, record_read, request_for};
use crate::auth::Visitor;
use crate::dates::when;
use crate::dates::{long, today};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{Opt, opts, val};
use crate::layout::{AppLayout, layout};
use crate::notices::{notice, request_link};
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::tlv::{self, Profession, RequestKind};
use passend_store::casework::{self as cw};
use serde::Deserialize;

pub(crate) struct AdviceLine {
    pub(crate) id: i64,
    pub(crate) request_id: i64,
    /// The expert still has access to the request.
    pub(crate) open: bool,
    pub(crate) pupil: String,
    pub(crate) kind: String,
    pub(crate) school: String,
    pub(crate) due: String,
    pub(crate) asked: String,
    pub(crate) given: bool,
    pub(crate) late: bool,
}

#[derive(Template)]
#[template(path = "tlv/advices/advices.html")]
pub(crate) struct AdvicesView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<AdviceLine>,
    pub(crate) grace_weeks: u8,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) async fn advices(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let mut lines = Vec::new();
    let mut pupils = Vec::new();
    for a in cw::advices_for_expert(&state.db, p.tenant_id, p.user_id).await? {
        let Some(r) = cw::request(&state.db, p.tenant_id, a.request_id).await? else {
            continue;
        };
        // After the advice (and the grace period) the expert's access ends: the line stays, as
        // their own record, without the pupil.
        let open = crate::access::expert_sees_request(&state, p.user_id, &r).await?;
        if open {
            pupils.push(r.pupil_id);
        }
        lines.push(AdviceLine {
            id: a.id,
            request_id: a.request_id,
            open,
            pupil: if open {
                r.pupil_name
            } else {
                "(toegang beëindigd)".to_owned()
            },
            kind: RequestKind::from_code(&r.kind)
                .map(RequestKind::label_nl)
                .unwrap_or_default()
                .to_owned(),
            school: r.location_name,
            due: long(a.due_on),
            asked: when(a.requested_at),
            given: a.submitted_at.is_some(),
            late: a.submitted_at.is_none() && a.due_on < today(),
        });
    }
    record_list(&state, &visitor, "search", "advies", pupils).await?;
    let mut layout = layout(&state, &visitor, "Adviezen", "/adviezen");
    layout.notice = staff::notice(staff::ADVICES, &q.gedaan);
    Ok(Html(
        AdvicesView {
            layout,
            lines,
            grace_weeks: state.casework.expert_grace_weeks,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "tlv/advices/advice.html")]
pub(crate) struct AdviceView {
    pub(crate) layout: AppLayout,
    pub(crate) id: i64,
    pub(crate) request_id: i64,
    pub(crate) pupil_id: i64,
    pub(crate) pupil_name: String,
    pub(crate) school: String,
    pub(crate) kind: String,
    pub(crate) question: String,
    pub(crate) request_question: String,
    pub(crate) due: String,
    pub(crate) given: bool,
    pub(crate) professions: Vec<Opt>,
    pub(crate) profession_error: Option<String>,
    pub(crate) conclusions: Vec<Opt>,
    pub(crate) conclusion_error: Option<String>,
    pub(crate) text: Field,
    pub(crate) independent: bool,
    pub(crate) independent_error: Option<String>,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) return_reason: Field,
    pub(crate) given_profession: String,
    pub(crate) given_conclusion: String,
}

pub(crate) async fn own_advice(
    state: &AppState,
    visitor: &Visitor,
    id: i64,
) -> AppResult<(cw::AdviceRow, cw::Request)> {
    let p = visitor.signed_in()?;
    let a = cw::advice(&state.db, p.tenant_id, id)
        .await?
        .filter(|a| a.expert_id == p.user_id);
    let Some(a) = a else {
        return Err(refused(state, visitor, "advies", &id.to_string(), "not own").await);
    };
    let (r, _, _) = request_for(state, visitor, p, a.request_id).await?;
    Ok((a, r))
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn advice_view(
    state: &AppState,
    visitor: &Visitor,
    a: &cw::AdviceRow,
    r: &cw::Request,
    profession: &str,
    conclusion: &str,
    text: Field,
    independent: bool,
) -> AdviceView {
    AdviceView {
        layout: layout(state, visitor, "Deskundigenadvies", "/adviezen"),
        id: a.id,
        request_id: r.id,
        pupil_id: r.pupil_id,
        pupil_name: r.pupil_name.clone(),
        school: r.location_name.clone(),
        kind: RequestKind::from_code(&r.kind)
            .map(RequestKind::label_nl)
            .unwrap_or_default()
            .to_owned(),
        question: a.question.clone(),
        request_question: r.draft.question.clone(),
        due: long(a.due_on),
        given: a.submitted_at.is_some(),
        professions: opts(
            std::iter::once(("", "Kies uw beroep"))
                .chain(Profession::ALL.map(|p| (p.code(), p.label_nl()))),
            profession,
        ),
        profession_error: None,
        // The stored codes are the same for every kind; the words fit the question.
        conclusions: if RequestKind::from_code(&r.kind).is_some_and(RequestKind::is_tlv) {
            opts(
                [
                    ("toelaatbaar", "De leerling is toelaatbaar"),
                    ("niet-toelaatbaar", "De leerling is niet toelaatbaar"),
                ],
                conclusion,
            )
        } else {
            opts(
                [
                    ("toelaatbaar", "Ik adviseer de aanvraag toe te kennen"),
                    ("niet-toelaatbaar", "Ik adviseer de aanvraag af te wijzen"),
                ],
                conclusion,
            )
        },
        conclusion_error: None,
        text,
        independent,
        independent_error: None,
        errors: Vec::new(),
        return_reason: Field::default(),
        given_profession: a
            .profession
            .as_deref()
            .and_then(Profession::from_code)
            .map(Profession::label_nl)
            .unwrap_or("–")
            .to_owned(),
        given_conclusion: match a.conclusion.as_deref() {
            Some("toelaatbaar") => "toelaatbaar (toekennen)",
            Some("niet-toelaatbaar") => "niet toelaatbaar (afwijzen)",
            _ => "–",
        }
        .to_owned(),
    }
}

pub(crate) async fn advice_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let (a, r) = own_advice(&state, &visitor, id).await?;
    record_read(&state, &visitor, "aanvraag", r.id, r.pupil_id, "read").await?;
    // Not given yet: the profession of the expert's last advice, if any.
    let p = visitor.signed_in()?;
    let last = match &a.profession {
        Some(pr) => pr.clone(),
        None => cw::advices_for_expert(&state.db, p.tenant_id, p.user_id)
            .await?
            .into_iter()
            .filter(|x| x.submitted_at.is_some())
            .max_by_key(|x| x.submitted_at)
            .and_then(|x| x.profession)
            .unwrap_or_default(),
    };
    let view = advice_view(
        &state,
        &visitor,
        &a,
        &r,
        &last,
        a.conclusion.as_deref().unwrap_or_default(),
        Field::of(a.advice_text.clone()),
        a.declared_independent,
    );
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn give_advice(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (a, r) = own_advice(&state, &visitor, id).await?;
    if a.submitted_at.is_some() {
        return Ok(Redirect::to(&format!("/adviezen/{}", a.id)).into_response());
    }
    let profession = val(&f, "beroep");
    let conclusion = val(&f, "conclusie");
    let mut text = Field::of(val(&f, "advies"));
    let independent = val(&f, "onafhankelijk") == "ja";
    let mut view = advice_view(
        &state,
        &visitor,
        &a,
        &r,
        &profession,
        &conclusion,
        text.clone(),
        independent,
    );
    let mut errors = Vec::new();
    if Profession::from_code(&profession).is_none() {
        view.profession_error = Some("Kies het beroep waarin u adviseert.".to_owned());
        errors.push((
            "beroep".to_owned(),
            "Kies het beroep waarin u adviseert.".to_owned(),
        ));
    }
    if !matches!(conclusion.as_str(), "toelaatbaar" | "niet-toelaatbaar") {
        view.conclusion_error = Some("Kies uw conclusie.".to_owned());
        errors.push((
            "conclusie-toelaatbaar".to_owned(),
            "Kies uw conclusie.".to_owned(),
        ));
    }
    if text.value.chars().count() < 20 {
        text.error = Some(
            "Schrijf uw advies op, met de onderbouwing: wat heeft de leerling nodig en waarom."
                .to_owned(),
        );
    } else if text.value.chars().count() > 10_000 {
        text.error = Some("Maak het advies korter: hooguit 10.000 tekens.".to_owned());
    }
    errors.extend(summary(&[("advies", &text)]));
    if !independent {
        let m = "Verklaar dat u onafhankelijk bent. Bent u dat niet (u werkt bij of voor de school, hielp bij de aanvraag of beoordeelt haar zelf)? Geef de adviesvraag dan terug, onderaan deze pagina.";
        view.independent_error = Some(m.to_owned());
        errors.push(("onafhankelijk".to_owned(), m.to_owned()));
    }
    // Each expert gives their own advice (LBT 18-02-2019, nr. 108582): a text that equals
    // another advice on this request is refused.
    if text.error.is_none()
        && cw::advices_of(&state.db, r.id).await?.iter().any(|o| {
            o.id != a.id
                && o.submitted_at.is_some()
                && tlv::same_advice_text(&o.advice_text, &text.value)
        })
    {
        text.error = Some(SAME_TEXT.to_owned());
        errors.push(("advies".to_owned(), SAME_TEXT.to_owned()));
    }
    view.text = text;
    if !errors.is_empty() {
        view.errors = errors;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let key = format!("advies-gegeven-{}", a.id);
    let notices = contact_notice(
        &state,
        &r,
        key,
        "Een deskundigenadvies is gegeven",
        "Een deskundige heeft een advies gegeven over een aanvraag waarvan u contactpersoon bent.",
    );
    let change = cw::give_advice(
        &state.db,
        &actor(&p, &visitor),
        &r,
        a.id,
        &profession,
        &conclusion,
        &view.text.value,
        &notices,
    )
    .await?;
    match change {
        cw::Given::Done => Ok(Redirect::to("/adviezen?gedaan=gegeven").into_response()),
        cw::Given::Stale => Ok(Redirect::to(&format!("/adviezen/{}", a.id)).into_response()),
        cw::Given::SameText => {
            view.text.error = Some(SAME_TEXT.to_owned());
            view.errors = vec![("advies".to_owned(), SAME_TEXT.to_owned())];
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
        }
    }
}

/// The message when an advice repeats another advice on the same request.
pub(crate) const SAME_TEXT: &str = "Dit advies is gelijk aan het advies van de andere deskundige. Elke deskundige geeft een eigen, onafhankelijk advies: schrijf uw advies in uw eigen woorden.";

pub(crate) async fn return_advice(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (a, r) = own_advice(&state, &visitor, id).await?;
    if a.submitted_at.is_some() {
        return Ok(Redirect::to(&format!("/adviezen/{}", a.id)).into_response());
    }
    let mut reason = Field::of(val(&f, "reden"));
    if reason.value.is_empty() {
        reason.error = Some(
            "Schrijf kort waarom u de vraag teruggeeft, bijvoorbeeld: ik werk voor deze school."
                .to_owned(),
        );
    } else if reason.value.chars().count() > 1000 {
        reason.error = Some("Maak de reden korter: hooguit 1000 tekens.".to_owned());
    }
    if reason.has_error() {
        let mut view = advice_view(&state, &visitor, &a, &r, "", "", Field::default(), false);
        view.errors = summary(&[("reden", &reason)]);
        view.return_reason = reason;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let key = format!("advies-terug-{}", a.id);
    let notices = contact_notice(
        &state,
        &r,
        key,
        "Een adviesvraag is teruggegeven",
        "Een deskundige heeft een adviesvraag teruggegeven. Vraag een andere deskundige om advies.",
    );
    cw::return_advice(
        &state.db,
        &actor(&p, &visitor),
        &r,
        a.id,
        &format!("Adviesvraag teruggegeven door {}: {}", p.name, reason.value),
        &notices,
    )
    .await?;
    Ok(Redirect::to("/adviezen?gedaan=teruggegeven").into_response())
}

/// The request's contact person hears of what the expert did (a neutral mail with a link), if
/// the request has one.
fn contact_notice(
    state: &AppState,
    r: &cw::Request,
    key: String,
    subject: &str,
    line: &str,
) -> Vec<cw::Notice> {
    let link = request_link(state, r.id);
    r.contact_email
        .iter()
        .map(|email| notice(state, key.clone(), email, subject, &[line, &link]))
        .collect()
}
