//! Casework: the pupil dossier, its documents, and a support request from concept to decision.
//!
//! Who sees what (least privilege, checked on every request with the pupil's own row):
//! - school staff: pupils of the locations they work for (read and write), and the requests and
//!   letters of pupils who got a TLV for a location they work for (read);
//! - toeleiders: every pupil and request of their samenwerkingsverband once a request was
//!   submitted (a concept, and a dossier without a submitted request, stay the school's);
//! - experts: the requests (and that pupil's documents) they were asked to advise on;
//! - beheerders, ouderadviseurs and parents: nothing here (parents get their own portal).
//!
//! Every read of pupil data is recorded in the audit trail with the pupil's id; every change
//! also lands on the request's timeline, in the same transaction.

mod documents;
mod dossier;
mod portal;
mod pupils;
mod request;

pub(crate) use documents::*;
pub(crate) use dossier::*;
pub(crate) use portal::*;
pub(crate) use pupils::*;
pub(crate) use request::*;

use crate::AppState;
use crate::app::Routes;
use crate::error::{AppError, AppResult};
use axum::response::{IntoResponse, Redirect, Response};
use passend_domain::tlv::{RequestKind, Status};
use passend_store::casework::{self as cw, Change, Request};
use serde::Deserialize;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/leerlingen", pupils)
        .get("/leerlingen/nieuw", new_pupil_form)
        .post("/leerlingen/nieuw", create_pupil)
        .get("/leerlingen/{id}", dossier)
        .get("/leerlingen/{id}/bewerken", edit_pupil_form)
        .post("/leerlingen/{id}/bewerken", update_pupil)
        .post("/leerlingen/{id}/documenten", upload)
        .get("/documenten/{id}/{version}", download)
        .get("/leerlingen/{id}/aanvragen/nieuw", new_request_form)
        .post("/leerlingen/{id}/aanvragen/nieuw", create_request)
        .get("/aanvragen/{id}", request_page)
        .post("/aanvragen/{id}", save_draft)
        .post("/aanvragen/{id}/indienen", submit)
        .post("/aanvragen/{id}/intrekken", withdraw)
        .post("/aanvragen/{id}/toewijzen", assign)
        .post("/aanvragen/{id}/overleg", plan_meeting)
        .post("/aanvragen/{id}/overleg/{meeting}", change_meeting)
        .post("/aanvragen/{id}/opschorten", suspend)
        .post("/aanvragen/{id}/aangevuld", information_sent)
        .post("/aanvragen/{id}/adviesvraag", ask_advice)
        .post("/aanvragen/{id}/besluit", decide)
        .get("/besluiten/{id}/brief.pdf", letter)
        .post(
            "/leerlingen/{id}/ouders/{position}/uitnodigen",
            invite_parent,
        )
        .post(
            "/leerlingen/{id}/ouders/{position}/intrekken",
            revoke_parent,
        )
        .post("/aanvragen/{id}/delen", share_request)
        .post("/documenten/{id}/delen", share_document)
}

/// Back to the request after a change: with what was done, or that someone else was first.
pub(crate) fn after(id: i64, change: Change, done: &str) -> Response {
    see_request(
        id,
        if change == Change::Done {
            done
        } else {
            "gewijzigd"
        },
    )
}

pub(crate) fn see_request(id: i64, done: &str) -> Response {
    Redirect::to(&format!("/aanvragen/{id}?gedaan={done}")).into_response()
}

/// Who at the school hears about a request: the staff member who made it, when they still
/// work there; otherwise everyone at the location.
pub(crate) async fn request_school_staff(
    state: &AppState,
    tenant: i64,
    r: &Request,
) -> AppResult<Vec<(i64, String, String)>> {
    let staff = cw::staff_at(&state.db, tenant, r.location_id).await?;
    let author: Vec<_> = staff
        .iter()
        .filter(|(id, _, _)| Some(*id) == r.created_by)
        .cloned()
        .collect();
    Ok(if author.is_empty() { staff } else { author })
}

pub(crate) fn kind_of(r: &Request) -> AppResult<RequestKind> {
    RequestKind::from_code(&r.kind).ok_or_else(|| AppError::Internal("unknown kind".to_owned()))
}

pub(crate) fn status_of(r: &Request) -> AppResult<Status> {
    Status::from_code(&r.status).ok_or_else(|| AppError::Internal("unknown status".to_owned()))
}

#[derive(Debug, Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}
