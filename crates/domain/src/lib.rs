//! Pure domain rules of Passend. Nothing in this crate does I/O: it parses, decides and renders
//! from values it is given, so that every rule can be tested on its own.
//!
//! - [`access`]: who may see a dossier's documents, by each document's own life cycle.
//! - [`atw`]: the Algemene termijnenwet: statutory terms that end on a weekend or holiday run on.
//! - [`accounts`]: roles, the password policy, session and throttling rules.
//! - [`audit`]: the hash chain of the audit trail.
//! - [`lang`]: the two languages of the site (Dutch first, English second).
//! - [`content`]: the Markdown sources of the public pages and the begrippenlijst.
//! - [`deelname`]: deelnamepercentages SBO and SO per samenwerkingsverband and for the country,
//!   from DUO's pupils per vestiging placed through the regio-indeling.
//! - [`duo`]: DUO open data files (school locations, pupil counts), parsed as DUO publishes them.
//! - [`figures`]: the one rule for small numbers (suppressed counts and totals that give none
//!   away), medians, percentiles and shares for the dashboards.
//! - [`geo`]: coordinates (EduGIS BAG points, PC4 centroids) and distances.
//! - [`support`]: the taxonomy of ondersteuningsaanbod and what DUO codes imply.
//! - [`glossary`]: the begrippenlijst, its search and the A–Z index.
//! - [`markdown`]: safe Markdown rendering that links glossary terms (never lets raw HTML through).
//! - [`text`]: small text helpers (folding for search, HTML escaping).
//! - [`zorgplicht`]: the terms of a written registration, and when a sick pupil needs the OZL
//!   consulent.
//! - [`thuiszitters`]: kinds of thuiszitters and the Inspectie's anonymised quarterly report.
//! - [`procedure`]: a request as steps for the staff who carry it: what is needed next and
//!   which forms fit that moment.
//! - [`steunpunt`]: the Oudersteunpunt's categories, themes, form token and suppressed counts.

pub mod access;
pub mod accounts;
pub mod atw;
pub mod audit;
pub mod contact;
pub mod content;
pub mod deelname;
pub mod documents;
pub mod duo;
pub mod figures;
pub mod geo;
pub mod glossary;
pub mod lang;
pub mod markdown;
pub mod portal;
pub mod procedure;
pub mod steunpunt;
pub mod support;
pub mod text;
pub mod thuiszitters;
pub mod time;
pub mod tlv;
pub mod totp;
pub mod zorgplicht;

pub use lang::Lang;
