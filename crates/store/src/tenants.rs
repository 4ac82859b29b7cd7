//! Tenants: the samenwerkingsverbanden one deployment serves. Every owned row carries one.

use crate::{Db, StoreResult, on_db};
use chrono::Utc;

/// A samenwerkingsverband.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Tenant {
    /// Row id.
    pub id: i64,
    /// DUO administratienummer, e.g. `PO2401`.
    pub code: String,
    /// Public name, e.g. "Passend Onderwijs Almere".
    pub name: String,
}

/// Makes sure the tenant exists (by code) and has this name; returns it. Reads first: a start
/// with nothing changed writes nothing.
pub async fn ensure(db: &Db, code: &str, name: &str) -> StoreResult<Tenant> {
    let existing = on_db!(db, pool => sqlx::query_as::<_, Tenant>(
        "SELECT id, code, name FROM tenants WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(pool)
    .await)?;
    if let Some(t) = existing
        && t.name == name
    {
        return Ok(t);
    }
    let now = Utc::now();
    let tenant = on_db!(db, pool => sqlx::query_as::<_, Tenant>(
        "INSERT INTO tenants (code, name, created_at) VALUES ($1, $2, $3)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name
         RETURNING id, code, name",
    )
    .bind(code)
    .bind(name)
    .bind(now)
    .fetch_one(pool)
    .await)?;
    Ok(tenant)
}

/// A tenant by its row id.
pub async fn by_id(db: &Db, id: i64) -> StoreResult<Option<Tenant>> {
    let tenant = on_db!(db, pool => sqlx::query_as::<_, Tenant>(
        "SELECT id, code, name FROM tenants WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    Ok(tenant)
}
