//! The public information site: pages and the begrippenlijst, in Dutch (`/…`) and English
//! (`/en/…`). No account, no cookies, no JavaScript needed.

use crate::AppState;
use crate::app::Routes;
use crate::encoded::Made;
use crate::error::{AppError, AppResult};
use crate::extract::SiteLang;
use crate::layout::{public_layout, public_page_layout};
use crate::texts::guide::{GuideTexts, Step, guide};
use crate::texts::public::{fill, long_date, ui};
use crate::views::{FigureChart, FiguresView, GlossaryView, LetterGroup, PageView, TermView};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::content::valid_slug;
use passend_domain::glossary::{Glossary, Term};
use serde::Deserialize;

/// The slug of the begrippenlijst page.
pub const GLOSSARY_SLUG: &str = "begrippen";
/// The longest search we accept; longer input is cut.
pub const MAX_QUERY_CHARS: usize = 100;

/// The public routes.
pub fn router() -> Routes {
    Routes::new()
        .get("/", home)
        .get("/en/", home)
        .get("/en", || async { Redirect::permanent("/en/") })
        .get("/home", || async { Redirect::permanent("/") })
        .get("/en/home", || async { Redirect::permanent("/en/") })
        .get("/begrippen", glossary)
        .get("/en/begrippen", glossary)
        .get("/wat-kan-ik-doen", guide_page)
        .get("/en/wat-kan-ik-doen", guide_page)
        .get("/cijfers", figures_page)
        .get("/en/cijfers", figures_page)
        .get("/{slug}", page)
        .get("/en/{slug}", page)
}

/// The home page.
async fn home(state: State<AppState>, lang: SiteLang, headers: HeaderMap) -> AppResult<Response> {
    page(state, lang, Path("home".to_owned()), headers).await
}

/// The content type of every page.
const HTML: &str = "text/html; charset=utf-8";

/// A content page, made once per content version and kept encoded.
async fn page(
    State(state): State<AppState>,
    SiteLang(lang): SiteLang,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> AppResult<Response> {
    if !valid_slug(&slug) {
        return Err(AppError::NotFound);
    }
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    if let Some(kept) = content.responses.get(&slug) {
        return Ok(kept.respond(&headers, HTML, Made::content(&content)));
    }
    let page = content
        .page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = PageView {
        layout: public_page_layout(&state, &content, lang, &slug, &page.title, &page.summary),
        show_lead: slug == "home",
        map_href: format!("{}/kaart", lang.prefix()),
        guide_href: format!("{}/wat-kan-ik-doen", lang.prefix()),
        body_html: &page.html,
        changed_on: long_date(ui(lang), page.changed_on),
    };
    let html = view.render()?;
    Ok(content
        .responses
        .keep(&slug, html)
        .respond(&headers, HTML, Made::content(&content)))
}

/// The slug of the figures page (its text is editable content; the figures are added to it).
pub const FIGURES_SLUG: &str = "cijfers";
/// Years of deelname the figures page shows, up to the newest.
const FIGURE_YEARS: usize = 10;

/// The public figures: the page's editable text (what the figures mean, how the
/// samenwerkingsverband decides) and the deelnamepercentages of this samenwerkingsverband
/// against the country, as charts with their tables. Made for each request (the figures change
/// with an import, not with the content).
async fn figures_page(
    State(state): State<AppState>,
    SiteLang(lang): SiteLang,
) -> AppResult<Response> {
    let t = ui(lang);
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    let page = content
        .page(&state.db, state.tenant_id, lang, FIGURES_SLUG)
        .await?
        .ok_or(AppError::NotFound)?;
    let tenant = passend_store::tenants::by_id(&state.db, state.tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let here = passend_store::deelname::of_area(&state.db, &tenant.code).await?;
    let country =
        passend_store::deelname::of_area(&state.db, passend_store::deelname::COUNTRY).await?;
    let years: Vec<i64> = country
        .iter()
        .map(|r| r.year)
        .rev()
        .take(FIGURE_YEARS)
        .rev()
        .collect();
    let format = |v: f64| percent(lang, v);
    let value = |rows: &[passend_store::deelname::DeelnameRow], year: i64, so: bool| {
        rows.iter().find(|r| r.year == year).and_then(|r| {
            let t = r.totals();
            if so {
                t.so_percentage()
            } else {
                t.sbo_percentage()
            }
        })
    };
    let labels: Vec<String> = years.iter().map(i64::to_string).collect();
    let mut charts = Vec::new();
    if !here.is_empty() {
        for (so, title) in [(false, t.figures_sbo), (true, t.figures_so)] {
            let series = [
                crate::charts::Series {
                    name: &tenant.name,
                    values: years.iter().map(|y| value(&here, *y, so)).collect(),
                },
                crate::charts::Series {
                    name: t.figures_country,
                    values: years.iter().map(|y| value(&country, *y, so)).collect(),
                },
            ];
            let span = match (labels.first(), labels.last()) {
                (Some(a), Some(b)) => format!("{a}–{b}"),
                _ => String::new(),
            };
            let desc = t
                .figures_chart_desc
                .replace("{swv}", &tenant.name)
                .replace("{years}", &span);
            let show = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), &format);
            charts.push(FigureChart {
                title,
                svg: crate::charts::line_chart(title, &desc, &labels, &series, &format),
                legend: crate::charts::legend(&series),
                rows: years
                    .iter()
                    .zip(series[0].values.iter().zip(&series[1].values))
                    .map(|(y, (a, b))| (y.to_string(), show(*a), show(*b)))
                    .collect(),
            });
        }
    }
    let view = FiguresView {
        layout: public_page_layout(
            &state,
            &content,
            lang,
            FIGURES_SLUG,
            &page.title,
            &page.summary,
        ),
        body_html: &page.html,
        swv_name: tenant.name.clone(),
        charts,
        changed_on: long_date(t, page.changed_on),
    };
    Ok(Html(view.render()?).into_response())
}

