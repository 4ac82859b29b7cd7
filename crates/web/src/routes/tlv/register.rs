//! The TLV register, its expiry list and CSV export.

use crate::AppState;
use crate::access::record_list;
use crate::dates::{long, long_or, today};
use crate::error::AppResult;
use crate::exports::csv_response;
use crate::extract::SignedIn;
use crate::forms::{Opt, opts};
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Months, NaiveDate};
use passend_domain::tlv::{self};
use passend_store::casework::{self as cw, DecisionRow, RegisterFilter};
use serde::Deserialize;

pub(crate) struct RegisterLine {
    pub(crate) request_id: i64,
    pub(crate) decision_id: i64,
    pub(crate) number: String,
    pub(crate) pupil: String,
    pub(crate) school: String,
    pub(crate) placement: String,
    pub(crate) start: String,
    pub(crate) end: String,
    pub(crate) receiving: String,
    pub(crate) ending_soon: bool,
}

#[derive(Template)]
#[template(path = "tlv/register/register.html")]
pub(crate) struct RegisterView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<RegisterLine>,
    pub(crate) q: String,
    pub(crate) placements: Vec<Opt>,
    pub(crate) categories: Vec<Opt>,
    pub(crate) views: Vec<Opt>,
    pub(crate) csv_href: String,
    pub(crate) expiring: bool,
    pub(crate) remind_months: u8,
    pub(crate) bezwaren: Vec<OpenBezwaar>,
    pub(crate) total: usize,
}

/// Rows a register page shows at most (the CSV has them all).
pub(crate) const PAGE_ROWS: usize = 2000;

pub(crate) struct OpenBezwaar {
    pub(crate) request_id: i64,
    pub(crate) number: String,
    pub(crate) received: String,
    pub(crate) lbt_due: String,
    pub(crate) lbt_sent: bool,
    pub(crate) lbt_late: bool,
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct RegisterQuery {
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default)]
    pub(crate) soort: String,
    #[serde(default)]
    pub(crate) categorie: String,
    #[serde(default)]
    pub(crate) weergave: String,
}

pub(crate) fn register_filter(state: &AppState, q: &RegisterQuery) -> RegisterFilter {
    let t = today();
    RegisterFilter {
        text: Some(q.q.trim().to_owned()).filter(|s| !s.is_empty()),
        placement: Some(q.soort.clone()).filter(|s| matches!(s.as_str(), "sbo" | "so")),
        category: Some(q.categorie.clone())
            .filter(|s| matches!(s.as_str(), "laag" | "midden" | "hoog")),
        valid_on: matches!(q.weergave.as_str(), "geldig" | "aflopend").then_some(t),
        ends_by: (q.weergave == "aflopend").then(|| {
            t.checked_add_months(Months::new(u32::from(
                state.casework.policy.remind_months_before_end,
            )))
            .unwrap_or(t)
        }),
        ..RegisterFilter::default()
    }
}

pub(crate) fn placement_label(d: &DecisionRow) -> String {
    match (d.placement.as_deref(), d.category.as_deref()) {
        (Some("sbo"), _) => "SBO".to_owned(),
        (Some("so"), Some(c)) => format!("SO, {c}"),
        _ => "–".to_owned(),
    }
}

pub(crate) fn register_line(state: &AppState, d: DecisionRow) -> RegisterLine {
    let remind = d
        .end_on
        .map(|e| state.casework.policy.reminder_on(e) <= today() && e >= today());
    RegisterLine {
        request_id: d.request_id,
        decision_id: d.id,
        placement: placement_label(&d),
        number: d.beschikkingsnummer,
        pupil: d.pupil_name,
        school: d.location_name,
        start: long_or(d.start_on, "–"),
        end: long_or(d.end_on, "geen einddatum"),
        receiving: d.receiving_name.unwrap_or_else(|| "–".to_owned()),
        ending_soon: remind == Some(true),
    }
}

pub(crate) async fn register(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    let mut rows = cw::register(&state.db, p.tenant_id, &register_filter(&state, &q)).await?;
    let total = rows.len();
    rows.truncate(PAGE_ROWS);
    let pupils = rows.iter().map(|d| d.pupil_id);
    record_list(&state, &visitor, "search", "tlv-register", pupils).await?;
    let lines = rows.into_iter().map(|d| register_line(&state, d)).collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .append_pair("soort", &q.soort)
        .append_pair("categorie", &q.categorie)
        .append_pair("weergave", &q.weergave)
        .finish();
    let bezwaren = cw::open_bezwaren(&state.db, p.tenant_id)
        .await?
        .into_iter()
        .map(|o| OpenBezwaar {
            request_id: o.request_id,
            number: o.beschikkingsnummer,
            received: long(o.bezwaar.received_on),
            lbt_due: long(tlv::lbt_deadline(o.bezwaar.received_on)),
            lbt_sent: o.bezwaar.lbt_sent_on.is_some(),
            lbt_late: o.bezwaar.lbt_sent_on.is_none()
                && tlv::lbt_deadline(o.bezwaar.received_on) < today(),
        })
        .collect();
    Ok(Html(
        RegisterView {
            layout: layout(&state, &visitor, "TLV-register", "/swv/tlv"),
            lines,
            q: q.q.clone(),
            placements: opts([("", "SBO en SO"), ("sbo", "SBO"), ("so", "SO")], &q.soort),
            categories: opts(
                [
                    ("", "Alle categorieën"),
                    ("laag", "Laag"),
                    ("midden", "Midden"),
                    ("hoog", "Hoog"),
                ],
                &q.categorie,
            ),
            views: opts(
                [
                    ("", "Alle afgegeven TLV's"),
                    ("geldig", "Nu geldig"),
                    ("aflopend", "Loopt binnenkort af"),
                ],
                &q.weergave,
            ),
            csv_href: format!("/swv/tlv.csv?{query}"),
            expiring: q.weergave == "aflopend",
            remind_months: state.casework.policy.remind_months_before_end,
            bezwaren,
            total,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) fn iso(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub(crate) async fn register_csv(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<RegisterQuery>,
) -> AppResult<Response> {
    let rows = cw::register(&state.db, p.tenant_id, &register_filter(&state, &q)).await?;
    let pupils = rows.iter().map(|d| d.pupil_id);
    record_list(&state, &visitor, "export", "tlv-register", pupils).await?;
    let out = rows
        .into_iter()
        .map(|d| {
            vec![
                d.beschikkingsnummer.clone(),
                d.pupil_name.clone(),
                d.birth_date.format("%Y-%m-%d").to_string(),
                d.location_name.clone(),
                d.placement.clone().unwrap_or_default().to_uppercase(),
                d.category.clone().unwrap_or_default(),
                iso(d.start_on),
                iso(d.end_on),
                d.receiving_name.clone().unwrap_or_default(),
                d.letter_on.format("%Y-%m-%d").to_string(),
            ]
        })
        .collect();
    Ok(csv_response(
        "tlv-register.csv",
        &[
            "Beschikkingsnummer",
            "Leerling",
            "Geboortedatum",
            "Aanvragende school",
            "Soort",
            "Categorie",
            "Startdatum",
            "Einddatum",
            "Ontvangende school",
            "Datum besluit",
        ],
        out,
    ))
}
