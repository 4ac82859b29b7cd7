//! The versioned content of the public site: pages and the begrippenlijst.
//!
//! Every change adds a version row; nothing is updated in place, so the history is complete.
//! Seeding from the Markdown files in the repository adds a version only when the file changed
//! and the page was never edited by a person.

use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, Utc};
use passend_domain::Lang;
use passend_domain::glossary::Term;

/// The current version of a page.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Page {
    /// Id of the version row (changes with every edit; used for caching).
    pub version_id: i64,
    /// Version number, 1 for the first.
    pub version_no: i64,
    /// The title (`h1`).
    pub title: String,
    /// The meta description.
    pub summary: String,
    /// Place in the main menu.
    pub nav_order: Option<i64>,
    /// Label in the main menu.
    pub nav_label: Option<String>,
    /// Glossary term ids not linked on this page, comma-separated.
    pub no_link_terms: String,
    /// The Markdown body.
    pub body_md: String,
    /// When this version was made.
    pub created_at: DateTime<Utc>,
}

/// A page as listed in the menu or footer.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PageLink {
    /// URL slug.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Place in the main menu; `None` for footer pages.
    pub nav_order: Option<i64>,
    /// Menu label.
    pub nav_label: Option<String>,
}

impl PageLink {
    /// The label to show in a menu.
    pub fn label(&self) -> &str {
        self.nav_label.as_deref().unwrap_or(&self.title)
    }
}

/// A page as the seed files describe it.
#[derive(Debug, Clone)]
pub struct PageSeed<'a> {
    /// Language.
    pub lang: Lang,
    /// Slug.
    pub slug: &'a str,
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Menu place.
    pub nav_order: Option<i64>,
    /// Menu label.
    pub nav_label: Option<&'a str>,
    /// Glossary term ids not linked on this page, comma-separated.
    pub no_link_terms: &'a str,
    /// Body.
    pub body_md: &'a str,
    /// A hash of the source file, to notice changes.
    pub source_hash: &'a str,
}

/// A term as the seed file describes it.
#[derive(Debug, Clone)]
pub struct TermSeed<'a> {
    /// Language.
    pub lang: Lang,
    /// Anchor id.
    pub key: &'a str,
    /// The term.
    pub term: &'a str,
    /// Full form of an abbreviation.
    pub expansion: Option<&'a str>,
    /// Other forms, comma-separated.
    pub aliases: &'a str,
    /// Definition.
    pub definition_md: &'a str,
    /// Hash of the source entry.
    pub source_hash: &'a str,
}

/// What seeding did with one page or term.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// It did not exist and was created (version 1).
    Created,
    /// The seed changed; a new version was added.
    Updated,
    /// Nothing changed.
    Unchanged,
    /// A person edited it; the seed file does not overwrite that.
    KeptEdit,
}

#[derive(sqlx::FromRow)]
struct Latest {
    owner_id: i64,
    version_no: Option<i64>,
    author_kind: Option<String>,
    source_hash: Option<String>,
}

/// Raises the content version (see migration 0005) inside a write transaction.
pub(crate) const BUMP_CONTENT: &str =
    "UPDATE data_versions SET version = version + 1 WHERE name = 'content'";

/// The page row and its latest version, by tenant, language and slug.
const LATEST_PAGE_VERSION: &str =
    "SELECT p.id AS owner_id, v.version_no, v.author_kind, v.source_hash
     FROM content_pages p LEFT JOIN content_page_versions v ON v.page_id = p.id
     WHERE p.tenant_id = $1 AND p.lang = $2 AND p.slug = $3
     ORDER BY v.version_no DESC LIMIT 1";

/// The term row and its latest version, by tenant, language and key.
const LATEST_TERM_VERSION: &str =
    "SELECT t.id AS owner_id, v.version_no, v.author_kind, v.source_hash
     FROM glossary_terms t LEFT JOIN glossary_term_versions v ON v.term_id = t.id
     WHERE t.tenant_id = $1 AND t.lang = $2 AND t.term_key = $3
     ORDER BY v.version_no DESC LIMIT 1";