/// A percentage as the language writes it: "2,70 %" in Dutch, "2.70%" in English.
fn percent(lang: passend_domain::Lang, v: f64) -> String {
    match lang {
        passend_domain::Lang::Nl => format!("{v:.2} %").replace('.', ","),
        passend_domain::Lang::En => format!("{v:.2}%"),
    }
}

/// The query of the begrippenlijst search.
#[derive(Debug, Deserialize)]
pub struct GlossaryQuery {
    /// What the visitor typed.
    q: Option<String>,
}

/// The begrippenlijst with its search (server-side, so it works without JavaScript).
async fn glossary(
    State(state): State<AppState>,
    SiteLang(lang): SiteLang,
    Query(params): Query<GlossaryQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let t = ui(lang);
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    // The whole list is kept; a search is made for its request only.
    let whole = params.q.as_deref().is_none_or(|q| q.trim().is_empty());
    if whole && let Some(kept) = content.responses.get(GLOSSARY_SLUG) {
        return Ok(kept.respond(&headers, HTML, Made::content(&content)));
    }
    let intro = content
        .page(&state.db, state.tenant_id, lang, GLOSSARY_SLUG)
        .await?;
    let (title, summary, intro_html) = match &intro {
        Some(p) => (p.title.as_str(), p.summary.as_str(), p.html.as_str()),
        None => (t.glossary_title, t.glossary_title, ""),
    };
    let query: String = params
        .q
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect();
    let searching = !query.is_empty();
    let all: Vec<&Term> = content.glossary.terms().iter().collect();
    let hits = if searching {
        content.glossary.search(&query)
    } else {
        all.clone()
    };
    let result_line = match (searching, hits.len()) {
        (false, n) => fill(t.terms_total, n, ""),
        (true, 0) => fill(t.terms_none, 0, &query),
        (true, 1) => fill(t.terms_found_one, 1, &query),
        (true, n) => fill(t.terms_found, n, &query),
    };
    let view_of = |term: &Term| TermView {
        key: term.key.clone(),
        term: term.term.clone(),
        expansion: term.expansion.clone(),
        definition_html: content
            .definitions
            .get(&term.key)
            .cloned()
            .unwrap_or_default(),
    };
    let groups = if searching {
        vec![LetterGroup {
            letter: '#',
            terms: hits.iter().map(|t| view_of(t)).collect(),
        }]
    } else {
        let mut groups: Vec<LetterGroup> = Vec::new();
        for term in &hits {
            let letter = term.letter();
            match groups.last_mut() {
                Some(g) if g.letter == letter => g.terms.push(view_of(term)),
                _ => groups.push(LetterGroup {
                    letter,
                    terms: vec![view_of(term)],
                }),
            }
        }
        groups
    };
    let action = lang.page_path(GLOSSARY_SLUG);
    let view = GlossaryView {
        layout: public_page_layout(&state, &content, lang, GLOSSARY_SLUG, title, summary),
        intro_html: intro_html.to_owned(),
        action,
        query,
        searching,
        result_line,
        letters: Glossary::letters(&all),
        groups,
    };
    let html = view.render()?;
    Ok(if whole {
        content
            .responses
            .keep(GLOSSARY_SLUG, html)
            .respond(&headers, HTML, Made::content(&content))
    } else {
        Html(html).into_response()
    })
}

