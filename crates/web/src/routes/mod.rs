//! Routes, grouped by area. Each area has its own router; [`crate::router`] puts them together.
//!
//! - [`public`]: the public information site (no account): pages and the begrippenlijst.
//! - [`kaart`]: the voorzieningenkaart (list, map, detail pages, open data).
//! - [`system`]: machine endpoints (`/healthz`).
//! - [`account`]: signing in and out, invitations, password reset, second factor, own account.
//! - [`offer`]: support profiles (school staff) and voorzieningen (SWV staff) of the map.
//! - [`beheer`]: users, the audit trail viewer, the e-mail queue, content pages (beheerders).
//! - [`casework`]: pupil dossiers, documents, support requests and their whole procedure
//!   (school staff, toeleiders, experts), up to the decision and its letter, and what staff
//!   share with the parents' portal (inviting parents, sharing a concept or a document).
//! - [`ouders`]: the parents' portal (their children's requests as a tracker, zienswijze,
//!   consent, signature, documents, who has access).
//! - [`zorgplicht`]: the school's aanmeldingen with their terms, thuiszitters and sick pupils,
//!   the samenwerkingsverband's overview across schools and the Inspectie's thuiszitters report.
//! - [`steunpunt`]: the Oudersteunpunt's public contact form, the ouderadviseurs' confidential
//!   caseload and the anonymised signalering.
//! - [`tlv`]: expert advices, the intake queue, the TLV register with its expiry list and CSV,
//!   and the DUO data for receiving schools.
//! - [`vandaag`]: the start page per role after signing in, with what needs the person now.
//! - [`bezwaar`]: sending a decision's letter (the bezwaar term runs from it), registering a
//!   bezwaar and the LBT's steps, the beslissing op bezwaar with its own letter and the beroep
//!   clause.
//!
//! An area is a folder whose modules mirror its URLs; its `mod.rs` holds the router and what the
//! area's modules share. What several areas share lives below the routes, in the crate's own
//! modules (`forms`, `dates`, `paging`, `files`, `exports`, `layout`, `notices`, `letters`,
//! `links`, `access`, …): an area never imports from another (the test below).
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
pub mod vandaag;
pub mod zorgplicht;

#[cfg(test)]
mod tests {
    /// Every `.rs` file under a folder, with its text.
    fn sources(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|x| x == "rs") {
                out.push((
                    path.clone(),
                    std::fs::read_to_string(&path).unwrap_or_default(),
                ));
            }
        }
    }

    /// The areas another file names (`crate::routes::<area>`).
    fn areas_named(text: &str) -> Vec<String> {
        text.match_indices("crate::routes::")
            .map(|(i, m)| {
                text[i + m.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect()
            })
            .collect()
    }

    #[test]
    fn no_area_imports_from_another_and_shared_modules_import_no_area() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        assert!(files.len() > 40, "the sources were not found");
        let mut wrong = Vec::new();
        for (path, text) in &files {
            let rel = path.strip_prefix(&src).unwrap_or(path);
            let parts: Vec<String> = rel
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect();
            let named = areas_named(text);
            match parts.as_slice() {
                // The crate root builds the router from every area.
                [root] if root == "lib.rs" => {}
                [r, m] if r == "routes" && m == "mod.rs" => {}
                [r, area_file, ..] if r == "routes" => {
                    let area = area_file.trim_end_matches(".rs");
                    for a in named.iter().filter(|a| *a != area) {
                        wrong.push(format!("{} names the area {a}", rel.display()));
                    }
                    if text.contains("super::super::") {
                        wrong.push(format!("{} reaches out with super::super", rel.display()));
                    }
                }
                _ => {
                    for a in &named {
                        wrong.push(format!("{} (shared) names the area {a}", rel.display()));
                    }
                }
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