fn decide(latest: &Option<Latest>, hash: &str) -> Option<SeedOutcome> {
    match latest {
        None => None,
        Some(l) if l.author_kind.as_deref() == Some("user") => Some(SeedOutcome::KeptEdit),
        Some(l) if l.source_hash.as_deref() == Some(hash) => Some(SeedOutcome::Unchanged),
        Some(_) => Some(SeedOutcome::Updated),
    }
}

/// The shape both seeds share ([`seed_page`], [`seed_term`]): compare with the latest version
/// first, without a write transaction (a start with nothing changed writes nothing, so it does
/// not empty every instance's page cache, and works on a full disk); then, in one transaction,
/// take the owner row (page or term) or make it, run `$write` with `$owner` and `$version` set,
/// raise the content data version and commit. Evaluates to the outcome.
macro_rules! seed_tx {
    ($db:expr, $latest:expr, $insert_owner:literal, ($tenant:expr, $lang:expr, $key:expr), $hash:expr,
     |$tx:ident, $owner:ident, $version:ident, $now:ident| $write:block) => {{
        let latest = on_db!($db, pool => sqlx::query_as::<_, Latest>($latest)
            .bind($tenant)
            .bind($lang)
            .bind($key)
            .fetch_optional(pool)
            .await)?;
        if let Some(o @ (SeedOutcome::Unchanged | SeedOutcome::KeptEdit)) = decide(&latest, $hash) {
            return Ok(o);
        }
        let $now = Utc::now();
        let outcome = on_db!($db, pool => {
            let mut $tx = pool.begin_write().await?;
            let latest = sqlx::query_as::<_, Latest>($latest)
                .bind($tenant)
                .bind($lang)
                .bind($key)
                .fetch_optional(&mut *$tx)
                .await?;
            let outcome = decide(&latest, $hash);
            let owner = match (&latest, outcome) {
                (_, Some(SeedOutcome::Unchanged | SeedOutcome::KeptEdit)) => None,
                (Some(l), _) => Some((l.owner_id, l.version_no.unwrap_or(0) + 1)),
                (None, _) => {
                    let id: i64 = sqlx::query_scalar($insert_owner)
                        .bind($tenant)
                        .bind($lang)
                        .bind($key)
                        .bind($now)
                        .fetch_one(&mut *$tx)
                        .await?;
                    Some((id, 1))
                }
            };
            if let Some(($owner, $version)) = owner {
                $write
                sqlx::query(BUMP_CONTENT).execute(&mut *$tx).await?;
                $tx.commit().await?;
            } else {
                $tx.rollback().await?;
            }
            outcome.unwrap_or(SeedOutcome::Created)
        });
        Ok(outcome)
    }};
}

