//! What operators need: the files the database refers to (for `passend check`, the backup and the
//! hourly sweep of orphans), counts of what a database holds (for restore reports), the heads of
//! the hash chains (for the signed checkpoint outside the database), a consistent SQLite copy,
//! whether a database is empty (a restore goes into an empty one only), and the idempotency
//! keys of create forms.

use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, Utc};

/// A file the database refers to.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FileRef {
    /// Its key in the object store.
    pub key: String,
    /// Its SHA-256 as recorded at upload (letters have none recorded).
    pub sha256: Option<String>,
    /// Its size as recorded.
    pub size_bytes: Option<i64>,
}

/// Every file the database refers to: document versions, decision letters, the letters of
/// beslissingen op bezwaar.
pub async fn file_refs(db: &Db) -> StoreResult<Vec<FileRef>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, FileRef>(FILE_REFS).fetch_all(pool).await)?;
    Ok(rows)
}

const FILE_REFS: &str = "SELECT storage_key AS key, sha256, size_bytes FROM document_versions
     UNION ALL SELECT letter_key AS key, NULL AS sha256, NULL AS size_bytes FROM decisions WHERE letter_key IS NOT NULL
     UNION ALL SELECT letter_key AS key, NULL AS sha256, NULL AS size_bytes FROM bezwaar_beslissingen WHERE letter_key IS NOT NULL
     ORDER BY key";
const AUDIT_HEAD: &str = "SELECT last_id, last_hash FROM audit_head WHERE id = 1";
const LOG_HEAD: &str = "SELECT last_id, last_hash FROM steunpunt_log_head WHERE id = 1";

/// A PostgreSQL snapshot held open while `pg_dump` copies it (`pg_dump --snapshot`): the files,
/// counts and chain heads read through it are those of the dump, whatever is written meanwhile.
#[derive(Debug)]
pub struct PgSnapshot {
    conn: sqlx::pool::PoolConnection<sqlx::Postgres>,
    /// The exported snapshot's name, for `pg_dump --snapshot`.
    pub id: String,
}

impl PgSnapshot {
    /// Begins a repeatable-read transaction and exports its snapshot; `None` on SQLite.
    pub async fn begin(db: &Db) -> StoreResult<Option<PgSnapshot>> {
        let Db::Postgres(pool) = db else {
            return Ok(None);
        };
        let mut conn = pool.acquire().await?;
        sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *conn)
            .await?;
        let id: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
            .fetch_one(&mut *conn)
            .await?;
        Ok(Some(PgSnapshot { conn, id }))
    }

    /// The files this snapshot refers to.
    pub async fn file_refs(&mut self) -> StoreResult<Vec<FileRef>> {
        Ok(sqlx::query_as::<_, FileRef>(FILE_REFS)
            .fetch_all(&mut *self.conn)
            .await?)
    }

    /// What this snapshot holds.
    pub async fn counts(&mut self) -> StoreResult<Counts> {
        let mut tables = Vec::new();
        for t in COUNTED_TABLES {
            let sql = format!("SELECT COUNT(*) FROM {t}");
            let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut *self.conn)
                .await?;
            tables.push(((*t).to_owned(), n));
        }
        Ok(Counts { tables })
    }

    /// The chain heads of this snapshot.
    pub async fn chain_heads(&mut self) -> StoreResult<((i64, String), (i64, String))> {
        let audit: (i64, String) = sqlx::query_as(AUDIT_HEAD)
            .fetch_one(&mut *self.conn)
            .await?;
        let log: (i64, String) = sqlx::query_as(LOG_HEAD).fetch_one(&mut *self.conn).await?;
        Ok((audit, log))
    }

    /// Ends the transaction (the snapshot is no longer needed).
    pub async fn finish(mut self) -> StoreResult<()> {
        sqlx::query("COMMIT").execute(&mut *self.conn).await?;
        Ok(())
    }
}

/// What a database holds, to compare a restore with its backup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// (table, rows), in a fixed order.
    pub tables: Vec<(String, i64)>,
}

/// The tables counted in a restore report.
pub const COUNTED_TABLES: &[&str] = &[
    "tenants",
    "users",
    "locations",
    "pupils",
    "guardians",
    "support_requests",
    "documents",
    "document_versions",
    "decisions",
    "bezwaren",
    "aanmeldingen",
    "thuiszitters",
    "steunpunt_cases",
    "audit_events",
    "steunpunt_log",
    "email_outbox",
];

/// Counts the rows of [`COUNTED_TABLES`].
pub async fn counts(db: &Db) -> StoreResult<Counts> {
    let mut tables = Vec::new();
    for t in COUNTED_TABLES {
        // The table names are our own constants, never input.
        let sql = format!("SELECT COUNT(*) FROM {t}");
        let n: i64 = on_db!(db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).fetch_one(pool).await)?;
        tables.push(((*t).to_owned(), n));
    }
    Ok(Counts { tables })
}

