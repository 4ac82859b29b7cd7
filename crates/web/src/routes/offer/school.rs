//! A school's own page: its locations and their profiles.

use crate::AppState;
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::layout::{AppLayout, layout};
use crate::routes::offer::*;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use passend_domain::duo::place_name;
use passend_store::accounts as users;
use passend_store::locations::{self};

pub(crate) struct SchoolLine {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) place: String,
    pub(crate) filled_in: bool,
    pub(crate) verified: String,
    pub(crate) stale: bool,
}

#[derive(Template)]
#[template(path = "offer/school/school.html")]
pub(crate) struct SchoolView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<SchoolLine>,
}

pub(crate) async fn school(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let mut lines = Vec::new();
    for l in users::user_locations(&state.db, p.user_id).await? {
        let profile = locations::profile(&state.db, state.tenant_id, l.id).await?;
        let verified = profile.as_ref().and_then(|p| p.last_verified_on);
        lines.push(SchoolLine {
            code: l.code,
            name: l.name,
            place: place_name(&l.place),
            filled_in: profile.is_some(),
            verified: date(verified),
            stale: stale(verified),
        });
    }
    Ok(Html(
        SchoolView {
            layout: layout(&state, &visitor, "Mijn school", "/school"),
            lines,
        }
        .render()?,
    )
    .into_response())
}