/// Seeds one page: creates it, or adds a version when the seed changed and no person edited it.
pub async fn seed_page(db: &Db, tenant_id: i64, seed: &PageSeed<'_>) -> StoreResult<SeedOutcome> {
    seed_tx!(
        db,
        LATEST_PAGE_VERSION,
        "INSERT INTO content_pages (tenant_id, lang, slug, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        (tenant_id, seed.lang.code(), seed.slug),
        seed.source_hash,
        |tx, page_id, next_version, now| {
            sqlx::query(
                "INSERT INTO content_page_versions
                 (page_id, version_no, title, summary, nav_order, nav_label, no_link_terms, body_md, author_kind, source_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'seed', $9, $10)",
            )
            .bind(page_id)
            .bind(next_version)
            .bind(seed.title)
            .bind(seed.summary)
            .bind(seed.nav_order)
            .bind(seed.nav_label)
            .bind(seed.no_link_terms)
            .bind(seed.body_md)
            .bind(seed.source_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    )
}

/// Seeds one begrippenlijst term, with the same rules as [`seed_page`].
pub async fn seed_term(db: &Db, tenant_id: i64, seed: &TermSeed<'_>) -> StoreResult<SeedOutcome> {
    seed_tx!(
        db,
        LATEST_TERM_VERSION,
        "INSERT INTO glossary_terms (tenant_id, lang, term_key, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        (tenant_id, seed.lang.code(), seed.key),
        seed.source_hash,
        |tx, term_id, next_version, now| {
            sqlx::query(
                "INSERT INTO glossary_term_versions
                 (term_id, version_no, term, expansion, aliases, definition_md, author_kind, source_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'seed', $7, $8)",
            )
            .bind(term_id)
            .bind(next_version)
            .bind(seed.term)
            .bind(seed.expansion)
            .bind(seed.aliases)
            .bind(seed.definition_md)
            .bind(seed.source_hash)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
    )
}

/// The current version of a page, or `None` when it does not exist.
pub async fn page(db: &Db, tenant_id: i64, lang: Lang, slug: &str) -> StoreResult<Option<Page>> {
    let page = on_db!(db, pool => sqlx::query_as::<_, Page>(
        "SELECT v.id AS version_id, v.version_no, v.title, v.summary, v.nav_order, v.nav_label, v.no_link_terms, v.body_md, v.created_at
         FROM content_pages p JOIN content_page_versions v ON v.page_id = p.id
         WHERE p.tenant_id = $1 AND p.lang = $2 AND p.slug = $3
         ORDER BY v.version_no DESC LIMIT 1",
    )
    .bind(tenant_id)
    .bind(lang.code())
    .bind(slug)
    .fetch_optional(pool)
    .await)?;
    Ok(page)
}

/// One version of a page, by its number.
pub async fn page_version(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    slug: &str,
    version_no: i64,
) -> StoreResult<Option<Page>> {
    let page = on_db!(db, pool => sqlx::query_as::<_, Page>(
        "SELECT v.id AS version_id, v.version_no, v.title, v.summary, v.nav_order, v.nav_label, v.no_link_terms, v.body_md, v.created_at
         FROM content_pages p JOIN content_page_versions v ON v.page_id = p.id
         WHERE p.tenant_id = $1 AND p.lang = $2 AND p.slug = $3 AND v.version_no = $4",
    )
    .bind(tenant_id)
    .bind(lang.code())
    .bind(slug)
    .bind(version_no)
    .fetch_optional(pool)
    .await)?;
    Ok(page)
}

/// Every page of a language with its current title and menu place, by slug.
pub async fn page_links(db: &Db, tenant_id: i64, lang: Lang) -> StoreResult<Vec<PageLink>> {
    let links = on_db!(db, pool => sqlx::query_as::<_, PageLink>(
        "SELECT p.slug, v.title, v.nav_order, v.nav_label
         FROM content_pages p JOIN content_page_versions v ON v.page_id = p.id
         WHERE p.tenant_id = $1 AND p.lang = $2
           AND v.version_no = (SELECT MAX(v2.version_no) FROM content_page_versions v2 WHERE v2.page_id = p.id)
         ORDER BY p.slug",
    )
    .bind(tenant_id)
    .bind(lang.code())
    .fetch_all(pool)
    .await)?;
    Ok(links)
}

#[derive(sqlx::FromRow)]
struct TermRow {
    term_key: String,
    term: String,
    expansion: Option<String>,
    aliases: String,
    definition_md: String,
}

/// The current version of every term of a language's begrippenlijst (unsorted).
pub async fn glossary_terms(db: &Db, tenant_id: i64, lang: Lang) -> StoreResult<Vec<Term>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, TermRow>(
        "SELECT t.term_key, v.term, v.expansion, v.aliases, v.definition_md
         FROM glossary_terms t JOIN glossary_term_versions v ON v.term_id = t.id
         WHERE t.tenant_id = $1 AND t.lang = $2 AND v.retired = FALSE
           AND v.version_no = (SELECT MAX(v2.version_no) FROM glossary_term_versions v2 WHERE v2.term_id = t.id)",
    )
    .bind(tenant_id)
    .bind(lang.code())
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|r| Term {
            key: r.term_key,
            term: r.term,
            expansion: r.expansion,
            aliases: r
                .aliases
                .split(',')
                .map(str::trim)
                .filter(|a| !a.is_empty())
                .map(str::to_owned)
                .collect(),
            definition: r.definition_md,
        })
        .collect())
}

/// The content version: it changes with every change to any page or term.
pub async fn content_stamp(db: &Db, _tenant_id: i64) -> StoreResult<i64> {
    let v = on_db!(db, pool => sqlx::query_scalar::<_, i64>("SELECT version FROM data_versions WHERE name = 'content'")
        .fetch_one(pool)
        .await)?;
    Ok(v)
}

