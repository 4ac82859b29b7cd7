//! The public information site: pages and the begrippenlijst, in Dutch (`/…`) and English
//! (`/en/…`). No account, no cookies, no JavaScript needed.

use crate::AppState;
use crate::app::Routes;
use crate::error::{AppError, AppResult};
use crate::layout::public_page_layout;
use crate::texts::public::{fill, long_date, ui};
use crate::views::{GlossaryView, LetterGroup, PageView, TermView};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use passend_domain::Lang;
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
        .get("/", |s: State<AppState>| {
            page(s, Lang::Nl, "home".to_owned())
        })
        .get("/en/", |s: State<AppState>| {
            page(s, Lang::En, "home".to_owned())
        })
        .get("/en", || async { Redirect::permanent("/en/") })
        .get("/home", || async { Redirect::permanent("/") })
        .get("/en/home", || async { Redirect::permanent("/en/") })
        .get(
            "/begrippen",
            |s: State<AppState>, q: Query<GlossaryQuery>| glossary(s, Lang::Nl, q),
        )
        .get(
            "/en/begrippen",
            |s: State<AppState>, q: Query<GlossaryQuery>| glossary(s, Lang::En, q),
        )
        .get("/{slug}", |s: State<AppState>, Path(slug): Path<String>| {
            page(s, Lang::Nl, slug)
        })
        .get(
            "/en/{slug}",
            |s: State<AppState>, Path(slug): Path<String>| page(s, Lang::En, slug),
        )
}

/// A content page.
async fn page(State(state): State<AppState>, lang: Lang, slug: String) -> AppResult<Html<String>> {
    if !valid_slug(&slug) {
        return Err(AppError::NotFound);
    }
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    let page = content
        .page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let view = PageView {
        layout: public_page_layout(&state, &content, lang, &slug, &page.title, &page.summary),
        show_lead: slug == "home",
        body_html: &page.html,
        changed_on: long_date(ui(lang), page.changed_on),
    };
    Ok(Html(view.render()?))
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
    lang: Lang,
    Query(params): Query<GlossaryQuery>,
) -> AppResult<Html<String>> {
    let t = ui(lang);
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
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
    Ok(Html(view.render()?))
}
