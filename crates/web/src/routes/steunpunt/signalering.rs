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
    /// `maand` (default), `kwartaal` or `jaar`.
    #[serde(default)]
    pub(crate) per: String,
}

/// How the months are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Per {
    Month,
    Quarter,
    Year,
}

impl Per {
    fn of(code: &str) -> Per {
        match code {
            "kwartaal" => Per::Quarter,
            "jaar" => Per::Year,
            _ => Per::Month,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Per::Month => "maand",
            Per::Quarter => "kwartaal",
            Per::Year => "jaar",
        }
    }

    /// The most months one overview holds.
    fn max_months(self) -> u32 {
        match self {
            Per::Month => 24,
            Per::Quarter => 36,
            Per::Year => 60,
        }
    }

    /// The first month shown when none was asked for: twelve months, eight quarters, three
    /// years (the running quarter or year up to the last completed month).
    fn default_from(self, to: NaiveDate) -> NaiveDate {
        let back = |n: u32| to.checked_sub_months(chrono::Months::new(n)).unwrap_or(to);
        match self {
            Per::Month => back(11),
            Per::Quarter => {
                let start = back(21);
                start.with_month0(start.month0() / 3 * 3).unwrap_or(start)
            }
            Per::Year => back(24).with_month(1).unwrap_or(to),
        }
    }

    /// The group a month belongs to.
    fn key(self, m: NaiveDate) -> (i32, u32) {
        match self {
            Per::Month => (m.year(), m.month()),
            Per::Quarter => (m.year(), m.month0() / 3),
            Per::Year => (m.year(), 0),
        }
    }

    /// The column's name; a group the period cuts says which months it holds.
    fn label(self, months: &[NaiveDate]) -> String {
        let (Some(first), Some(last)) = (months.first(), months.last()) else {
            return String::new();
        };
        let short = |m: &NaiveDate| crate::texts::public::month_short(*m);
        let (name, whole) = match self {
            Per::Month => return short(first),
            Per::Quarter => (format!("K{} {}", first.month0() / 3 + 1, first.year()), 3),
            Per::Year => (first.year().to_string(), 12),
        };
        if months.len() == whole {
            name
        } else {
            format!("{name} ({} t/m {})", short(first), short(last))
        }
    }
}

/// A month as `2026-11`.
pub(crate) fn month_of(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(&format!("{}-01", s.trim()), "%Y-%m-%d").ok()
}

pub(crate) fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(n)).unwrap_or(d)
}

pub(crate) struct Report {
    /// The columns: months, quarters or years, then the total.
    pub(crate) columns: Vec<String>,
    /// Per theme, then all themes together: its cells, the total last.
    pub(crate) rows: Vec<(String, Vec<String>)>,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) per: &'static str,
    pub(crate) views: Vec<crate::forms::Opt>,
    /// Why the period shown differs from the one asked for, if it does.
    pub(crate) corrected: Option<String>,
}

/// The signalering over completed months: counts per theme and month, quarter or year, with
/// totals per theme and per column. Every cell hides a count under five, and a total also when
/// exactly one of its months is hidden ([`Cell::total`]): the months, quarters and years of the
/// same period never give a hidden count away by subtraction. The running month is left out:
/// comparing it day by day would show single cases. A period that cannot be shown is replaced,
/// and the page says why.
pub(crate) async fn report(state: &AppState, tenant: i64, q: &PeriodQuery) -> AppResult<Report> {
    let per = Per::of(&q.per);
    let this_month = today().with_day(1).unwrap_or_else(today);
    let last_month = this_month
        .checked_sub_months(chrono::Months::new(1))
        .unwrap_or(this_month);
    let asked_to = month_of(&q.tot);
    let asked_from = month_of(&q.van);
    let to = asked_to.filter(|d| *d <= last_month).unwrap_or(last_month);
    let earliest = to
        .checked_sub_months(chrono::Months::new(per.max_months() - 1))
        .unwrap_or(to);
    let from = asked_from
        .filter(|d| *d <= to && *d >= earliest)
        .unwrap_or_else(|| per.default_from(to));
    let mut corrected = Vec::new();
    if (!q.tot.trim().is_empty() && asked_to.is_none())
        || (!q.van.trim().is_empty() && asked_from.is_none())
    {
        corrected
            .push("een maand is niet als jaar-maand geschreven (bijvoorbeeld 2026-11)".to_owned());
    }
    if asked_to.is_some_and(|d| d > last_month) {
        corrected.push("alleen afgesloten maanden tellen mee".to_owned());
    }
    if asked_from.is_some_and(|d| d > to) {
        corrected.push("de beginmaand lag na de eindmaand".to_owned());
    }
    if asked_from.is_some_and(|d| d < earliest) {
        corrected.push(format!(
            "er passen hooguit {} maanden in dit overzicht",
            per.max_months()
        ));
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
    // The columns: runs of months with the same key.
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    for (i, m) in months.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if per.key(months[g.start]) == per.key(*m) => g.end = i + 1,
            _ => groups.push(i..i + 1),
        }
    }
    let every = 0..months.len();
    let mut rows: Vec<(String, Vec<String>)> = Theme::ALL
        .iter()
        .zip(&counts)
        .map(|(t, c)| {
            let cells = groups
                .iter()
                .chain(std::iter::once(&every))
                .map(|g| Cell::total(&c[g.clone()]).label())
                .collect();
            (t.label_nl().to_owned(), cells)
        })
        .collect();
    let column = |g: &std::ops::Range<usize>| -> Vec<i64> {
        counts
            .iter()
            .flat_map(|c| c[g.clone()].iter().copied())
            .collect()
    };
    rows.push((
        "Alle onderwerpen".to_owned(),
        groups
            .iter()
            .chain(std::iter::once(&every))
            .map(|g| Cell::total(&column(g)).label())
            .collect(),
    ));
    let mut columns: Vec<String> = groups
        .iter()
        .map(|g| per.label(&months[g.clone()]))
        .collect();
    columns.push("Totaal".to_owned());
    Ok(Report {
        columns,
        rows,
        from: from.format("%Y-%m").to_string(),
        to: to.format("%Y-%m").to_string(),
        per: per.code(),
        views: crate::forms::opts(
            [
                ("maand", "Per maand"),
                ("kwartaal", "Per kwartaal"),
                ("jaar", "Per jaar"),
            ],
            per.code(),
        ),
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
        "/steunpunt/signalering.csv?van={}&tot={}&per={}",
        report.from, report.to, report.per
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
    header.extend(report.columns.iter().cloned());
    let rows: Vec<Vec<String>> = report
        .rows
        .into_iter()
        .map(|(theme, cells)| std::iter::once(theme).chain(cells).collect())
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    Ok(crate::exports::csv_response(
        &format!(
            "signalering-oudersteunpunt-{}-{}-per-{}.csv",
            report.from, report.to, report.per
        ),
        &header_refs,
        rows,
    ))
}
