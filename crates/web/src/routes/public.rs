//! The public information site: pages and the begrippenlijst, in Dutch (`/…`) and English
//! (`/en/…`). No account, no cookies, no JavaScript needed.

use crate::AppState;
use crate::app::Routes;
use crate::cache::LangContent;
use crate::error::{AppError, AppResult};
use crate::i18n::{fill, long_date, ui};
use crate::views::{GlossaryView, Layout, LetterGroup, NavItem, PageView, TermView};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, Redirect};
use passend_domain::Lang;
use passend_domain::content::valid_slug;
use passend_domain::glossary::{Glossary, Term};
use passend_store::content::PageLink;
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

/// The main menu and the footer links for a language; `current` marks the page shown.
pub fn menus(links: &[PageLink], lang: Lang, current: &str) -> (Vec<NavItem>, Vec<NavItem>) {
    let item = |l: &PageLink| NavItem {
        href: lang.page_path(&l.slug),
        label: l.label().to_owned(),
        current: l.slug == current,
    };
    let mut nav: Vec<&PageLink> = links.iter().filter(|l| l.nav_order.is_some()).collect();
    nav.sort_by_key(|l| (l.nav_order, l.slug.clone()));
    let mut footer: Vec<&PageLink> = links.iter().filter(|l| l.nav_order.is_none()).collect();
    footer.sort_by(|a, b| a.title.cmp(&b.title));
    (
        nav.into_iter().map(item).collect(),
        footer.into_iter().map(item).collect(),
    )
}

fn layout(
    state: &AppState,
    content: &LangContent,
    lang: Lang,
    slug: &str,
    title: &str,
    description: &str,
) -> Layout {
    let (nav, footer) = menus(&content.links, lang, slug);
    Layout {
        lang_code: lang.code(),
        ui: ui(lang),
        site_name: state.site_name.clone(),
        title: title.to_owned(),
        description: description.to_owned(),
        css_href: crate::assets::css_href(),
        home_href: if lang == Lang::En { "/en/" } else { "/" },
        other_lang_code: lang.other().code(),
        alternate: Some(lang.other().page_path(slug)),
        nav,
        footer,
        contact_href: lang.page_path("oudersteunpunt"),
    }
}

/// The public layout for a page that is not a content page (the Oudersteunpunt's form): the
/// menus of the language, with `slug` marked, and `alternate` as the other language's address.
pub async fn public_layout(
    state: &AppState,
    lang: Lang,
    slug: &str,
    title: &str,
    description: &str,
    alternate: &str,
) -> AppResult<Layout> {
    let content = state.cache.get(&state.db, state.tenant_id, lang).await?;
    let mut l = layout(state, &content, lang, slug, title, description);
    l.alternate = Some(alternate.to_owned());
    Ok(l)
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
        layout: layout(&state, &content, lang, &slug, &page.title, &page.summary),
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
        layout: layout(&state, &content, lang, GLOSSARY_SLUG, title, summary),
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
