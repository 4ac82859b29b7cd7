//! The e-mail queue: what was sent, what waits, sending again.

use crate::AppState;
use crate::auth::Visitor;
use crate::dates::when;
use crate::error::{AppError, AppResult};
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use passend_store::audit::{self, Outcome};
use passend_store::outbox;
use serde::Deserialize;

pub(crate) struct MailLine {
    pub(crate) id: i64,
    pub(crate) to: String,
    pub(crate) subject: String,
    pub(crate) status: String,
    pub(crate) failed: bool,
    pub(crate) attempts: i64,
    pub(crate) created: String,
    pub(crate) sent: String,
    pub(crate) next: String,
    pub(crate) error: String,
}

#[derive(Template)]
#[template(path = "beheer/mail/mail.html")]
pub(crate) struct MailView {
    pub(crate) layout: AppLayout,
    pub(crate) counts: (i64, i64, i64, i64),
    pub(crate) lines: Vec<MailLine>,
    pub(crate) only_failed: bool,
}

#[derive(Debug, Deserialize)]
pub(crate) struct MailQuery {
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) async fn mail(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<MailQuery>,
) -> AppResult<Response> {
    let only_failed = q.status == "failed";
    let rows = outbox::list(
        &state.db,
        state.tenant_id,
        only_failed.then_some("failed"),
        200,
    )
    .await?;
    let event = visitor.event("read", "e-mailwachtrij", "-", Outcome::Success, "");
    audit::append(&state.db, &event).await?;
    let lines = rows
        .into_iter()
        .map(|m| MailLine {
            id: m.id,
            to: m.to_address,
            subject: m.subject,
            status: match (m.status.as_str(), m.merged_into) {
                ("sent", Some(_)) => "verstuurd, samen met ander nieuws in één e-mail".to_owned(),
                ("pending", _) => "wacht".to_owned(),
                ("sending", _) => "wordt verstuurd".to_owned(),
                ("sent", _) => "verstuurd".to_owned(),
                _ => "mislukt".to_owned(),
            },
            failed: m.status == "failed",
            attempts: m.attempts,
            created: when(m.created_at),
            sent: m.sent_at.map(when).unwrap_or_default(),
            next: if m.status == "pending" {
                when(m.next_attempt_at)
            } else {
                String::new()
            },
            error: m.last_error.unwrap_or_default(),
        })
        .collect();
    let mut l = layout(&state, &visitor, "E-mail", "/beheer/e-mail");
    if q.gedaan == "opnieuw" {
        l.notice = Some("De e-mail staat weer in de wachtrij.".to_owned());
    }
    Ok(Html(
        MailView {
            layout: l,
            counts: outbox::tenant_counts(&state.db, state.tenant_id).await?,
            lines,
            only_failed,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) async fn mail_retry(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let object = id.to_string();
    if !outbox::retry(&state.db, state.tenant_id, id, Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    let event = visitor.event("update", "e-mail", &object, Outcome::Success, "retry");
    audit::append(&state.db, &event).await?;
    Ok(Redirect::to("/beheer/e-mail?gedaan=opnieuw").into_response())
}
