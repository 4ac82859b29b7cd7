//! Seeds the public content from the Markdown files embedded at build time (`content/`).
//! Runs at every start; see `content/README.md` for when a file change becomes a new version.

use anyhow::{Context, bail};
use passend_domain::Lang;
use passend_domain::content::{GlossarySource, PageSource, parse_glossary, parse_page};
use passend_domain::text::stable_hash;
use passend_store::Db;
use passend_store::content::{PageSeed, SeedOutcome, TermSeed, seed_page, seed_term};
use std::collections::BTreeSet;

include!(concat!(env!("OUT_DIR"), "/content_gen.rs"));

/// The slug whose file holds the begrippenlijst.
pub const GLOSSARY_SLUG: &str = "begrippen";

/// Every page the public site must have, in both languages (the begrippenlijst included).
pub const REQUIRED_PAGES: &[&str] = &[
    "home",
    "samenwerkingsverband",
    "samenwerken",
    "toelaatbaarheidsverklaring",
    "zorgplicht",
    "zieke-leerlingen",
    "rol-van-ouders",
    "oudersteunpunt",
    "meer-informatie",
    "toegankelijkheid",
    "privacy",
    "begrippen",
    "cijfers",
];

/// The parsed content of both languages.
#[derive(Debug)]
pub struct Content {
    /// Every page, the begrippenlijst's introduction included.
    pub pages: Vec<(PageSource, String)>,
    /// The begrippenlijst per language.
    pub glossaries: Vec<(Lang, GlossarySource)>,
}

/// Parses and checks the embedded content: every page in both languages, the same terms in both.
pub fn parse_embedded() -> anyhow::Result<Content> {
    let mut pages = Vec::new();
    let mut glossaries = Vec::new();
    for (code, slug, text) in CONTENT {
        let lang = Lang::from_code(code).with_context(|| format!("onbekende taal {code}"))?;
        let file = format!("content/{code}/{slug}.md");
        let mut page = parse_page(&file, lang, slug, text)?;
        if *slug == GLOSSARY_SLUG {
            let glossary = parse_glossary(&file, &page.body)?;
            page.body = glossary.intro.clone();
            glossaries.push((lang, glossary));
        }
        let hash = stable_hash(&[text]);
        pages.push((page, hash));
    }
    for lang in Lang::ALL {
        let slugs: BTreeSet<&str> = pages
            .iter()
            .filter(|(p, _)| p.lang == lang)
            .map(|(p, _)| p.slug.as_str())
            .collect();
        let other: BTreeSet<&str> = pages
            .iter()
            .filter(|(p, _)| p.lang == lang.other())
            .map(|(p, _)| p.slug.as_str())
            .collect();
        if let Some(missing) = other.difference(&slugs).next() {
            bail!("de pagina '{missing}' ontbreekt in het {}", lang.code());
        }
        if !slugs.contains("home") {
            bail!("de homepagina (home.md) ontbreekt in het {}", lang.code());
        }
    }
    let keys = |lang: Lang| -> BTreeSet<String> {
        glossaries
            .iter()
            .filter(|(l, _)| *l == lang)
            .flat_map(|(_, g)| g.terms.iter().map(|t| t.key.clone()))
            .collect()
    };
    if keys(Lang::Nl) != keys(Lang::En) {
        let nl = keys(Lang::Nl);
        let en = keys(Lang::En);
        let diff: Vec<_> = nl.symmetric_difference(&en).cloned().collect();
        bail!(
            "de begrippenlijsten in nl en en hebben niet dezelfde id's: {}",
            diff.join(", ")
        );
    }
    Ok(Content { pages, glossaries })
}

/// What a seed run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SeedReport {
    /// New pages and terms.
    pub created: usize,
    /// Pages and terms that got a new version from a changed file.
    pub updated: usize,
    /// Pages and terms already up to date.
    pub unchanged: usize,
    /// Pages and terms edited by a person, left alone.
    pub kept: usize,
}

impl SeedReport {
    fn count(&mut self, outcome: SeedOutcome) {
        match outcome {
            SeedOutcome::Created => self.created += 1,
            SeedOutcome::Updated => self.updated += 1,
            SeedOutcome::Unchanged => self.unchanged += 1,
            SeedOutcome::KeptEdit => self.kept += 1,
        }
    }
}

/// Seeds every page and term for a tenant.
pub async fn run(db: &Db, tenant_id: i64) -> anyhow::Result<SeedReport> {
    let content = parse_embedded()?;
    let mut report = SeedReport::default();
    for (page, hash) in &content.pages {
        let no_link = page.no_link.join(", ");
        let seed = PageSeed {
            lang: page.lang,
            slug: &page.slug,
            title: &page.title,
            summary: &page.summary,
            nav_order: page.nav_order.map(i64::from),
            nav_label: page.nav_label.as_deref(),
            no_link_terms: &no_link,
            body_md: &page.body,
            source_hash: hash,
        };
        report.count(seed_page(db, tenant_id, &seed).await?);
    }
    for (lang, glossary) in &content.glossaries {
        for term in &glossary.terms {
            let aliases = term.aliases.join(", ");
            let expansion = term.expansion.as_deref().unwrap_or("");
            let hash = stable_hash(&[&term.term, expansion, &aliases, &term.definition]);
            let seed = TermSeed {
                lang: *lang,
                key: &term.key,
                term: &term.term,
                expansion: term.expansion.as_deref(),
                aliases: &aliases,
                definition_md: &term.definition,
                source_hash: &hash,
            };
            report.count(seed_term(db, tenant_id, &seed).await?);
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_content_is_complete() {
        let content = parse_embedded().unwrap();
        for lang in Lang::ALL {
            let terms = content
                .glossaries
                .iter()
                .find(|(l, _)| *l == lang)
                .map(|(_, g)| g.terms.len())
                .unwrap();
            assert!(terms >= 50, "{lang}: only {terms} terms");
        }
        let slugs: BTreeSet<&str> = content.pages.iter().map(|(p, _)| p.slug.as_str()).collect();
        for required in REQUIRED_PAGES {
            assert!(slugs.contains(*required), "missing page {required}");
        }
    }
}