/// Where a parent is in "Wat kan ik doen?": the answer chosen (`stap`) and the question it
/// answered (`huidige`), so that a question sent without an answer is asked again.
#[derive(Debug, Deserialize)]
pub struct GuideQuery {
    stap: Option<String>,
    huidige: Option<String>,
}

/// "Wat kan ik doen?": one question at a time, or the advice it leads to. Only the address
/// carries the answers; nothing is stored.
async fn guide_page(
    State(state): State<AppState>,
    SiteLang(lang): SiteLang,
    Query(q): Query<GuideQuery>,
    headers: HeaderMap,
) -> AppResult<Response> {
    let g = guide(lang);
    let find = |id: &Option<String>| {
        id.as_deref()
            .and_then(|id| g.steps.iter().find(|s| s.id == id))
    };
    let (step, missing) = match (find(&q.stap), find(&q.huidige)) {
        (Some(step), _) => (step, false),
        (None, Some(current)) if !current.answers.is_empty() => (current, true),
        _ => (&g.steps[0], false),
    };
    // Twelve steps, each with or without the message: all kept per content version.
    let key = format!("wat-kan-ik-doen|{}|{missing}", step.id);
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    if let Some(kept) = content.responses.get(&key) {
        return Ok(kept.respond(&headers, HTML, Made::content(&content)));
    }
    let action = format!("{}/wat-kan-ik-doen", lang.prefix());
    let here = if step.id == "start" {
        "/wat-kan-ik-doen".to_owned()
    } else {
        format!("/wat-kan-ik-doen?stap={}", step.id)
    };
    let alternate = format!("{}{here}", lang.other().prefix());
    let layout = public_layout(
        &state,
        lang,
        "wat-kan-ik-doen",
        g.title,
        g.intro,
        &alternate,
    )
    .await?;
    let links = step
        .links
        .iter()
        .map(|&(page, label)| {
            let href = match page {
                "kaart" => format!("{}/kaart", lang.prefix()),
                p if p.starts_with('/') => p.to_owned(),
                slug => lang.page_path(slug),
            };
            (href, label)
        })
        .collect();
    let view = GuideView {
        layout,
        t: g,
        step,
        missing,
        links,
        action,
    };
    let html = view.render()?;
    Ok(content
        .responses
        .keep(&key, html)
        .respond(&headers, HTML, Made::content(&content)))
}

/// The page of "Wat kan ik doen?".
#[derive(Template)]
#[template(path = "views/guide.html")]
struct GuideView {
    layout: crate::views::Layout,
    t: &'static GuideTexts,
    step: &'static Step,
    /// The question was sent without an answer.
    missing: bool,
    /// (href, label) to read on.
    links: Vec<(String, &'static str)>,
    /// The page's own address (start again; where the answers go).
    action: String,
}
