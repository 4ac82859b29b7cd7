//! The school's zorgplicht registers, and the samenwerkingsverband's view of them.
//!
//! - Aanmeldingen (`/leerlingen/{id}/aanmelding`, `/aanmeldingen/{id}`): the written
//!   registration with its terms from `passend_domain::zorgplicht` (6 weeks, one extension of at
//!   most 4 told in writing, temporary enrolment after 10 weeks) and the outcome.
//! - Thuiszitters (`/leerlingen/{id}/thuiszitten`, `/thuiszitters/{id}`): kind, since, actions,
//!   perspective, leerplicht; toeleiders see and update every one of their samenwerkingsverband
//!   (`/swv/thuiszitters`) and download the Inspectie's anonymised report (CSV and XLSX).
//! - Zieke leerlingen (`/leerlingen/{id}/ziek`, `/ziek/{id}`): expected absence, the OZL
//!   referral after more than three weeks, the plan with contacts and evaluation moments.
//! - `/zorgplicht` is a school's overview; `/swv/zorgplicht` the samenwerkingsverband's, across
//!   schools, in counts, with initials for the terms that passed.
//!
//! Every read of pupil data is recorded in the audit trail, every change in the same transaction
//! as the change.

mod aanmeldingen;
mod overzicht;
mod thuiszitters;
mod ziek;

pub(crate) use aanmeldingen::*;
pub(crate) use overzicht::*;
pub(crate) use thuiszitters::*;
pub(crate) use ziek::*;

use crate::AppState;
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::error::AppResult;
use crate::forms::Field;
use chrono::NaiveDate;
use passend_domain::accounts::Role;
use passend_domain::zorgplicht::TermPolicy;
use std::collections::HashMap;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/school/zorgplicht", school_overview)
        .get("/leerlingen/{id}/aanmelding", new_aanmelding)
        .post("/leerlingen/{id}/aanmelding", add_aanmelding)
        .get("/aanmeldingen/{id}", aanmelding_page)
        .post("/aanmeldingen/{id}", save_aanmelding)
        .get("/leerlingen/{id}/thuiszitten", new_thuiszitter)
        .post("/leerlingen/{id}/thuiszitten", add_thuiszitter)
        .get("/thuiszitters/{id}", thuiszitter_page)
        .post("/thuiszitters/{id}", save_thuiszitter)
        .get("/leerlingen/{id}/ziek", new_sick)
        .post("/leerlingen/{id}/ziek", add_sick)
        .get("/ziek/{id}", sick_page)
        .post("/ziek/{id}", save_sick)
        .post("/ziek/{id}/evaluaties", plan_evaluation)
        .post("/ziek/{id}/evaluaties/{evaluation}", hold_evaluation)
        .get("/swv/zorgplicht", swv_overview)
        .get("/swv/thuiszitters", swv_thuiszitters)
        .get("/swv/thuiszitters/inspectie.csv", inspectie_csv)
        .get("/swv/thuiszitters/inspectie.xlsx", inspectie_xlsx)
}

/// How terms are counted: calendar weeks (domain.md §2: holidays do not pause them) unless the
/// samenwerkingsverband set pause periods (`PASSEND_ZORGPLICHT_PAUZES`).
pub(crate) fn term_policy(state: &AppState) -> &TermPolicy {
    &state.casework.zorgplicht_terms
}

/// Records a refusal and answers "not found".
pub(crate) async fn deny<T>(
    state: &AppState,
    visitor: &Visitor,
    object: &str,
    id: i64,
) -> AppResult<T> {
    Err(crate::access::refused(state, visitor, object, &id.to_string(), "no relation").await)
}

/// Whether a school staff member works at a location.
pub(crate) async fn works_at(state: &AppState, p: &Principal, location_id: i64) -> AppResult<bool> {
    Ok(p.role == Role::Schoolmedewerker
        && passend_store::casework::works_at(&state.db, p.user_id, location_id).await?)
}

pub(crate) fn date_value(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub(crate) fn text(f: &HashMap<String, String>, k: &str, max: usize) -> Field {
    Field::of(
        f.get(k)
            .map(|v| v.trim().chars().take(max).collect::<String>())
            .unwrap_or_default(),
    )
}
