//! Receiving schools: their TLVs and the data for DUO.

use crate::AppState;
use crate::access::record_list;
use crate::auth::Visitor;
use crate::dates::long_or;
use crate::error::AppResult;
use crate::exports::csv_response;
use crate::layout::{AppLayout, layout};
use crate::routes::tlv::*;
use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use passend_domain::tlv::{self};
use passend_store::casework::{self as cw, DecisionRow, RegisterFilter};

#[derive(Template)]
#[template(path = "tlv/receiving/school_tlv.html")]
pub(crate) struct SchoolTlvView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<SchoolTlvLine>,
}

pub(crate) struct SchoolTlvLine {
    pub(crate) request_id: i64,
    pub(crate) decision_id: i64,
    pub(crate) number: String,
    pub(crate) pupil: String,
    pub(crate) birth: String,
    pub(crate) onderwijsnummer: String,
    pub(crate) placement: String,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) receiving: String,
    /// The decision letter still says what holds (no beslissing op bezwaar replaced it).
    pub(crate) letter: bool,
}

pub(crate) async fn school_rows(
    state: &AppState,
    visitor: &Visitor,
) -> AppResult<Vec<DecisionRow>> {
    let p = visitor.signed_in()?;
    Ok(cw::register(
        &state.db,
        p.tenant_id,
        &RegisterFilter {
            receiving_staff_id: Some(p.user_id),
            ..RegisterFilter::default()
        },
    )
    .await?)
}

pub(crate) async fn school_tlvs(
    State(state): State<AppState>,
    visitor: Visitor,
) -> AppResult<Response> {
    let rows = school_rows(&state, &visitor).await?;
    let pupils = rows.iter().map(|d| d.pupil_id);
    record_list(&state, &visitor, "search", "tlv-ontvangen", pupils).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for d in rows {
        let letter = !passend_store::bezwaar::was_replaced(&state.db, d.id).await?;
        lines.push(SchoolTlvLine {
            letter,
            request_id: d.request_id,
            decision_id: d.id,
            placement: placement_label(&d),
            number: d.beschikkingsnummer,
            pupil: d.pupil_name,
            birth: d.birth_date.format("%d-%m-%Y").to_string(),
            onderwijsnummer: d.onderwijsnummer.unwrap_or_else(|| "–".to_owned()),
            start: long_or(d.start_on, "–"),
            end: long_or(d.end_on, "geen einddatum"),
            receiving: d.receiving_name.unwrap_or_default(),
        });
    }
    Ok(Html(
        SchoolTlvView {
            layout: layout(
                &state,
                &visitor,
                "Toelaatbaarheidsverklaringen",
                "/school/tlv",
            ),
            lines,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) async fn school_tlvs_csv(
    State(state): State<AppState>,
    visitor: Visitor,
) -> AppResult<Response> {
    let rows = school_rows(&state, &visitor).await?;
    let pupils = rows.iter().map(|d| d.pupil_id);
    record_list(&state, &visitor, "export", "tlv-duo", pupils).await?;
    let swv = state.casework.swv_code.clone();
    let out = rows
        .into_iter()
        .map(|d| {
            vec![
                d.beschikkingsnummer.clone(),
                swv.clone(),
                d.receiving_code.clone().unwrap_or_default(),
                d.onderwijsnummer.clone().unwrap_or_default(),
                d.pupil_name.clone(),
                d.birth_date.format("%Y-%m-%d").to_string(),
                d.placement.clone().unwrap_or_default().to_uppercase(),
                d.category
                    .as_deref()
                    .and_then(tlv::Category::from_code)
                    .map(|c| c.number().to_string())
                    .unwrap_or_default(),
                iso(d.start_on),
                iso(d.end_on),
            ]
        })
        .collect();
    Ok(csv_response(
        "tlv-duo.csv",
        &[
            "Beschikkingsnummer",
            "Samenwerkingsverband",
            "Vestiging",
            "Onderwijsnummer",
            "Leerling",
            "Geboortedatum",
            "Soort",
            "Bekostigingscategorie",
            "Ingangsdatum",
            "Einddatum",
        ],
        out,
    ))
}
