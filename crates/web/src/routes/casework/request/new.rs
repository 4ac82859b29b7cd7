//! A new request (a concept) for a pupil.

use crate::access::school_pupil;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{Opt, once_token, required, text_limit, val};
use crate::layout::{AppLayout, layout};
use crate::routes::casework::*;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use passend_domain::tlv::RequestKind;
use passend_store::casework::{self as cw, NewRequest};

#[derive(Template)]
#[template(path = "casework/request/new/new_request.html")]
pub(crate) struct NewRequestView {
    pub(crate) layout: AppLayout,
    pub(crate) pupil_id: i64,
    pub(crate) pupil_name: String,
    pub(crate) kinds: Vec<Opt>,
    pub(crate) kind_error: Option<String>,
    pub(crate) question: Field,
    pub(crate) errors: Vec<(String, String)>,
}

pub(crate) fn kind_options(chosen: &str) -> Vec<Opt> {
    RequestKind::ALL
        .into_iter()
        .map(|k| Opt {
            value: k.code().to_owned(),
            label: k.label_nl().to_owned(),
            selected: k.code() == chosen,
        })
        .collect()
}

pub(crate) async fn new_request_form(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    Ok(Html(
        NewRequestView {
            layout: layout(&state, &visitor, "Nieuwe aanvraag", ""),
            pupil_id: pupil.id,
            pupil_name: pupil.full_name(),
            kinds: kind_options(""),
            kind_error: None,
            question: Field::default(),
            errors: Vec::new(),
        }
        .render()?,
    )
    .into_response())
}

pub(crate) async fn create_request(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let kind = RequestKind::from_code(&val(&f, "soort"));
    let mut question = Field::of(val(&f, "vraag"));
    required(
        &mut question,
        "Beschrijf wat u vraagt en waarom: wat heeft de leerling nodig, wat heeft de school al gedaan?",
    );
    text_limit(&mut question, 5000, "de vraag");
    let mut errors = Vec::new();
    let kind_error = kind.is_none().then(|| "Kies wat u aanvraagt.".to_owned());
    if let Some(e) = &kind_error {
        errors.push(("soort-advies".to_owned(), e.clone()));
    }
    errors.extend(summary(&[("vraag", &question)]));
    let (Some(kind), true) = (kind, errors.is_empty()) else {
        let view = NewRequestView {
            layout: layout(&state, &visitor, "Nieuwe aanvraag", ""),
            pupil_id: pupil.id,
            pupil_name: pupil.full_name(),
            kinds: kind_options(&val(&f, "soort")),
            kind_error,
            question,
            errors,
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    let once = once_token(&f);
    let who = crate::access::actor_once(&p, &visitor, &once);
    let rid = cw::create_request(
        &state.db,
        &who,
        &NewRequest {
            pupil_id: pupil.id,
            location_id: pupil.location_id,
            kind: kind.code().to_owned(),
            question: question.value,
        },
    )
    .await?;
    Ok(see_request(rid, "aangemaakt"))
}
