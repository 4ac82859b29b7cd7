//! The support offer on the voorzieningenkaart, as staff keep it: school staff edit their own
//! locations' support profiles (each save renews the last-verified date and lands in the change
//! log); SWV staff see every profile, mark profiles as checked and manage the voorzieningen.

mod profile;
mod profiles;
mod school;
mod voorzieningen;

pub(crate) use profile::*;
pub(crate) use profiles::*;
pub(crate) use school::*;
pub(crate) use voorzieningen::*;

use crate::AppState;
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::error::{AppError, AppResult};
use crate::texts::public::map_texts;
use axum::extract::Path;
use chrono::NaiveDate;
use passend_domain::Lang;
use passend_domain::accounts::Role;
use passend_domain::support::{Admission, theme};
use passend_store::accounts as users;
use passend_store::audit::Outcome;
use passend_store::locations::{self, LocationChoice};

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/school", school)
        .get("/profiel/{code}", profile_form)
        .post("/profiel/{code}", save_profile)
        .get("/swv/profielen", profiles)
        .post("/swv/profielen/{code}/gecontroleerd", mark_checked)
        .get("/swv/voorzieningen", voorzieningen)
        .post("/swv/voorzieningen", |s, v, b| {
            save_voorziening(s, v, None, b)
        })
        .get("/swv/voorzieningen/{slug}", edit_voorziening_form)
        .post("/swv/voorzieningen/{slug}", |s, v, p: Path<String>, b| {
            save_voorziening(s, v, Some(p.0), b)
        })
        .post("/swv/voorzieningen/{slug}/verwijderen", remove_voorziening)
}

/// A profile older than this many days is flagged (as on the map).
pub(crate) const STALE_DAYS: i64 = 365;

pub(crate) fn stale(d: Option<NaiveDate>) -> bool {
    d.is_none_or(|d| {
        (passend_domain::time::to_local(chrono::Utc::now()).date() - d).num_days() > STALE_DAYS
    })
}

pub(crate) fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|| "nooit".to_owned())
}

pub(crate) fn admission_label(code: &str) -> &'static str {
    let t = map_texts(Lang::Nl);
    match Admission::from_code(code) {
        Some(Admission::Direct) => t.admissions[0],
        Some(Admission::Tlv) => t.admissions[1],
        Some(Admission::Plaatsingsoverleg) => t.admissions[2],
        Some(Admission::EigenToelating) => t.admissions[3],
        None => "onbekend",
    }
}

pub(crate) fn themes_label(ids: &str) -> String {
    ids.split(',')
        .filter_map(theme)
        .map(|t| t.nl)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The location, if this user may edit its profile: school staff only their own locations,
/// SWV staff every location. Anything else is "not found" and recorded as refused.
pub(crate) async fn editable_location(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    code: &str,
) -> AppResult<LocationChoice> {
    let code = code.trim().to_ascii_uppercase();
    let location = locations::location_by_code(&state.db, &code).await?;
    let allowed = match (&location, p.role) {
        (None, _) => false,
        (Some(_), Role::Toeleider | Role::Beheerder) => true,
        (Some(l), Role::Schoolmedewerker) => users::user_locations(&state.db, p.user_id)
            .await?
            .iter()
            .any(|m| m.id == l.id),
        _ => false,
    };
    match location {
        Some(l) if allowed => Ok(l),
        _ => {
            let event = visitor.event(
                "read",
                "ondersteuningsprofiel",
                &code,
                Outcome::Denied,
                "not linked",
            );
            passend_store::audit::append(&state.db, &event).await?;
            Err(AppError::NotFound)
        }
    }
}