/// A person's edit of a page: the new text of every field.
#[derive(Debug, Clone)]
pub struct PageEdit<'a> {
    /// Title.
    pub title: &'a str,
    /// Summary.
    pub summary: &'a str,
    /// Menu place.
    pub nav_order: Option<i64>,
    /// Menu label.
    pub nav_label: Option<&'a str>,
    /// Glossary term ids not linked on this page, comma-separated.
    pub no_link_terms: &'a str,
    /// Body.
    pub body_md: &'a str,
    /// The user who edited (`None`: a command or test).
    pub author_id: Option<i64>,
    /// The version the editor started from; when another version was saved since, the edit is
    /// refused as stale instead of silently replacing it. `None` skips the check.
    pub base_version: Option<i64>,
    /// Publishing from the page form: the page's concept row as the editor saw it (its revision,
    /// 0 for none). The concept ends with the publication; a change of it since refuses the edit.
    /// `None` (a restore, a command) leaves the concept as it is.
    pub draft_revision: Option<i64>,
}

/// What [`edit_page`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditOutcome {
    /// Saved as this version.
    Saved(i64),
    /// There is no such page.
    Missing,
    /// Someone saved another version in the meantime; this is the current one.
    Stale(i64),
    /// Someone saved the page's concept since the editor opened it.
    DraftChanged,
}

/// Ends a person's edit of a page or term inside its open transaction `$tx`: after the new
/// version row was inserted (`$inserted`, as version `$next`), raise the content version, write
/// the audit event and commit; the version number already taken (two saves at the same moment on
/// PostgreSQL) makes the edit stale. Evaluates to the [`EditOutcome`].
macro_rules! finish_edit {
    ($tx:ident, $inserted:expr, $next:expr, $event:expr) => {
        match $inserted {
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => EditOutcome::Stale($next),
            Err(e) => return Err(e.into()),
            Ok(_) => {
                sqlx::query(BUMP_CONTENT).execute(&mut *$tx).await?;
                crate::append_in_tx!($tx, $event);
                $tx.commit().await?;
                EditOutcome::Saved($next)
            }
        }
    };
}

/// Saves a person's edit of an existing page as a new version, with its audit event. From then
/// on the seed files no longer change this page.
pub async fn edit_page(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    slug: &str,
    edit: &PageEdit<'_>,
    event: &crate::audit::Event<'_>,
) -> StoreResult<EditOutcome> {
    let now = Utc::now();
    let version = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let latest = sqlx::query_as::<_, Latest>(
            LATEST_PAGE_VERSION,
        )
        .bind(tenant_id)
        .bind(lang.code())
        .bind(slug)
        .fetch_optional(&mut *tx)
        .await?;
        match latest {
            None => EditOutcome::Missing,
            Some(l) if edit.base_version.is_some_and(|b| Some(b) != l.version_no) => {
                EditOutcome::Stale(l.version_no.unwrap_or(0))
            }
            Some(l) => 'edit: {
                if let Some(expected) = edit.draft_revision {
                    // Ends the concept the editor saw, only if it is still that revision (the
                    // conditional update is atomic on both databases). No row at all is what an
                    // editor who saw none expects; a concept made meanwhile stays a concept.
                    let ended = sqlx::query(END_DRAFT)
                        .bind(l.owner_id)
                        .bind(expected)
                        .execute(&mut *tx)
                        .await?;
                    if ended.rows_affected() == 0 {
                        let current: Option<i64> = sqlx::query_scalar(DRAFT_REVISION)
                            .bind(l.owner_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        if current.is_some() || expected != 0 {
                            break 'edit EditOutcome::DraftChanged;
                        }
                    }
                }
                let next = l.version_no.unwrap_or(0) + 1;
                let inserted = sqlx::query(
                    "INSERT INTO content_page_versions
                     (page_id, version_no, title, summary, nav_order, nav_label, no_link_terms, body_md, author_kind, source_hash, created_at, author_id)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'user', NULL, $9, $10)",
                )
                .bind(l.owner_id)
                .bind(next)
                .bind(edit.title)
                .bind(edit.summary)
                .bind(edit.nav_order)
                .bind(edit.nav_label)
                .bind(edit.no_link_terms)
                .bind(edit.body_md)
                .bind(now)
                .bind(edit.author_id)
                .execute(&mut *tx)
                .await;
                finish_edit!(tx, inserted, next, event)
            }
        }
    });
    Ok(version)
}

