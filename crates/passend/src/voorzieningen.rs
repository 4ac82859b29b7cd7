//! `passend voorziening add|list|remove`: SWV staff record stedelijke voorzieningen and
//! arrangementen at a school location until the beheer pages of the accounts issue exist.

use anyhow::bail;
use chrono::NaiveDate;
use passend_domain::text::slugify;
use passend_store::Db;
use passend_store::locations::{self, NewVoorziening};
use std::fmt::Write as _;

/// What the command line gives for a new voorziening.
#[derive(Debug, Clone)]
pub struct AddArgs {
    /// Host location's vestigingscode.
    pub location: String,
    /// Name.
    pub name: String,
    /// `stedelijke-voorziening` or `arrangement`.
    pub kind: String,
    /// Description.
    pub description: String,
    /// Theme ids.
    pub themes: Vec<String>,
    /// `direct`, `tlv` or `plaatsingsoverleg`.
    pub admission: String,
    /// Places.
    pub capacity: Option<i64>,
    /// Waiting list.
    pub waiting_list: Option<i64>,
    /// Contact.
    pub contact: String,
    /// Last checked.
    pub verified: Option<NaiveDate>,
}

/// Checks and adds a voorziening; returns its slug.
pub async fn add(db: &Db, tenant_id: i64, a: &AddArgs) -> anyhow::Result<String> {
    if a.name.trim().is_empty() {
        bail!("geef een naam (--naam)");
    }
    if !matches!(a.kind.as_str(), "stedelijke-voorziening" | "arrangement") {
        bail!(
            "--soort moet stedelijke-voorziening of arrangement zijn, niet '{}'",
            a.kind
        );
    }
    crate::profiles::check_offer(&a.themes, &a.admission, a.capacity, a.waiting_list)?;
    let slug = slugify(&a.name);
    if slug.is_empty() {
        bail!("de naam moet letters of cijfers bevatten");
    }
    let themes = a.themes.join(",");
    let location_code = a.location.trim().to_ascii_uppercase();
    locations::add_voorziening(
        db,
        &NewVoorziening {
            tenant_id,
            location_code: &location_code,
            slug: &slug,
            name: a.name.trim(),
            kind: &a.kind,
            description: a.description.trim(),
            themes: &themes,
            admission: &a.admission,
            capacity: a.capacity,
            waiting_list: a.waiting_list,
            contact: a.contact.trim(),
            last_verified_on: a.verified,
        },
        None,
    )
    .await?;
    Ok(slug)
}

/// A table of the tenant's voorzieningen.
pub async fn list(db: &Db, tenant_id: i64) -> anyhow::Result<String> {
    let mut out = String::new();
    let rows = locations::voorzieningen(db, tenant_id).await?;
    if rows.is_empty() {
        out.push_str("Er zijn nog geen voorzieningen.\n");
    }
    for v in rows {
        let _ = writeln!(
            out,
            "{}\t{}\t{}\t{}\t{}\t{}",
            v.slug,
            v.name,
            v.kind,
            v.location_code,
            v.themes,
            v.last_verified_on
                .map(|d| d.to_string())
                .unwrap_or_else(|| "niet gecontroleerd".to_owned())
        );
    }
    Ok(out)
}