/// The heads of the audit trail and of the Oudersteunpunt's log: (last id, last hash) each.
pub async fn chain_heads(db: &Db) -> StoreResult<((i64, String), (i64, String))> {
    let audit: (i64, String) =
        on_db!(db, pool => sqlx::query_as(AUDIT_HEAD).fetch_one(pool).await)?;
    let log: (i64, String) = on_db!(db, pool => sqlx::query_as(LOG_HEAD).fetch_one(pool).await)?;
    Ok((audit, log))
}

/// The hash the audit trail holds for event `id`, if it has that event.
pub async fn audit_hash_at(db: &Db, id: i64) -> StoreResult<Option<String>> {
    let h = on_db!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT hash FROM audit_events WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    Ok(h)
}

/// The hash the Oudersteunpunt's log holds for line `id`, if it has that line.
pub async fn log_hash_at(db: &Db, id: i64) -> StoreResult<Option<String>> {
    let h = on_db!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT hash FROM steunpunt_log WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    Ok(h)
}

/// A consistent copy of an SQLite database into a new file (`VACUUM INTO`): one read
/// transaction, so writers go on and the copy is whole. `None` on PostgreSQL.
pub async fn sqlite_snapshot(db: &Db, target: &std::path::Path) -> StoreResult<Option<()>> {
    match db {
        Db::Sqlite(pool) => {
            let path = target.to_string_lossy().into_owned();
            sqlx::query("VACUUM INTO $1")
                .bind(path)
                .execute(pool)
                .await?;
            Ok(Some(()))
        }
        Db::Postgres(_) => Ok(None),
    }
}

/// Whether a database holds no data of Passend: no tenant, no user, no location. (The schema may
/// exist.) A restore goes into such a database only.
pub async fn holds_no_data(db: &Db) -> StoreResult<bool> {
    let mut total = 0i64;
    for t in ["tenants", "users", "locations", "audit_events"] {
        let sql = format!("SELECT COUNT(*) FROM {t}");
        let n: i64 = on_db!(db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql.clone())).fetch_one(pool).await)?;
        total += n;
    }
    Ok(total == 0)
}

/// Whether the database has any table of Passend yet (a fresh PostgreSQL database has none).
pub async fn has_tables(db: &Db) -> StoreResult<bool> {
    let n: i64 = match db {
        Db::Sqlite(pool) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tenants'")
                .fetch_one(pool)
                .await?
        }
        Db::Postgres(pool) => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'tenants'",
            )
            .fetch_one(pool)
            .await?
        }
    };
    Ok(n > 0)
}

/// Removes idempotency keys older than `before` (they are kept a day).
pub async fn prune_form_submissions(db: &Db, before: DateTime<Utc>) -> StoreResult<u64> {
    let n = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query("DELETE FROM form_submissions WHERE created_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        n
    });
    Ok(n)
}

/// Claims the create form's token of `$actor` (its `form_token`) inside the transaction that
/// creates. Evaluates to `None` when this is the first submission (or there is no token): the
/// caller creates, then records what it made with [`record_form_outcome_tx!`]. Evaluates to
/// `Some(outcome)` when a submission of the same form was handled before: the caller rolls back
/// and answers with that outcome, so a retried post never creates twice. On PostgreSQL a second,
/// simultaneous submission waits here until the first commits.
#[macro_export]
macro_rules! claim_form_tx {
    ($tx:expr, $actor:expr) => {{
        let actor: &$crate::casework::Actor<'_> = $actor;
        if actor.form_token.is_empty() {
            None
        } else {
            let claimed = sqlx::query(
                "INSERT INTO form_submissions (user_id, token, outcome, created_at) VALUES ($1, $2, '', $3)
                 ON CONFLICT (user_id, token) DO NOTHING",
            )
            .bind(actor.user_id)
            .bind(actor.form_token)
            .bind(chrono::Utc::now())
            .execute(&mut *$tx)
            .await?
            .rows_affected()
                == 1;
            if claimed {
                None
            } else {
                let outcome: String = sqlx::query_scalar(
                    "SELECT outcome FROM form_submissions WHERE user_id = $1 AND token = $2",
                )
                .bind(actor.user_id)
                .bind(actor.form_token)
                .fetch_one(&mut *$tx)
                .await?;
                Some(outcome)
            }
        }
    }};
}

/// Records what a claimed create form made (an id, as text), inside its transaction.
#[macro_export]
macro_rules! record_form_outcome_tx {
    ($tx:expr, $actor:expr, $outcome:expr) => {{
        let actor: &$crate::casework::Actor<'_> = $actor;
        if !actor.form_token.is_empty() {
            let outcome: &str = $outcome;
            sqlx::query(
                "UPDATE form_submissions SET outcome = $1 WHERE user_id = $2 AND token = $3",
            )
            .bind(outcome)
            .bind(actor.user_id)
            .bind(actor.form_token)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}