/// The revision of a page's concept row, by the page's id.
const DRAFT_REVISION: &str = "SELECT revision FROM content_page_drafts WHERE page_id = $1";

/// Ends a page's concept (published or thrown away) if its row is still at revision `$2`.
const END_DRAFT: &str = "UPDATE content_page_drafts SET present = FALSE, revision = revision + 1
     WHERE page_id = $1 AND revision = $2";

/// A beheerder's concept of a page: saved, not on the website. The row stays after the concept
/// ended (`present` false) so that its revision never restarts.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PageDraft {
    /// Rises with every change of the row; never restarts.
    pub revision: i64,
    /// There is a concept now (not yet published or thrown away).
    pub present: bool,
    /// The published version the concept started from.
    pub base_version: i64,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    /// Who saved it last.
    pub author_name: Option<String>,
    pub saved_at: DateTime<Utc>,
}

/// The page's concept row, if a concept was ever saved (see `present`).
pub async fn page_draft(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    slug: &str,
) -> StoreResult<Option<PageDraft>> {
    let row = on_db!(db, pool => sqlx::query_as::<_, PageDraft>(
        "SELECT d.revision, d.present, d.base_version, d.title, d.summary, d.body_md, u.name AS author_name, d.saved_at
         FROM content_pages p JOIN content_page_drafts d ON d.page_id = p.id
         LEFT JOIN users u ON u.id = d.author_id
         WHERE p.tenant_id = $1 AND p.lang = $2 AND p.slug = $3",
    )
    .bind(tenant_id)
    .bind(lang.code())
    .bind(slug)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}

/// A concept to save: the text, who saves it, the version it builds on, and the concept row's
/// revision the editor saw (0: there was none).
#[derive(Debug, Clone)]
pub struct DraftSave<'a> {
    pub title: &'a str,
    pub summary: &'a str,
    pub body_md: &'a str,
    pub author_id: i64,
    pub base_version: i64,
    pub revision: i64,
}

/// What saving or discarding a concept did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftOutcome {
    /// Done; the row is at this revision now.
    Done(i64),
    /// There is no such page.
    Missing,
    /// Someone saved or discarded the concept since the editor saw it.
    Stale,
}

/// The page's id, by tenant, language and slug.
const PAGE_ID: &str =
    "SELECT id FROM content_pages WHERE tenant_id = $1 AND lang = $2 AND slug = $3";

/// Saves a page's concept (not published), with its audit event, if nobody saved or discarded
/// it since the editor saw revision `save.revision`.
pub async fn save_page_draft(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    slug: &str,
    save: &DraftSave<'_>,
    event: &crate::audit::Event<'_>,
) -> StoreResult<DraftOutcome> {
    let now = Utc::now();
    let outcome = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let page: Option<i64> = sqlx::query_scalar(PAGE_ID)
            .bind(tenant_id)
            .bind(lang.code())
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
        match page {
            None => DraftOutcome::Missing,
            Some(page_id) => {
                let written = if save.revision == 0 {
                    // Only where none exists (the key refuses a second one made at the same time).
                    sqlx::query(
                        "INSERT INTO content_page_drafts
                         (page_id, revision, present, base_version, title, summary, body_md, author_id, saved_at)
                         VALUES ($1, 1, TRUE, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(page_id)
                    .bind(save.base_version)
                    .bind(save.title)
                    .bind(save.summary)
                    .bind(save.body_md)
                    .bind(save.author_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                } else {
                    sqlx::query(
                        "UPDATE content_page_drafts
                         SET revision = revision + 1, present = TRUE, base_version = $3, title = $4,
                             summary = $5, body_md = $6, author_id = $7, saved_at = $8
                         WHERE page_id = $1 AND revision = $2",
                    )
                    .bind(page_id)
                    .bind(save.revision)
                    .bind(save.base_version)
                    .bind(save.title)
                    .bind(save.summary)
                    .bind(save.body_md)
                    .bind(save.author_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                };
                match written {
                    Err(sqlx::Error::Database(d)) if d.is_unique_violation() => DraftOutcome::Stale,
                    Err(e) => return Err(e.into()),
                    Ok(r) if r.rows_affected() == 0 => DraftOutcome::Stale,
                    Ok(_) => {
                        crate::append_in_tx!(tx, event);
                        tx.commit().await?;
                        DraftOutcome::Done(save.revision + 1)
                    }
                }
            }
        }
    });
    Ok(outcome)
}

/// Throws a page's concept away (the website keeps its version), with its audit event, if the
/// row is still at the revision the editor saw.
pub async fn discard_page_draft(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    slug: &str,
    revision: i64,
    event: &crate::audit::Event<'_>,
) -> StoreResult<DraftOutcome> {
    let outcome = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let page: Option<i64> = sqlx::query_scalar(PAGE_ID)
            .bind(tenant_id)
            .bind(lang.code())
            .bind(slug)
            .fetch_optional(&mut *tx)
            .await?;
        match page {
            None => DraftOutcome::Missing,
            Some(page_id) => {
                let gone = sqlx::query(
                    "UPDATE content_page_drafts SET present = FALSE, revision = revision + 1
                     WHERE page_id = $1 AND revision = $2 AND present = TRUE",
                )
                .bind(page_id)
                .bind(revision)
                .execute(&mut *tx)
                .await?;
                if gone.rows_affected() == 0 {
                    DraftOutcome::Stale
                } else {
                    crate::append_in_tx!(tx, event);
                    tx.commit().await?;
                    DraftOutcome::Done(revision + 1)
                }
            }
        }
    });
    Ok(outcome)
}

