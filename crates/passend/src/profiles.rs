//! Support profiles of locations, set by the samenwerkingsverband: `passend profiel zet|lijst`,
//! and the profiles Passend ships for Almere (`seed/almere/profielen.toml`), loaded on a first start.

use anyhow::{Context, bail};
use chrono::NaiveDate;
use passend_domain::support::Level;
use passend_store::Db;
use passend_store::locations::{self, ProfileInput};
use serde::Deserialize;
use std::fmt::Write as _;

/// The shipped profiles.
pub const SHIPPED: &str = include_str!("../../../seed/almere/profielen.toml");

/// One profile as the command line or the seed file gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileArgs {
    /// Vestigingscode.
    pub locatie: String,
    /// Theme ids.
    pub themas: Vec<String>,
    /// `basis` or `extra`.
    #[serde(default = "extra")]
    pub niveau: String,
    /// `direct`, `tlv`, `plaatsingsoverleg` or `eigen-toelating`.
    pub toelating: String,
    /// Description.
    #[serde(default)]
    pub omschrijving: String,
    /// Places.
    pub plaatsen: Option<i64>,
    /// Waiting list.
    pub wachtlijst: Option<i64>,
    /// Contact.
    #[serde(default)]
    pub contact: String,
    /// Source of the information.
    pub bron: Option<String>,
    /// Date checked.
    pub gecontroleerd: Option<NaiveDate>,
}

fn extra() -> String {
    "extra".to_owned()
}

#[derive(Debug, Deserialize)]
struct SeedFile {
    profiel: Vec<ProfileArgs>,
}

/// Checks what profiles and voorzieningen share (see [`passend_domain::support::check_offer`]).
pub fn check_offer(
    themes: &[String],
    admission: &str,
    places: Option<i64>,
    waiting: Option<i64>,
) -> anyhow::Result<()> {
    passend_domain::support::check_offer(themes, admission, places, waiting)
        .map_err(|p| anyhow::anyhow!(p.message_nl()))
}

/// Checks and saves a profile set by the samenwerkingsverband.
pub async fn save(db: &Db, tenant_id: i64, a: &ProfileArgs) -> anyhow::Result<()> {
    if !save_from(db, tenant_id, a, "cli").await? {
        bail!(
            "locatie {} bestaat niet",
            a.locatie.trim().to_ascii_uppercase()
        );
    }
    Ok(())
}

/// Checks and saves; `Ok(false)` when the location does not exist.
async fn save_from(db: &Db, tenant_id: i64, a: &ProfileArgs, origin: &str) -> anyhow::Result<bool> {
    if Level::from_code(&a.niveau).is_none() {
        bail!("niveau moet basis of extra zijn, niet '{}'", a.niveau);
    }
    check_offer(&a.themas, &a.toelating, a.plaatsen, a.wachtlijst)?;
    let code = a.locatie.trim().to_ascii_uppercase();
    let themes = a.themas.join(",");
    let saved = locations::save_profile(
        db,
        &ProfileInput {
            tenant_id,
            location_code: &code,
            themes: &themes,
            level: &a.niveau,
            admission: &a.toelating,
            description: a.omschrijving.trim(),
            capacity: a.plaatsen,
            waiting_list: a.wachtlijst,
            contact: a.contact.trim(),
            set_by: "swv",
            source_url: a.bron.as_deref(),
            last_verified_on: a.gecontroleerd,
            origin,
            saved_by: None,
        },
        None,
    )
    .await?;
    Ok(saved)
}

/// Loads the shipped profiles when the tenant has none yet. Returns how many were loaded.
pub async fn load_shipped_if_empty(db: &Db, tenant_id: i64) -> anyhow::Result<usize> {
    if locations::has_profiles(db, tenant_id).await? {
        return Ok(0);
    }
    let file: SeedFile =
        toml::from_str(SHIPPED).context("seed/almere/profielen.toml is niet te lezen")?;
    let mut n = 0;
    for p in &file.profiel {
        // A location that is not in this deployment's data is skipped; a database error is not.
        if save_from(db, tenant_id, p, "eerste start").await? {
            n += 1;
        }
    }
    Ok(n)
}

/// A table of the tenant's profiles.
pub async fn list(db: &Db, tenant_id: i64) -> anyhow::Result<String> {
    let mut out = String::new();
    let rows = locations::profiles(db, tenant_id).await?;
    if rows.is_empty() {
        out.push_str("Er zijn nog geen ondersteuningsprofielen.\n");
    }
    for p in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}",
            p.location_code,
            p.themes,
            p.admission,
            p.set_by,
            p.last_verified_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "niet gecontroleerd".to_owned())
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use passend_domain::support::{Admission, theme};

    #[test]
    fn the_shipped_profiles_are_valid() {
        let file: SeedFile = toml::from_str(SHIPPED).unwrap();
        assert_eq!(file.profiel.len(), 3);
        for p in &file.profiel {
            assert!(p.themas.iter().all(|t| theme(t).is_some()), "{p:?}");
            assert!(Admission::from_code(&p.toelating).is_some());
            assert!(!p.omschrijving.is_empty());
        }
    }
}
