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
    /// The attachment's file name, if the mail has one.
    pub attachment_name: Option<String>,
    /// Its content type (`text/calendar; method=REQUEST`).
    pub attachment_type: Option<String>,
    /// Its content (text).
    pub attachment_body: Option<String>,
}

/// A file sent with a mail (a meeting's calendar file). Text only, no pupil data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// Content type.
    pub content_type: String,
    /// Content.
    pub body: String,
}

/// How a notice joins others to the same person within the window: its own lines, and the mail
/// around several parts (`{parts}` marks where they go) with its subject. Notices combine only
/// with notices of the same frame and subject (the same language and kind of mail).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Combine {
    /// The notice's own lines.
    pub part: String,
    /// The combined mail, with `{parts}`.
    pub frame: String,
    /// The combined mail's subject.
    pub subject: String,
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
    /// A file to send with it.
    pub attachment: Option<&'a Attachment>,
    /// How it combines with other notices to the same person (`None`: it goes alone).
    pub combine: Option<&'a Combine>,
}

/// Writes a mail inside an open transaction `$tx` of either backend. A second mail with the same
/// key is ignored (the first one stands).
#[macro_export]
macro_rules! enqueue_in_tx {
    ($tx:expr, $mail:expr) => {{
        let mail: &$crate::outbox::NewMail<'_> = $mail;
        let now = chrono::Utc::now();
        let file = mail.attachment;
        let combine = mail.combine;
        sqlx::query(
            "INSERT INTO email_outbox (tenant_id, idempotency_key, to_address, subject, body_text, status, attempts,
               next_attempt_at, created_at, attachment_name, attachment_type, attachment_body, combine_part,
               combine_frame, combine_subject)
             VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (idempotency_key) DO NOTHING",
        )
        .bind(mail.tenant_id)
        .bind(mail.idempotency_key)
        .bind(mail.to_address)
        .bind(mail.subject)
        .bind(mail.body_text)
        .bind(now)
        .bind(file.map(|f| f.name.as_str()))
        .bind(file.map(|f| f.content_type.as_str()))
        .bind(file.map(|f| f.body.as_str()))
        .bind(combine.map(|c| c.part.as_str()))
        .bind(combine.map(|c| c.frame.as_str()))
        .bind(combine.map(|c| c.subject.as_str()))
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
/// `now` (a worker died while sending), for `lease` from `now`. With `combine_before`, a notice
/// that combines with others waits until it was written at or before then (the window); when it
/// is claimed,
/// every other pending notice to the same person with the same frame joins it, in the same
/// transaction: the claimed mail's body becomes the frame with all parts, and the others are
/// marked sent inside it (`merged_into`). A claim after an expired lease gathers the parts again.
pub async fn claim(
    db: &Db,
    due_before: DateTime<Utc>,
    now: DateTime<Utc>,
    lease: chrono::Duration,
    combine_before: Option<DateTime<Utc>>,
) -> StoreResult<Option<Mail>> {
    let until = now + lease;
    let mail = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let claimed = sqlx::query_as::<_, Mail>(
            "UPDATE email_outbox SET status = 'sending', locked_until = $2, attempts = attempts + 1
             WHERE id = (SELECT id FROM email_outbox
                         WHERE (status = 'pending' AND next_attempt_at <= $1 AND ($4 IS NULL OR combine_frame IS NULL OR created_at <= $4))
                            OR (status = 'sending' AND locked_until < $3)
                         ORDER BY id LIMIT 1)
               AND ((status = 'pending' AND next_attempt_at <= $1) OR (status = 'sending' AND locked_until < $3))
             RETURNING id, idempotency_key, to_address, subject, body_text, attempts, attachment_name,
               attachment_type, attachment_body",
        )
        .bind(due_before)
        .bind(until)
        .bind(now)
        .bind(combine_before)
        .fetch_optional(&mut *tx)
        .await?;
        let mut claimed = claimed;
        if let (Some(m), Some(_)) = (claimed.as_mut(), combine_before) {
            let (part, frame, subject): (Option<String>, Option<String>, Option<String>) = sqlx::query_as(
                "SELECT combine_part, combine_frame, combine_subject FROM email_outbox WHERE id = $1",
            )
            .bind(m.id)
            .fetch_one(&mut *tx)
            .await?;
            if let (Some(part), Some(frame), Some(subject)) = (part, frame, subject) {
                let others: Vec<(i64, String)> = sqlx::query_as(
                    "SELECT id, combine_part FROM email_outbox o
                     WHERE o.id <> $1 AND o.to_address = $2 AND o.combine_frame = $3 AND o.combine_subject = $4
                       AND o.combine_part IS NOT NULL
                       AND (o.merged_into = $1 OR o.status = 'pending')
                       AND o.tenant_id IS NOT DISTINCT FROM (SELECT tenant_id FROM email_outbox WHERE id = $1)
                     ORDER BY o.id",
                )
                .bind(m.id)
                .bind(&m.to_address)
                .bind(&frame)
                .bind(&subject)
                .fetch_all(&mut *tx)
                .await?;
                // Only what is still pending (or already ours) joins: another worker that took a
                // notice in the meantime sends it itself.
                let mut parts = vec![part];
                for (id, p) in others {
                    let taken = sqlx::query(
                        "UPDATE email_outbox SET status = 'sent', merged_into = $1, sent_at = $2, locked_until = NULL
                         WHERE id = $3 AND (status = 'pending' OR merged_into = $1)",
                    )
                    .bind(m.id)
                    .bind(now)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                    if taken == 1 {
                        parts.push(p);
                    }
                }
                if parts.len() > 1 {
                    m.body_text = combined(&frame, &parts);
                    m.subject = subject;
                    sqlx::query("UPDATE email_outbox SET body_text = $1, subject = $2 WHERE id = $3")
                        .bind(&m.body_text)
                        .bind(&m.subject)
                        .bind(m.id)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        tx.commit().await?;
        claimed
    });
    Ok(mail)
}

/// The mail around several notices: each part once, in order, separated by a rule.
pub fn combined(frame: &str, parts: &[String]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for p in parts {
        if !unique.contains(&p.as_str()) {
            unique.push(p);
        }
    }
    frame.replace("{parts}", &unique.join("\n\n---\n\n"))
}

/// Marks a mail as sent, if this claim (`attempts`) still holds it. The body is wiped: it may
/// hold a sign-in link, and a sent mail is never sent again.
pub async fn mark_sent(db: &Db, mail: &Mail, now: DateTime<Utc>) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let held = sqlx::query(
            "UPDATE email_outbox SET status = 'sent', sent_at = $2, locked_until = NULL, last_error = NULL, body_text = '',
               combine_part = NULL, attachment_body = NULL
             WHERE id = $1 AND status = 'sending' AND attempts = $3",
        )
        .bind(mail.id)
        .bind(now)
        .bind(mail.attempts)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        // The notices sent inside it are done too; while the claim is not ours they stay, so
        // whoever holds it gathers them again.
        if held == 1 {
            sqlx::query("UPDATE email_outbox SET body_text = '', combine_part = NULL WHERE merged_into = $1")
                .bind(mail.id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
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
    /// The mail it was sent inside (a notice combined with others).
    pub merged_into: Option<i64>,
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
        "SELECT id, to_address, subject, status, attempts, next_attempt_at, last_error, created_at, sent_at, merged_into
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_combined_mail_holds_each_part_once_in_order() {
        let parts = ["Een".to_owned(), "Twee".to_owned(), "Een".to_owned()];
        assert_eq!(
            super::combined("Hallo,\n\n{parts}\n\nGroet", &parts),
            "Hallo,\n\nEen\n\n---\n\nTwee\n\nGroet"
        );
    }
}