/// A page in the beheer list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PageSummary {
    /// `nl` or `en`.
    pub lang: String,
    /// Slug.
    pub slug: String,
    /// Current title.
    pub title: String,
    /// Current version number.
    pub version_no: i64,
    /// `seed` or `user`.
    pub author_kind: String,
    /// When the current version was made.
    pub created_at: DateTime<Utc>,
    /// When a concept was saved, if there is one.
    pub draft_saved_at: Option<DateTime<Utc>>,
}

/// Every page of a tenant in both languages with its current version, by language and slug.
pub async fn page_summaries(db: &Db, tenant_id: i64) -> StoreResult<Vec<PageSummary>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, PageSummary>(
        "SELECT p.lang, p.slug, v.title, v.version_no, v.author_kind, v.created_at, d.saved_at AS draft_saved_at
         FROM content_pages p JOIN content_page_versions v ON v.page_id = p.id
         LEFT JOIN content_page_drafts d ON d.page_id = p.id AND d.present = TRUE
         WHERE p.tenant_id = $1
           AND v.version_no = (SELECT MAX(v2.version_no) FROM content_page_versions v2 WHERE v2.page_id = p.id)
         ORDER BY p.lang DESC, p.slug",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// One version in a page's history.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PageVersion {
    /// Version number.
    pub version_no: i64,
    /// Title of that version.
    pub title: String,
    /// `seed` or `user`.
    pub author_kind: String,
    /// The editor's name, for a person's edit.
    pub author_name: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The Markdown body of that version.
    pub body_md: String,
}

/// The history of a page, newest first.
pub async fn page_versions(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    slug: &str,
) -> StoreResult<Vec<PageVersion>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, PageVersion>(
        "SELECT v.version_no, v.title, v.author_kind, u.name AS author_name, v.created_at, v.body_md
         FROM content_pages p JOIN content_page_versions v ON v.page_id = p.id
         LEFT JOIN users u ON u.id = v.author_id
         WHERE p.tenant_id = $1 AND p.lang = $2 AND p.slug = $3
         ORDER BY v.version_no DESC",
    )
    .bind(tenant_id)
    .bind(lang.code())
    .bind(slug)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// The begrippenlijst edited by a beheerder

/// A version of a term.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TermVersion {
    /// Key (anchor).
    pub term_key: String,
    /// Version number.
    pub version_no: i64,
    /// The term.
    pub term: String,
    /// The full form of an abbreviation.
    pub expansion: Option<String>,
    /// Other forms, comma-separated.
    pub aliases: String,
    /// The definition in Markdown.
    pub definition_md: String,
    /// This version retires the term.
    pub retired: bool,
    /// `seed` or `user`.
    pub author_kind: String,
    /// The editor's name, for a person's edit.
    pub author_name: Option<String>,
    /// When.
    pub created_at: DateTime<Utc>,
}

