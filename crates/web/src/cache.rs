//! An in-memory cache of rendered content, checked against the database.
//!
//! The database is the source of truth. At most once per check interval (`PASSEND_CACHE_CHECK_MS`,
//! default one second) a request asks for a cheap stamp (the highest version ids); when it differs
//! from the cached one, the menu and begrippenlijst are loaded again and the rendered pages are
//! dropped. So an edit shows within the interval, also when several instances share one
//! database, and a page is rendered from Markdown only once per version.

use passend_domain::Lang;
use passend_domain::contact::ContactDetails;
use passend_domain::content::split_list;
use passend_domain::glossary::Glossary;
use passend_domain::markdown::{RenderOptions, render};
use passend_store::content::{self, PageLink};
use passend_store::{Db, StoreResult};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

/// The most bytes of public responses kept per language and content version.
const RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// A page ready to show.
#[derive(Debug)]
pub struct RenderedPage {
    /// Title.
    pub title: String,
    /// Meta description.
    pub summary: String,
    /// Safe HTML of the body.
    pub html: String,
    /// Version number.
    pub version_no: i64,
    /// The day this version was made (UTC).
    pub changed_on: chrono::NaiveDate,
}

/// Everything of one language, for one content stamp.
#[derive(Debug)]
pub struct LangContent {
    lang: Lang,
    stamp: i64,
    /// The begrippenlijst.
    pub glossary: Glossary,
    /// Rendered definitions, by term key (no term links inside definitions).
    pub definitions: HashMap<String, String>,
    /// Every page with its menu data.
    pub links: Vec<PageLink>,
    /// How to reach the samenwerkingsverband and the Oudersteunpunt (saved with the content
    /// stamp, so a change shows within the check interval).
    pub contact: ContactDetails,
    /// Public responses made from this content, encoded, by path and query.
    pub responses: crate::encoded::ResponseCache,
    pages: Mutex<HashMap<String, Arc<RenderedPage>>>,
}

impl LangContent {
    /// The content stamp this was built for (part of the keys of cached responses).
    pub fn stamp(&self) -> i64 {
        self.stamp
    }

    /// The language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The path of the begrippenlijst in a language.
    pub fn glossary_path(lang: Lang) -> String {
        format!("{}/begrippen", lang.prefix())
    }

    /// A page's Markdown as the public site shows it, with its term links: for the page itself
    /// and for a beheerder's preview of a text not saved yet.
    pub fn render_body(&self, slug: &str, body_md: &str, no_link_terms: &str) -> String {
        let glossary_path = Self::glossary_path(self.lang);
        // The begrippenlijst's own introduction does not link to itself.
        let glossary = (slug != "begrippen").then_some(&self.glossary);
        let no_link = split_list(no_link_terms);
        render(
            body_md,
            &RenderOptions {
                glossary,
                glossary_path: &glossary_path,
                no_link: &no_link,
                term_lang: (self.lang == Lang::En).then_some("nl"),
            },
        )
    }

    /// A rendered page, from the cache or the database.
    pub async fn page(
        &self,
        db: &Db,
        tenant_id: i64,
        lang: Lang,
        slug: &str,
    ) -> StoreResult<Option<Arc<RenderedPage>>> {
        if let Some(p) = lock(&self.pages).get(slug) {
            return Ok(Some(Arc::clone(p)));
        }
        let Some(page) = content::page(db, tenant_id, lang, slug).await? else {
            return Ok(None);
        };
        let html = self.render_body(slug, &page.body_md, &page.no_link_terms);
        let rendered = Arc::new(RenderedPage {
            title: page.title,
            summary: page.summary,
            html,
            version_no: page.version_no,
            changed_on: page.created_at.date_naive(),
        });
        lock(&self.pages).insert(slug.to_owned(), Arc::clone(&rendered));
        Ok(Some(rendered))
    }
}

/// A mutex's guard, also after a panic elsewhere poisoned it (what it guards stays usable).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The cache for all languages.
#[derive(Debug)]
pub struct ContentCache {
    langs: RwLock<HashMap<Lang, (Arc<LangContent>, Instant)>>,
    interval: Duration,
}

impl ContentCache {
    /// A cache that checks the database at most once per `interval` (zero: on every request).
    pub fn new(interval: Duration) -> ContentCache {
        ContentCache {
            langs: RwLock::new(HashMap::new()),
            interval,
        }
    }

    /// The stamp of a language's content when the database was asked within the check interval,
    /// without asking it again: what the front needs to know that a kept response is current.
    pub fn fresh_stamp(&self, lang: Lang) -> Option<i64> {
        self.langs
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&lang)
            .filter(|(_, at)| at.elapsed() < self.interval)
            .map(|(c, _)| c.stamp)
    }

    /// The current content of a language.
    pub async fn get(&self, db: &Db, tenant_id: i64, lang: Lang) -> StoreResult<Arc<LangContent>> {
        let cached = self
            .langs
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&lang)
            .map(|(c, at)| (Arc::clone(c), *at));
        if let Some((c, at)) = &cached
            && at.elapsed() < self.interval
        {
            return Ok(Arc::clone(c));
        }
        let stamp = content::content_stamp(db, tenant_id).await?;
        if let Some((c, _)) = cached
            && c.stamp == stamp
        {
            self.langs
                .write()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .insert(lang, (Arc::clone(&c), Instant::now()));
            return Ok(c);
        }
        let terms = content::glossary_terms(db, tenant_id, lang).await?;
        let links = content::page_links(db, tenant_id, lang).await?;
        let (_, contact) = passend_store::contact::current(db, tenant_id).await?;
        let glossary = Glossary::new(terms);
        let glossary_path = LangContent::glossary_path(lang);
        let definitions = glossary
            .terms()
            .iter()
            .map(|t| {
                let html = render(
                    &t.definition,
                    &RenderOptions {
                        glossary: None,
                        glossary_path: &glossary_path,
                        no_link: &[],
                        term_lang: None,
                    },
                );
                (t.key.clone(), html)
            })
            .collect();
        let fresh = Arc::new(LangContent {
            lang,
            stamp,
            glossary,
            definitions,
            links,
            contact,
            responses: crate::encoded::ResponseCache::new(RESPONSE_BYTES),
            pages: Mutex::new(HashMap::new()),
        });
        self.langs
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(lang, (Arc::clone(&fresh), Instant::now()));
        Ok(fresh)
    }
}
