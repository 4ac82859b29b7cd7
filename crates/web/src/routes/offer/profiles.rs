//! The SWV's view of every profile, and marking one checked.

use crate::AppState;
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::layout::{AppLayout, layout};
use crate::routes::offer::*;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::duo::place_name;
use passend_store::audit::Outcome;
use passend_store::locations::{self};
use serde::Deserialize;

pub(crate) struct ProfileLine {
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) place: String,
    pub(crate) school_type: String,
    pub(crate) filled_in: bool,
    pub(crate) set_by: &'static str,
    pub(crate) verified: String,
    pub(crate) stale: bool,
    pub(crate) checked: String,
}

#[derive(Template)]
#[template(path = "offer/profiles/profiles.html")]
pub(crate) struct ProfilesView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<ProfileLine>,
    pub(crate) total: usize,
    pub(crate) filled: usize,
    pub(crate) stale_count: usize,
    pub(crate) filter: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ProfilesQuery {
    #[serde(default)]
    pub(crate) toon: String,
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) async fn profiles(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ProfilesQuery>,
) -> AppResult<Response> {
    let all = locations::profiles(&state.db, state.tenant_id).await?;
    let mut lines = Vec::new();
    for l in locations::location_choices(&state.db).await? {
        let p = all.iter().find(|p| p.location_id == l.id);
        let verified = p.and_then(|p| p.last_verified_on);
        lines.push(ProfileLine {
            code: l.code,
            name: l.name,
            place: place_name(&l.place),
            school_type: l.school_type.to_uppercase(),
            filled_in: p.is_some(),
            set_by: match p.map(|p| p.set_by.as_str()) {
                Some("school") => "school",
                Some(_) => "samenwerkingsverband",
                None => "",
            },
            verified: date(verified),
            stale: p.is_some() && stale(verified),
            checked: date(p.and_then(|p| p.checked_on)),
        });
    }
    let total = lines.len();
    let filled = lines.iter().filter(|l| l.filled_in).count();
    let stale_count = lines.iter().filter(|l| l.stale).count();
    match q.toon.as_str() {
        "leeg" => lines.retain(|l| !l.filled_in),
        "verouderd" => lines.retain(|l| l.stale),
        "ingevuld" => lines.retain(|l| l.filled_in),
        _ => {}
    }
    let mut l = layout(
        &state,
        &visitor,
        "Ondersteuningsprofielen",
        "/swv/profielen",
    );
    if q.gedaan == "gecontroleerd" {
        l.notice = Some("Het profiel is gemarkeerd als gecontroleerd.".to_owned());
    }
    Ok(Html(
        ProfilesView {
            layout: l,
            lines,
            total,
            filled,
            stale_count,
            filter: q.toon,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) async fn mark_checked(
    SignedIn { state, visitor, p }: SignedIn,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let code = code.trim().to_ascii_uppercase();
    let Some(location) = locations::location_by_code(&state.db, &code).await? else {
        return Err(AppError::NotFound);
    };
    let event = visitor.event(
        "check",
        "ondersteuningsprofiel",
        &code,
        Outcome::Success,
        "",
    );
    if !locations::mark_profile_checked(
        &state.db,
        state.tenant_id,
        location.id,
        p.user_id,
        passend_domain::time::to_local(chrono::Utc::now()).date(),
        &event,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/swv/profielen?gedaan=gecontroleerd").into_response())
}
