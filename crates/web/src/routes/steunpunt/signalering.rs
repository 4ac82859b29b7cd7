//! Signalering: counts per month and theme, suppressed when small.

use crate::AppState;
use crate::access::actor;
use crate::dates::today;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::Query;
use axum::response::{Html, IntoResponse, Response};
use chrono::{Datelike, NaiveDate, Utc};
use passend_domain::steunpunt::{Cell, Theme};
use passend_store::steunpunt::{self as store};
use serde::Deserialize;

#[derive(Debug, Deserialize, Default)]
pub(crate) struct PeriodQuery {
    #[serde(default)]
    pub(crate) van: String,
    #[serde(default)]
    pub(crate) tot: String,
}

/// A month as `2026-11`.
pub(crate) fn month_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()
}

pub(crate) fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(n)).unwrap_or(d)
}

pub(crate) struct Report {
    pub(crate) months: Vec<String>,
    pub(crate) rows: Vec<(String, Vec<String>)>,
    pub(crate) from: String,
    pub(crate) to: String,
    /// Why the period shown differs from the one asked for, if it does.
    pub(crate) corrected: Option<String>,
}

/// The signalering over completed months (at most 24): counts per theme and month, below five
/// hidden. The running month is left out: comparing it day by day would show single cases. A
/// period that cannot be shown is replaced, and the page says why.
pub(crate) async fn report(state: &AppState, tenant: i64, q: &PeriodQuery) -> AppResult<Report> {
    let this_month = today().with_day(1).unwrap_or_else(today);
    let last_month = this_month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(this_month);
    let asked_to = month_of(&q.tot);
    let asked_from = month_of(&q.van);
    let to = asked_to.filter(|d| *d <= last_month).unwrap_or(last_month);
    let earliest = to.checked_sub_months(chrono::Months::new(23)).unwrap_or(to);
    let from = asked_from
        .filter(|d| *d <= to && *d >= earliest)
        .unwrap_or_else(|| to.checked_sub_months(chrono::Months::new(11)).unwrap_or(to));
    let mut corrected = Vec::new();
    if (!q.tot.trim().is_empty() && asked_to.is_none())
        || (!q.van.trim().is_empty() && asked_from.is_none())
    {
        corrected.push("een maand is niet als jaar-maand geschreven (bijvoorbeeld 2026-11)");
    }
    if asked_to.is_some_and(|d| d > last_month) {
        corrected.push("alleen afgesloten maanden tellen mee");
    }
    if asked_from.is_some_and(|d| d > to) {
        corrected.push("de beginmaand lag na de eindmaand");
    }
    if asked_from.is_some_and(|d| d < earliest) {
        corrected.push("er passen hooguit 24 maanden in het overzicht");
    }
    let corrected = (!corrected.is_empty()).then(|| {
        format!(
            "Het overzicht toont een andere periode dan gevraagd: {}.",
            corrected.join("; ")
        )
    });
    let mut months = Vec::new();
    let mut m = from;
    while m <= to {
        months.push(m);
        m = add_months(m, 1);
    }
    let start = passend_domain::time::start_of_day(from);
    let end = passend_domain::time::start_of_day(add_months(to, 1));
    let cases = store::themes_between(&state.db, tenant, start, end).await?;
    let month_index = |at: chrono::DateTime<Utc>| {
        let local = passend_domain::time::to_local(at).date();
        let first = local.with_day(1).unwrap_or(local);
        months.iter().position(|m| *m == first)
    };
    let mut counts = vec![vec![0i64; months.len()]; Theme::ALL.len()];
    for (theme, at) in &cases {
        let Some(ti) = Theme::ALL.iter().position(|t| t.code() == theme) else {
            continue;
        };
        if let Some(mi) = month_index(*at) {
            counts[ti][mi] += 1;
        }
    }
    let rows = Theme::ALL
        .iter()
        .zip(counts)
        .map(|(t, c)| {
            (
                t.label_nl().to_owned(),
                c.into_iter().map(|n| Cell::of(n).label()).collect(),
            )
        })
        .collect();
    Ok(Report {
        months: months
            .iter()
            .map(|m| crate::texts::public::month_year(*m))
            .collect(),
        rows,
        from: from.format("%Y-%m").to_string(),
        to: to.format("%Y-%m").to_string(),
        corrected,
    })
}

#[derive(Template)]
#[template(path = "steunpunt/signalering/signalering.html")]
pub(crate) struct SignaleringView {
    pub(crate) layout: AppLayout,
    pub(crate) report: Report,
    pub(crate) csv_href: String,
}

pub(crate) async fn signalering(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let report = report(&state, p.tenant_id, &q).await?;
    let who = actor(&p, &visitor);
    store::log_read(&state.db, &who, "report", "success", None, "signalering").await?;
    let csv_href = format!(
        "/steunpunt/signalering.csv?van={}&tot={}",
        report.from, report.to
    );
    Ok(Html(
        SignaleringView {
            layout: layout(
                &state,
                &visitor,
                "Signalering Oudersteunpunt",
                "/steunpunt/signalering",
            ),
            report,
            csv_href,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) async fn signalering_csv(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let report = report(&state, p.tenant_id, &q).await?;
    let who = actor(&p, &visitor);
    store::log_read(&state.db, &who, "export", "success", None, "signalering").await?;
    let mut header = vec!["Onderwerp".to_owned()];
    header.extend(report.months.iter().cloned());
    let rows: Vec<Vec<String>> = report
        .rows
        .into_iter()
        .map(|(theme, cells)| std::iter::once(theme).chain(cells).collect())
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(crate::exports::csv_response(
        &format!(
            "signalering-oudersteunpunt-{}-{}.csv",
            report.from, report.to
        ),
        &header_refs,
        rows,
    ))
}
