//! The parent's start page: their children and what needs them, and the language.

use crate::AppState;
use crate::auth::Principal;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::FormBody;
use crate::forms::val;
use crate::layout::AppLayout;
use crate::routes::ouders::*;
use crate::texts::portal::PortalTexts;
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::Lang;
use passend_store::portal::{self as portal};
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub(crate) struct NoticeQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) struct ChildCard {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) school: String,
    pub(crate) requests: Vec<RequestCard>,
    pub(crate) consent_open: bool,
}

#[derive(Template)]
#[template(path = "ouders/home/home.html")]
pub(crate) struct HomeView {
    pub(crate) layout: AppLayout,
    pub(crate) t: &'static PortalTexts,
    pub(crate) back: String,
    pub(crate) children: Vec<ChildCard>,
}

pub(crate) async fn home(
    Parent {
        state,
        visitor,
        p,
        t,
    }: Parent,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let children = portal::children_of(&state.db, p.tenant_id, p.user_id).await?;
    let mut cards = Vec::new();
    for c in &children {
        let responses = portal::responses_of_pupil(&state.db, c.id).await?;
        cards.push(ChildCard {
            id: c.id,
            name: format!("{} {}", c.given_name, c.family_name),
            school: c.location_name.clone(),
            requests: request_cards(&state, &p, t, c.id, &responses).await?,
            consent_open: consent_open(&state, &p, c.id, &responses).await?,
        });
    }
    crate::access::record_list(
        &state,
        &visitor,
        "read",
        "ouderportaal",
        children.iter().map(|c| c.id),
    )
    .await?;
    let mut layout = portal_layout(&state, &visitor, t, t.home_title, "/ouders");
    layout.notice = notice_text(t, &q.gedaan);
    let view = HomeView {
        layout,
        t,
        back: "/ouders".to_owned(),
        children: cards,
    };
    Ok(Html(view.render()?).into_response())
}

/// Whether the school asks this parent's consent for a document they have not answered yet.
pub(crate) async fn consent_open(
    state: &AppState,
    p: &Principal,
    pupil_id: i64,
    responses: &[portal::ResponseRow],
) -> AppResult<bool> {
    Ok(
        portal::parent_documents(&state.db, p.tenant_id, p.user_id, pupil_id)
            .await?
            .iter()
            .any(|d| {
                d.consent_asked
                    && !responses.iter().any(|r| {
                        r.document_version_id == Some(d.version_id)
                            && r.user_id == p.user_id
                            && r.kind == "toestemming"
                    })
            }),
    )
}

pub(crate) fn notice_text(t: &PortalTexts, done: &str) -> Option<String> {
    let s = match done {
        "taal" => t.done_language,
        "gelezen" => t.done_read,
        "zienswijze" => t.done_view,
        "ondertekend" => t.done_signed,
        "toestemming" => t.done_consent,
        "document" => t.done_document,
        "verouderd" => t.done_stale,
        _ => return None,
    };
    Some(s.to_owned())
}

pub(crate) async fn set_language(
    SignedIn { state, visitor, p }: SignedIn,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let lang = Lang::from_code(&val(&f, "taal")).unwrap_or(Lang::Nl);
    let object = p.user_id.to_string();
    let event = visitor.on_user("update", &object, "taal");
    portal::set_language(&state.db, &event, p.user_id, lang.code()).await?;
    // Back to the page the switch was on (only portal pages).
    let back = val(&f, "terug");
    let plain = back
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '-'));
    let target = if plain && back.starts_with("/ouders") && !back.contains("//") {
        format!("{back}?gedaan=taal")
    } else {
        "/ouders?gedaan=taal".to_owned()
    };
    Ok(Redirect::to(&target).into_response())
}