macro_rules! term_version_select {
    () => {
        "SELECT t.term_key, v.version_no, v.term, v.expansion, v.aliases, v.definition_md, v.retired, v.author_kind,
           u.name AS author_name, v.created_at
         FROM glossary_terms t JOIN glossary_term_versions v ON v.term_id = t.id
         LEFT JOIN users u ON u.id = v.author_id"
    };
}

/// A term in the beheer list: its language and current version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TermSummary {
    /// `nl` or `en`.
    pub lang: String,
    /// The current version.
    #[sqlx(flatten)]
    pub current: TermVersion,
}

/// The current version of every term of a tenant in both languages (retired ones too), by
/// language and term.
pub async fn term_summaries(db: &Db, tenant_id: i64) -> StoreResult<Vec<TermSummary>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, TermSummary>(
        "SELECT t.lang, t.term_key, v.version_no, v.term, v.expansion, v.aliases, v.definition_md, v.retired,
           v.author_kind, u.name AS author_name, v.created_at
         FROM glossary_terms t JOIN glossary_term_versions v ON v.term_id = t.id
         LEFT JOIN users u ON u.id = v.author_id
         WHERE t.tenant_id = $1
           AND v.version_no = (SELECT MAX(v2.version_no) FROM glossary_term_versions v2 WHERE v2.term_id = t.id)
         ORDER BY t.lang DESC, LOWER(v.term)")
    .bind(tenant_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A term's history, newest first.
pub async fn term_versions(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    key: &str,
) -> StoreResult<Vec<TermVersion>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, TermVersion>(concat!(term_version_select!(),
        " WHERE t.tenant_id = $1 AND t.lang = $2 AND t.term_key = $3 ORDER BY v.version_no DESC"))
    .bind(tenant_id)
    .bind(lang.code())
    .bind(key)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// What a beheerder saves of a term.
#[derive(Debug, Clone)]
pub struct TermEdit<'a> {
    /// The term.
    pub term: &'a str,
    /// The full form of an abbreviation.
    pub expansion: Option<&'a str>,
    /// Other forms, comma-separated.
    pub aliases: &'a str,
    /// The definition in Markdown.
    pub definition_md: &'a str,
    /// Retire the term.
    pub retired: bool,
    /// Who.
    pub author_id: Option<i64>,
    /// The version the editor started from (`None`: a new term).
    pub base_version: Option<i64>,
}

/// Saves a term as a new version, or makes a new term (`base_version` `None`; refused as
/// [`EditOutcome::Stale`] when the key exists), with its audit event; the content version rises,
/// so the begrippenlijst and every page's term links follow.
pub async fn edit_term(
    db: &Db,
    tenant_id: i64,
    lang: Lang,
    key: &str,
    edit: &TermEdit<'_>,
    event: &crate::audit::Event<'_>,
) -> StoreResult<EditOutcome> {
    let now = Utc::now();
    let outcome = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let latest = sqlx::query_as::<_, Latest>(LATEST_TERM_VERSION)
            .bind(tenant_id)
            .bind(lang.code())
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let target = match (&latest, edit.base_version) {
            (None, Some(_)) => None,
            (None, None) => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO glossary_terms (tenant_id, lang, term_key, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                )
                .bind(tenant_id)
                .bind(lang.code())
                .bind(key)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                Some(Ok((id, 1)))
            }
            (Some(l), Some(b)) if Some(b) == l.version_no => Some(Ok((l.owner_id, b + 1))),
            (Some(l), _) => Some(Err(l.version_no.unwrap_or(0))),
        };
        match target {
            None => EditOutcome::Missing,
            Some(Err(current)) => EditOutcome::Stale(current),
            Some(Ok((term_id, next))) => {
                let inserted = sqlx::query(
                    "INSERT INTO glossary_term_versions
                     (term_id, version_no, term, expansion, aliases, definition_md, author_kind, source_hash, created_at, author_id, retired)
                     VALUES ($1, $2, $3, $4, $5, $6, 'user', NULL, $7, $8, $9)",
                )
                .bind(term_id)
                .bind(next)
                .bind(edit.term)
                .bind(edit.expansion)
                .bind(edit.aliases)
                .bind(edit.definition_md)
                .bind(now)
                .bind(edit.author_id)
                .bind(edit.retired)
                .execute(&mut *tx)
                .await;
                finish_edit!(tx, inserted, next, event)
            }
        }
    });
    Ok(outcome)
}
