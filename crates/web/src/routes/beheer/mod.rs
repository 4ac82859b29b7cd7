//! Beheer: users, invitations, roles and school scoping; the audit trail viewer; the e-mail
//! queue; the content pages with their history. Beheerders only, and only after their second
//! factor (the policy table requires a full session).

mod audit_trail;
mod contact;
mod mail;
mod pages;
mod users;

pub(crate) use audit_trail::*;
pub(crate) use contact::*;
pub(crate) use mail::*;
pub(crate) use pages::*;
pub(crate) use users::*;

use crate::AppState;
use crate::app::Routes;
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use passend_store::accounts::{self as store};
use passend_store::outbox;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/beheer", index)
        .get("/beheer/gebruikers", users)
        .get("/beheer/gebruikers/nieuw", new_user_form)
        .post("/beheer/gebruikers/nieuw", new_user)
        .get("/beheer/gebruikers/{id}", user_form)
        .post("/beheer/gebruikers/{id}", update_user)
        .post("/beheer/gebruikers/{id}/blokkeren", |s, v, p, b| {
            set_disabled(s, v, p, b, true)
        })
        .post("/beheer/gebruikers/{id}/deblokkeren", |s, v, p, b| {
            set_disabled(s, v, p, b, false)
        })
        .post("/beheer/gebruikers/{id}/uitnodigen", reinvite)
        .post("/beheer/gebruikers/{id}/tweestaps-herstellen", reset_totp)
        .get("/beheer/audit", audit_view)
        .get("/beheer/audit.csv", audit_csv)
        .get("/beheer/e-mail", mail)
        .post("/beheer/e-mail/{id}/opnieuw", mail_retry)
        .get("/beheer/paginas", pages)
        .get("/beheer/contact", contact)
        .post("/beheer/contact", save_contact)
        .get("/beheer/paginas/{lang}/{slug}", page_form)
        .post("/beheer/paginas/{lang}/{slug}", save_page)
        .get(
            "/beheer/paginas/{lang}/{slug}/versies/{number}",
            compare_page,
        )
        .post(
            "/beheer/paginas/{lang}/{slug}/versies/{number}/terugzetten",
            restore_page,
        )
}

pub(crate) fn status_label(s: &str) -> &'static str {
    match s {
        "invited" => "uitgenodigd",
        "active" => "actief",
        "disabled" => "geblokkeerd",
        _ => "onbekend",
    }
}

#[derive(Template)]
#[template(path = "beheer/index.html")]
pub(crate) struct IndexView {
    pub(crate) layout: AppLayout,
    pub(crate) users: usize,
    pub(crate) invited: usize,
    pub(crate) mail: (i64, i64, i64, i64),
    pub(crate) audit_ok: Option<bool>,
    /// What parents need and is still empty in the contact details.
    pub(crate) contact_missing: Vec<&'static str>,
}

pub(crate) async fn index(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let all = store::users(&state.db, state.tenant_id, None, None, None).await?;
    let invited = all.iter().filter(|u| u.status == "invited").count();
    let mail = outbox::tenant_counts(&state.db, state.tenant_id).await?;
    let (_, contact) = passend_store::contact::current(&state.db, state.tenant_id).await?;
    let contact_missing = contact
        .missing(&state.casework.postal_address)
        .into_iter()
        .map(passend_domain::contact::ContactField::label)
        .collect();
    Ok(Html(
        IndexView {
            layout: layout(&state, &visitor, "Beheer", "/beheer"),
            users: all.len(),
            invited,
            mail,
            audit_ok: None,
            contact_missing,
        }
        .render()?,
    )
    .into_response())
}
