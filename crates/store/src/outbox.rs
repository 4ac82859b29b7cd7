//! The e-mail outbox. [`enqueue_in_tx!`] writes a mail in the transaction of the change it
//! announces; the worker claims due mails one at a time, and marks them sent, due again later
//! (with backoff) or failed for good. A claim holds a lease: a worker that dies mid-send leaves
//! the mail to be claimed again after the lease, so nothing is lost and at most one copy repeats.

use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, Utc};

/// A mail to send.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Mail {
    /// Row id.
    pub id: i64,
    /// Unique key (also the Message-ID).
    pub idempotency_key: String,
    /// Recipient.
    pub to_address: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body_text: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// A new mail.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    /// Tenant.
    pub tenant_id: Option<i64>,
    /// Unique key, e.g. `uitnodiging-42`.
    pub idempotency_key: &'a str,
    /// Recipient.
    pub to_address: &'a str,
    /// Subject.
    pub subject: &'a str,
    /// Body (plain text, no pupil data).
    pub body_text: &'a str,
}

/// Writes a mail inside an open transaction `$tx` of either backend. A second mail with the same
/// key is ignored (the first one stands).
#[macro_export]
macro_rules! enqueue_in_tx {
    ($tx:expr, $mail:expr) => {{
        let mail: &$crate::outbox::NewMail<'_> = $mail;
        let now = chrono::Utc::now();
        sqlx::query(
            "INSERT INTO email_outbox (tenant_id, idempotency_key, to_address, subject, body_text, status, attempts,
               next_attempt_at, created_at)
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6)
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(mail.tenant_id)
        .bind(mail.idempotency_key)
        .bind(mail.to_address)
        .bind(mail.subject)
        .bind(mail.body_text)
        .bind(now)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Writes a mail in its own transaction.
pub async fn enqueue(db: &Db, mail: &NewMail<'_>) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        enqueue_in_tx!(tx, mail);
        tx.commit().await?;
    });
    Ok(())
}

/// Claims the oldest mail that was due at `due_before` (pending), or whose lease expired by
/// `now` (a worker died while sending), for `lease` from `now`.
pub async fn claim(
    db: &Db,
    due_before: DateTime<Utc>,
    now: DateTime<Utc>,
    lease: chrono::Duration,
) -> StoreResult<Option<Mail>> {
    let until = now + lease;
    let mail = on_db!(db, pool => sqlx::query_as::<_, Mail>(
        "UPDATE email_outbox SET status = 'sending', locked_until = $2, attempts = attempts + 1
         WHERE id = (SELECT id FROM email_outbox
                     WHERE (status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND locked_until < $3)
                     ORDER BY id LIMIT 1)
           AND ((status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND locked_until < $3))
         RETURNING id, idempotency_key, to_address, subject, body_text, attempts",
    )
    .bind(due_before)
    .bind(until)
    .bind(now)
    .fetch_optional(pool)
    .await)?;
    Ok(mail)
}

