//! Routes, grouped by area. Each area has its own router; [`crate::router`] puts them together.
//!
//! - [`public`]: the public information site (no account): pages and the begrippenlijst.
//! - [`kaart`]: the voorzieningenkaart (list, map, detail pages, open data).
//! - [`system`]: machine endpoints (`/healthz`).
//! - [`account`]: signing in and out, invitations, password reset, second factor, own account.
//! - [`offer`]: support profiles (school staff) and voorzieningen (SWV staff) of the map.
//! - [`beheer`]: users, the audit trail viewer, the e-mail queue, content pages (beheerders).
//! - [`casework`]: pupil dossiers, documents, support requests and their whole procedure
//!   (school staff, toeleiders, experts), up to the decision and its letter.
//! - [`ouders`]: the parents' portal (their children's requests as a tracker, zienswijze,
//!   consent, signature, documents, who has access), and the staff actions that feed it
//!   (inviting parents, sharing a concept request or a document).
//! - [`zorgplicht`]: the school's aanmeldingen with their terms, thuiszitters and sick pupils,
//!   the samenwerkingsverband's overview across schools and the Inspectie's thuiszitters report.
//! - [`steunpunt`]: the Oudersteunpunt's public contact form, the ouderadviseurs' confidential
//!   caseload and the anonymised signalering.
//! - [`tlv`]: expert advices, the intake queue, the TLV register with its expiry list and CSV,
//!   registering a bezwaar and the LBT's steps, and the DUO data for receiving schools.
//! - [`bezwaar`]: sending a decision's letter (the bezwaar term runs from it), the beslissing op
//!   bezwaar with its own letter and the beroep clause.
//!
//! Who may use which route is in [`crate::policy`], enforced by [`crate::auth::guard`].

pub mod account;
pub mod beheer;
pub mod bezwaar;
pub mod casework;
pub mod kaart;
pub mod offer;
pub mod ouders;
pub mod public;
pub mod steunpunt;
pub mod system;
pub mod tlv;
pub mod zorgplicht;
