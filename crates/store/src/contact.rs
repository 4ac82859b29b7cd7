//! The contact details of a samenwerkingsverband, versioned: every save adds a version, the
//! highest is current, and a save based on an older version is refused (nothing is lost when two
//! beheerders edit at once). A save bumps the content stamp, so the public pages show it at once.

use crate::audit::Event;
use crate::content::BUMP_CONTENT;
use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, Utc};
use passend_domain::contact::{ContactDetails, ContactField};

/// A version of the contact details.
#[derive(Debug, Clone)]
pub struct ContactVersion {
    /// Version number (1 is the first save).
    pub version: i64,
    /// The details.
    pub details: ContactDetails,
    /// Who saved it.
    pub changed_by_name: Option<String>,
    /// When.
    pub changed_at: DateTime<Utc>,
}

/// A row of [`VERSIONS`] as the database gives it.
type FlatRow = (
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    DateTime<Utc>,
);

/// A row of [`VERSIONS`]: the version, the eight details in [`ContactField::ALL`]'s order, who
/// and when.
type VersionRow = (i64, [String; 8], Option<String>, DateTime<Utc>);

const VERSIONS: &str = "SELECT c.version, c.swv_address, c.swv_postal_address, c.swv_phone, c.swv_email, c.swv_hours,
        c.steunpunt_phone, c.steunpunt_email, c.steunpunt_hours, u.name AS changed_by_name, c.changed_at
   FROM contact_details c LEFT JOIN users u ON u.id = c.changed_by
  WHERE c.tenant_id = $1 ORDER BY c.version DESC LIMIT $2";

/// The newest versions, newest first (at most `limit`).
pub async fn versions(db: &Db, tenant_id: i64, limit: i64) -> StoreResult<Vec<ContactVersion>> {
    let rows: Vec<FlatRow> = on_db!(db, pool => {
        sqlx::query_as(VERSIONS)
            .bind(tenant_id)
            .bind(limit)
            .fetch_all(pool)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(
            |(version, a, b, c, d, e, f, g, h, changed_by_name, changed_at)| {
                let row: VersionRow = (
                    version,
                    [a, b, c, d, e, f, g, h],
                    changed_by_name,
                    changed_at,
                );
                version_of(row)
            },
        )
        .collect())
}

fn version_of((version, values, changed_by_name, changed_at): VersionRow) -> ContactVersion {
    let mut details = ContactDetails::default();
    for (field, value) in ContactField::ALL.into_iter().zip(values) {
        *details.field_mut(field) = value;
    }
    ContactVersion {
        version,
        details,
        changed_by_name,
        changed_at,
    }
}

/// The current contact details and their version (0 and empty details before the first save).
pub async fn current(db: &Db, tenant_id: i64) -> StoreResult<(i64, ContactDetails)> {
    Ok(versions(db, tenant_id, 1)
        .await?
        .first()
        .map_or((0, ContactDetails::default()), |v| {
            (v.version, v.details.clone())
        }))
}

/// Saves `details` as the version after `base` by `user_id`, with `event` in the audit trail;
/// `false` when someone saved another version since `base`.
pub async fn save(
    db: &Db,
    tenant_id: i64,
    base: i64,
    details: &ContactDetails,
    user_id: Option<i64>,
    event: &Event<'_>,
) -> StoreResult<bool> {
    let now = Utc::now();
    let saved = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let latest: Option<i64> = sqlx::query_scalar(
            "SELECT MAX(version) FROM contact_details WHERE tenant_id = $1",
        )
        .bind(tenant_id)
        .fetch_one(&mut *tx)
        .await?;
        if latest.unwrap_or(0) != base {
            false
        } else {
            let inserted = sqlx::query(
                "INSERT INTO contact_details (tenant_id, version, swv_address, swv_postal_address, swv_phone, swv_email,
                   swv_hours, steunpunt_phone, steunpunt_email, steunpunt_hours, changed_by, changed_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(tenant_id)
            .bind(base + 1)
            .bind(details.swv_address.trim())
            .bind(details.swv_postal_address.trim())
            .bind(details.swv_phone.trim())
            .bind(details.swv_email.trim())
            .bind(details.swv_hours.trim())
            .bind(details.steunpunt_phone.trim())
            .bind(details.steunpunt_email.trim())
            .bind(details.steunpunt_hours.trim())
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await;
            match inserted {
                // Two saves at the same moment on PostgreSQL: the second finds the number taken.
                Err(sqlx::Error::Database(d)) if d.is_unique_violation() => false,
                Err(e) => return Err(e.into()),
                Ok(_) => {
                    sqlx::query(BUMP_CONTENT).execute(&mut *tx).await?;
                    crate::append_in_tx!(tx, event);
                    tx.commit().await?;
                    true
                }
            }
        }
    });
    Ok(saved)
}