/// Marks a mail as sent, if this claim (`attempts`) still holds it. The body is wiped: it may
/// hold a sign-in link, and a sent mail is never sent again.
pub async fn mark_sent(db: &Db, mail: &Mail, now: DateTime<Utc>) -> StoreResult<()> {
    on_db!(db, pool => sqlx::query(
        "UPDATE email_outbox SET status = 'sent', sent_at = $2, locked_until = NULL, last_error = NULL, body_text = ''
         WHERE id = $1 AND status = 'sending' AND attempts = $3",
    )
        .bind(mail.id)
        .bind(now)
        .bind(mail.attempts)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Puts a mail back for a later attempt, or marks it failed for good, if this claim still holds it.
pub async fn mark_error(
    db: &Db,
    mail: &Mail,
    error: &str,
    retry_at: Option<DateTime<Utc>>,
) -> StoreResult<()> {
    let (id, attempts) = (mail.id, mail.attempts);
    let error: String = error.chars().take(500).collect();
    on_db!(db, pool => match retry_at {
        Some(at) => sqlx::query(
            "UPDATE email_outbox SET status = 'pending', next_attempt_at = $2, locked_until = NULL, last_error = $3
             WHERE id = $1 AND status = 'sending' AND attempts = $4",
        )
            .bind(id)
            .bind(at)
            .bind(&error)
            .bind(attempts)
            .execute(pool)
            .await
            .map(|_| ()),
        None => sqlx::query(
            "UPDATE email_outbox SET status = 'failed', locked_until = NULL, last_error = $2
             WHERE id = $1 AND status = 'sending' AND attempts = $3",
        )
            .bind(id)
            .bind(&error)
            .bind(attempts)
            .execute(pool)
            .await
            .map(|_| ()),
    })?;
    Ok(())
}

/// Counts per status, for the beheer view and tests: (pending, sending, sent, failed).
pub async fn counts(db: &Db) -> StoreResult<(i64, i64, i64, i64)> {
    let c = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, i64, i64)>(
        "SELECT
           (SELECT COUNT(*) FROM email_outbox WHERE status = 'pending'),
           (SELECT COUNT(*) FROM email_outbox WHERE status = 'sending'),
           (SELECT COUNT(*) FROM email_outbox WHERE status = 'sent'),
           (SELECT COUNT(*) FROM email_outbox WHERE status = 'failed')",
    )
    .fetch_one(pool)
    .await)?;
    Ok(c)
}

/// A mail in the beheer view: who, what, and how it went. The body is never shown (it may hold a
/// sign-in link).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QueuedMail {
    /// Row id.
    pub id: i64,
    /// Recipient.
    pub to_address: String,
    /// Subject.
    pub subject: String,
    /// Status.
    pub status: String,
    /// Attempts so far.
    pub attempts: i64,
    /// Next attempt.
    pub next_attempt_at: DateTime<Utc>,
    /// The last error.
    pub last_error: Option<String>,
    /// Written at.
    pub created_at: DateTime<Utc>,
    /// Sent at.
    pub sent_at: Option<DateTime<Utc>>,
}

/// The newest mails of a tenant, optionally of one status; never the Oudersteunpunt's
/// (confidential) mails.
pub async fn list(
    db: &Db,
    tenant_id: i64,
    status: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<QueuedMail>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, QueuedMail>(
        "SELECT id, to_address, subject, status, attempts, next_attempt_at, last_error, created_at, sent_at
         FROM email_outbox WHERE tenant_id = $1 AND confidential = FALSE AND ($2 IS NULL OR status = $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(tenant_id)
    .bind(status)
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Puts a failed mail of a tenant back in the queue for a new series of attempts.
pub async fn retry(db: &Db, tenant_id: i64, id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
    let n = on_db!(db, pool => sqlx::query(
        "UPDATE email_outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, last_error = NULL
         WHERE id = $2 AND tenant_id = $3 AND status = 'failed' AND confidential = FALSE",
    )
    .bind(now)
    .bind(id)
    .bind(tenant_id)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// Counts per status of one tenant's mails: (pending, sending, sent, failed); the
/// Oudersteunpunt's mails are not counted.
pub async fn tenant_counts(db: &Db, tenant_id: i64) -> StoreResult<(i64, i64, i64, i64)> {
    let c = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, i64, i64)>(
        "SELECT
           (SELECT COUNT(*) FROM email_outbox WHERE tenant_id = $1 AND confidential = FALSE AND status = 'pending'),
           (SELECT COUNT(*) FROM email_outbox WHERE tenant_id = $1 AND confidential = FALSE AND status = 'sending'),
           (SELECT COUNT(*) FROM email_outbox WHERE tenant_id = $1 AND confidential = FALSE AND status = 'sent'),
           (SELECT COUNT(*) FROM email_outbox WHERE tenant_id = $1 AND confidential = FALSE AND status = 'failed')",
    )
    .bind(tenant_id)
    .fetch_one(pool)
    .await)?;
    Ok(c)
}
