//! The parents' portal: parent accounts linked to the children they have gezag over, what the
//! school shares with them (a snapshot of a concept request, document versions), and what they
//! do with it (read, zienswijze, consent, signature, their own documents).
//!
//! A parent sees a child only through an active link whose parent row still has gezag. Every
//! change writes, in one transaction, the change, a timeline line when a request is involved, an
//! audit event with the pupil's id, and the notification mails.

use crate::accounts::{AccountError, NewToken};
use crate::audit::Event;
use crate::casework::{Actor, Notice, Request, StoredFile};
use crate::outbox::NewMail;
use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, NaiveDate, Utc};

/// The condition "user `$2` is an active parent of pupil `p`" (gezag still recorded).
macro_rules! parent_of_pupil {
    () => {
        "EXISTS (SELECT 1 FROM parent_links pl JOIN guardians g ON g.id = pl.guardian_id
           WHERE pl.pupil_id = p.id AND pl.user_id = $2 AND pl.revoked_at IS NULL AND g.parental_authority = $3)"
    };
}

// ---------------------------------------------------------------------------------------------
// Links

/// A parent account linked to one of a child's parent rows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkRow {
    /// The parent row.
    pub guardian_id: i64,
    /// The account.
    pub user_id: i64,
    /// Its name.
    pub name: String,
    /// Its address.
    pub email: String,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// When the access was given.
    pub invited_at: DateTime<Utc>,
    /// The account's last sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// The active links of a child.
pub async fn links_of_pupil(db: &Db, pupil_id: i64) -> StoreResult<Vec<LinkRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, LinkRow>(
        "SELECT pl.guardian_id, pl.user_id, u.name, u.email, u.status, pl.invited_at, u.last_sign_in_at
         FROM parent_links pl JOIN users u ON u.id = pl.user_id
         WHERE pl.pupil_id = $1 AND pl.revoked_at IS NULL AND pl.guardian_id IS NOT NULL ORDER BY pl.guardian_id",
    )
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The account a parent gets access with.
#[derive(Debug, Clone)]
pub enum ParentAccount<'a> {
    /// A new account (status `invited`) with this address and name.
    New {
        /// Normalised address.
        email: &'a str,
        /// Name.
        name: &'a str,
    },
    /// An existing parent account.
    Existing(i64),
}

/// Gives a parent row's account access to the child. Makes the account when needed, writes the
/// invitation link (if any), the mail and the audit event in one transaction; an earlier link of
/// the same parent row ends. Returns the account's id.
pub async fn link_parent(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    guardian_id: i64,
    account: &ParentAccount<'_>,
    token: Option<&NewToken<'_>>,
    mail: &NewMail<'_>,
) -> Result<i64, AccountError> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let user_id = match account {
            ParentAccount::Existing(id) => *id,
            ParentAccount::New { email, name } => {
                let inserted = sqlx::query_scalar::<_, i64>(
                    "INSERT INTO users (tenant_id, email, name, role, status, created_at, created_by, updated_at)
                     VALUES ($1, $2, $3, 'ouder', 'invited', $4, $5, $4) RETURNING id",
                )
                .bind(actor.tenant_id)
                .bind(email)
                .bind(name)
                .bind(now)
                .bind(actor.user_id)
                .fetch_one(&mut *tx)
                .await;
                match inserted {
                    Ok(id) => id,
                    Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                        return Err(AccountError::EmailTaken)
                    }
                    Err(e) => return Err(e.into()),
                }
            }
        };
        if let Some(t) = token {
            sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
                .bind(now)
                .bind(user_id)
                .bind(t.purpose.code())
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO auth_tokens (tenant_id, user_id, purpose, token_hash, expires_at, created_at, created_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(actor.tenant_id)
            .bind(user_id)
            .bind(t.purpose.code())
            .bind(t.token_hash)
            .bind(t.expires_at)
            .bind(now)
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "UPDATE parent_links SET revoked_at = $1, revoked_by = $2 WHERE guardian_id = $3 AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(actor.user_id)
        .bind(guardian_id)
        .execute(&mut *tx)
        .await?;
        let linked = sqlx::query(
            "INSERT INTO parent_links (tenant_id, pupil_id, guardian_id, user_id, invited_by, invited_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(actor.tenant_id)
        .bind(pupil_id)
        .bind(guardian_id)
        .bind(user_id)
        .bind(actor.user_id)
        .bind(now)
        .execute(&mut *tx)
        .await;
        match linked {
            Ok(_) => {}
            // Someone linked this parent row at the same moment.
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                return Err(AccountError::EmailTaken)
            }
            Err(e) => return Err(e.into()),
        }
        crate::enqueue_in_tx!(tx, mail);
        crate::audit_tx!(tx, actor, "create", "ouderportaal", user_id, pupil_id, "toegang");
        tx.commit().await?;
        user_id
    });
    Ok(id)
}

/// Ends a parent row's access to the child; `false` when it had none.
pub async fn revoke_link(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    guardian_id: i64,
    notices: &[Notice],
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(
            "UPDATE parent_links SET revoked_at = $1, revoked_by = $2 WHERE pupil_id = $3 AND guardian_id = $4 AND revoked_at IS NULL",
        )
        .bind(Utc::now())
        .bind(actor.user_id)
        .bind(pupil_id)
        .bind(guardian_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n > 0 {
            crate::audit_tx!(tx, actor, "delete", "ouderportaal", guardian_id, pupil_id, "toegang");
            enqueue_notices_tx!(tx, actor.tenant_id, notices);
            tx.commit().await?;
        }
        n > 0
    });
    Ok(done)
}

/// A child as a parent sees it in the portal.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Child {
    /// Pupil id.
    pub id: i64,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// The school location.
    pub location_name: String,
}

/// The children a parent account has access to, by name.
pub async fn children_of(db: &Db, tenant_id: i64, user_id: i64) -> StoreResult<Vec<Child>> {
    let sql = concat!(
        "SELECT p.id, p.given_name, p.family_name, l.name AS location_name
         FROM pupils p JOIN locations l ON l.id = p.location_id WHERE p.tenant_id = $1 AND ",
        parent_of_pupil!(),
        " ORDER BY p.given_name, p.id"
    );
    let rows = on_db!(db, pool => sqlx::query_as::<_, Child>(sql)
        .bind(tenant_id)
        .bind(user_id)
        .bind(true)
        .fetch_all(pool)
        .await)?;
    Ok(rows)
}

/// Whether a parent account has access to a child.
pub async fn is_parent_of(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    pupil_id: i64,
) -> StoreResult<bool> {
    let sql = concat!(
        "SELECT COUNT(*) FROM pupils p WHERE p.tenant_id = $1 AND p.id = $4 AND ",
        parent_of_pupil!()
    );
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(sql)
        .bind(tenant_id)
        .bind(user_id)
        .bind(true)
        .bind(pupil_id)
        .fetch_one(pool)
        .await)?;
    Ok(n > 0)
}

/// A parent account that hears of a child's procedure.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParentContact {
    /// Account.
    pub user_id: i64,
    /// Address.
    pub email: String,
    /// `nl` or `en`.
    pub language: String,
}

/// The parent accounts with access to a child (not blocked).
pub async fn parents_of(db: &Db, pupil_id: i64) -> StoreResult<Vec<ParentContact>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, ParentContact>(
        "SELECT DISTINCT u.id AS user_id, u.email, u.language
         FROM parent_links pl JOIN guardians g ON g.id = pl.guardian_id JOIN users u ON u.id = pl.user_id
         WHERE pl.pupil_id = $1 AND pl.revoked_at IS NULL AND g.parental_authority = $2 AND u.status <> 'disabled'
         ORDER BY u.id",
    )
    .bind(pupil_id)
    .bind(true)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The language a user reads the portal in.
pub async fn language(db: &Db, user_id: i64) -> StoreResult<String> {
    let lang: Option<String> = on_db!(db, pool => sqlx::query_scalar(
        "SELECT language FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await)?;
    Ok(lang.unwrap_or_else(|| "nl".to_owned()))
}

/// Sets the language a user reads the portal and its mails in.
pub async fn set_language(db: &Db, event: &Event<'_>, user_id: i64, lang: &str) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE users SET language = $1, updated_at = $2 WHERE id = $3")
            .bind(lang)
            .bind(Utc::now())
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        crate::append_in_tx!(tx, event);
        tx.commit().await?;
    });
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Sharing

/// A snapshot of a concept request shared with the parents.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ShareRow {
    /// Id.
    pub id: i64,
    /// Request.
    pub request_id: i64,
    /// The request's version it shows.
    pub request_version: i64,
    /// Kind code.
    pub kind: String,
    /// The school's question and reasons.
    pub question: String,
    /// Arrangement goals.
    pub goals: String,
    /// Arrangement budget.
    pub budget_euros: Option<i64>,
    /// Arrangement period.
    pub period_start: Option<NaiveDate>,
    /// Arrangement period end.
    pub period_end: Option<NaiveDate>,
    /// The parents are asked to respond by.
    pub respond_by: NaiveDate,
    /// Who shared it.
    pub shared_by_name: Option<String>,
    /// When.
    pub shared_at: DateTime<Utc>,
}

/// Shares the request as it is now (a concept at version `version`) with the parents. `false`
/// when it changed meanwhile or this version was shared before.
pub async fn share_request(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    version: i64,
    respond_by: NaiveDate,
    what: &str,
    notices: &[Notice],
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "INSERT INTO request_shares (request_id, request_version, kind, question, goals, budget_euros, period_start, period_end,
               respond_by, shared_by, shared_at)
             SELECT r.id, r.version, r.kind, r.question, r.goals, r.budget_euros, r.period_start, r.period_end, $1, $2, $3
             FROM support_requests r WHERE r.tenant_id = $4 AND r.id = $5 AND r.version = $6 AND r.status = 'concept'
             ON CONFLICT (request_id, request_version) DO NOTHING",
        )
        .bind(respond_by)
        .bind(actor.user_id)
        .bind(Utc::now())
        .bind(actor.tenant_id)
        .bind(request.id)
        .bind(version),
        {
            record_tx!(tx, actor, request.id, request.pupil_id, "update", what, "gedeeld", notices, true);
        })
    });
    Ok(done)
}

/// The snapshots of a request shared with the parents, newest first.
pub async fn shares_of(db: &Db, request_id: i64) -> StoreResult<Vec<ShareRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, ShareRow>(
        "SELECT s.id, s.request_id, s.request_version, s.kind, s.question, s.goals, s.budget_euros, s.period_start,
           s.period_end, s.respond_by, u.name AS shared_by_name, s.shared_at
         FROM request_shares s LEFT JOIN users u ON u.id = s.shared_by WHERE s.request_id = $1 ORDER BY s.id DESC",
    )
    .bind(request_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The requests of a child that were shared with the parents at some point.
pub async fn shared_request_ids(db: &Db, pupil_id: i64) -> StoreResult<Vec<i64>> {
    let rows = on_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT DISTINCT s.request_id FROM request_shares s JOIN support_requests r ON r.id = s.request_id WHERE r.pupil_id = $1",
    )
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Shares a version of a document (the one the staff member saw) with the parents, optionally
/// asking their consent. `None` when the document or version is not this pupil's;
/// `Some(false)` when that version was shared before.
pub async fn share_document(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    document_id: i64,
    version: i64,
    consent_asked: bool,
    notices: &[Notice],
) -> StoreResult<Option<bool>> {
    let now = Utc::now();
    let out = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let latest: Option<(i64, i64, String, Option<i64>)> = sqlx::query_as(
            "SELECT v.id, v.version, d.title, d.request_id FROM document_versions v JOIN documents d ON d.id = v.document_id
             WHERE d.id = $1 AND d.pupil_id = $2 AND d.tenant_id = $3 AND v.version = $4",
        )
        .bind(document_id)
        .bind(pupil_id)
        .bind(actor.tenant_id)
        .bind(version)
        .fetch_optional(&mut *tx)
        .await?;
        match latest {
            None => None,
            Some((version_id, version, title, request_id)) => {
                let n = sqlx::query(
                    "INSERT INTO document_shares (document_id, version_id, consent_asked, shared_by, shared_at)
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (version_id) DO NOTHING",
                )
                .bind(document_id)
                .bind(version_id)
                .bind(consent_asked)
                .bind(actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if n == 1 {
                    let what = if consent_asked {
                        format!("Gedeeld met de ouders, met de vraag om toestemming: {title} (versie {version})")
                    } else {
                        format!("Gedeeld met de ouders: {title} (versie {version})")
                    };
                    match request_id {
                        Some(r) => {
                            record_tx!(tx, actor, r, pupil_id, "update", &what, "document gedeeld", notices, true);
                        }
                        None => {
                            crate::audit_tx!(tx, actor, "update", "document", format!("{document_id}/{version}"), pupil_id, "gedeeld met ouders");
                            enqueue_notices_tx!(tx, actor.tenant_id, notices);
                        }
                    }
                    tx.commit().await?;
                }
                Some(n == 1)
            }
        }
    });
    Ok(out)
}

/// A document version the parents can see: shared with them, or uploaded by themselves.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParentDocument {
    /// Document.
    pub document_id: i64,
    /// The version's id.
    pub version_id: i64,
    /// Version number.
    pub version: i64,
    /// Kind code.
    pub kind: String,
    /// Title.
    pub title: String,
    /// File name.
    pub file_name: String,
    /// Size.
    pub size_bytes: i64,
    /// Shared on, or uploaded on.
    pub since: DateTime<Utc>,
    /// Consent asked for this version.
    pub consent_asked: bool,
    /// Uploaded by this parent.
    pub own: bool,
}

/// The document versions of a child that this parent can see, newest first.
pub async fn parent_documents(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    pupil_id: i64,
) -> StoreResult<Vec<ParentDocument>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, ParentDocument>(
        "SELECT d.id AS document_id, v.id AS version_id, v.version, d.kind, d.title, v.file_name, v.size_bytes,
           CASE WHEN v.uploaded_by = $2 THEN v.uploaded_at ELSE COALESCE(s.shared_at, v.uploaded_at) END AS since, COALESCE(s.consent_asked, $4) AS consent_asked,
           COALESCE(v.uploaded_by = $2, $4) AS own
         FROM document_versions v JOIN documents d ON d.id = v.document_id
         LEFT JOIN document_shares s ON s.version_id = v.id
         WHERE d.tenant_id = $1 AND d.pupil_id = $3 AND (s.id IS NOT NULL OR v.uploaded_by = $2)
         ORDER BY since DESC, v.id DESC",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(pupil_id)
    .bind(false)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The document versions of a child shared with its parents (for the school's view).
pub async fn shared_versions(db: &Db, pupil_id: i64) -> StoreResult<Vec<(i64, i64, bool)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, bool)>(
        "SELECT s.document_id, v.version, s.consent_asked FROM document_shares s JOIN document_versions v ON v.id = s.version_id
         JOIN documents d ON d.id = s.document_id WHERE d.pupil_id = $1 ORDER BY s.id",
    )
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Responses

/// What a parent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseKind {
    /// Read it.
    Gelezen,
    /// Gave their view.
    Zienswijze,
    /// Gave or refused consent.
    Toestemming,
    /// Signed it (typed their name).
    Ondertekening,
}

impl ResponseKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ResponseKind::Gelezen => "gelezen",
            ResponseKind::Zienswijze => "zienswijze",
            ResponseKind::Toestemming => "toestemming",
            ResponseKind::Ondertekening => "ondertekening",
        }
    }
}

/// What the response concerns: a shared snapshot of a request, or a shared document version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Concerns {
    /// A request snapshot (its id).
    Share(i64),
    /// A document version (its id).
    Version(i64),
}

/// A parent's response to record.
#[derive(Debug, Clone)]
pub struct NewResponse<'a> {
    /// The child.
    pub pupil_id: i64,
    /// The request the timeline line goes on, if any.
    pub request_id: Option<i64>,
    /// What they did.
    pub kind: ResponseKind,
    /// What it concerns.
    pub concerns: Concerns,
    /// `eens`/`oneens`, `gegeven`/`geweigerd`, the typed name, or empty.
    pub answer: &'a str,
    /// Their words.
    pub text: &'a str,
    /// A file that comes with it: stored as a new document of this kind and title.
    pub attachment: Option<(&'a StoredFile, &'a str, &'a str)>,
    /// Timeline text.
    pub what: &'a str,
    /// Mails.
    pub notices: &'a [Notice],
}

/// Records a parent's response, with its file, timeline line, audit event and mails, in one
/// transaction; returns its id. `None` (nothing written) when the response is to a snapshot that
/// is no longer the latest, or whose request is no longer a concept: the school moved on.
pub async fn respond(db: &Db, actor: &Actor<'_>, r: &NewResponse<'_>) -> StoreResult<Option<i64>> {
    let now = Utc::now();
    let (share, version) = match r.concerns {
        Concerns::Share(s) => (Some(s), None),
        Concerns::Version(v) => (None, Some(v)),
    };
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let open: i64 = match share {
            Some(s) => sqlx::query_scalar(
                "SELECT COUNT(*) FROM request_shares s JOIN support_requests q ON q.id = s.request_id
                 WHERE s.id = $1 AND q.status = 'concept'
                   AND s.id = (SELECT MAX(id) FROM request_shares WHERE request_id = s.request_id)",
            )
            .bind(s)
            .fetch_one(&mut *tx)
            .await?,
            None => 1,
        };
        if open == 0 {
            return Ok(None);
        }
        let attachment = match r.attachment {
            None => None,
            Some((file, kind, title)) => {
                let document_id: i64 = sqlx::query_scalar(
                    "INSERT INTO documents (tenant_id, pupil_id, request_id, kind, title, created_at, created_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(actor.tenant_id)
                .bind(r.pupil_id)
                .bind(r.request_id)
                .bind(kind)
                .bind(title)
                .bind(now)
                .bind(actor.user_id)
                .fetch_one(&mut *tx)
                .await?;
                let version_id: i64 = sqlx::query_scalar(
                    "INSERT INTO document_versions (document_id, version, storage_key, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
                     VALUES ($1, 1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(document_id)
                .bind(&file.storage_key)
                .bind(&file.file_name)
                .bind(&file.content_type)
                .bind(file.size_bytes)
                .bind(&file.sha256)
                .bind(actor.user_id)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                crate::audit_tx!(tx, actor, "create", "document", format!("{document_id}/1"), r.pupil_id, kind);
                Some(version_id)
            }
        };
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO parent_responses (tenant_id, pupil_id, user_id, kind, request_share_id, document_version_id, answer, text,
               attachment_version_id, responded_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(actor.tenant_id)
        .bind(r.pupil_id)
        .bind(actor.user_id)
        .bind(r.kind.code())
        .bind(share)
        .bind(version)
        .bind(r.answer)
        .bind(r.text)
        .bind(attachment)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        match r.request_id {
            Some(request_id) => {
                record_tx!(tx, actor, request_id, r.pupil_id, "create", r.what, r.kind.code(), r.notices, true);
            }
            None => {
                crate::audit_tx!(tx, actor, "create", "ouderreactie", id, r.pupil_id, r.kind.code());
                enqueue_notices_tx!(tx, actor.tenant_id, r.notices);
            }
        }
        tx.commit().await?;
        Some(id)
    });
    Ok(id)
}

/// A recorded response.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResponseRow {
    /// Id.
    pub id: i64,
    /// The parent.
    pub user_id: i64,
    /// Their name.
    pub user_name: String,
    /// Kind code.
    pub kind: String,
    /// The snapshot it concerns.
    pub request_share_id: Option<i64>,
    /// The request of that snapshot.
    pub request_id: Option<i64>,
    /// The request version of that snapshot.
    pub request_version: Option<i64>,
    /// The document version it concerns.
    pub document_version_id: Option<i64>,
    /// That document.
    pub document_id: Option<i64>,
    /// Its title.
    pub document_title: Option<String>,
    /// That version's number.
    pub document_version: Option<i64>,
    /// The answer.
    pub answer: String,
    /// Their words.
    pub text: String,
    /// The file that came with it: document id.
    pub attachment_document_id: Option<i64>,
    /// Its file name.
    pub attachment_name: Option<String>,
    /// When.
    pub responded_at: DateTime<Utc>,
}

/// Every response of a child's parents, oldest first.
pub async fn responses_of_pupil(db: &Db, pupil_id: i64) -> StoreResult<Vec<ResponseRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, ResponseRow>(
        "SELECT pr.id, pr.user_id, u.name AS user_name, pr.kind, pr.request_share_id, s.request_id, s.request_version,
           pr.document_version_id, dv.document_id, d.title AS document_title, dv.version AS document_version,
           pr.answer, pr.text, av.document_id AS attachment_document_id, av.file_name AS attachment_name, pr.responded_at
         FROM parent_responses pr JOIN users u ON u.id = pr.user_id
         LEFT JOIN request_shares s ON s.id = pr.request_share_id
         LEFT JOIN document_versions dv ON dv.id = pr.document_version_id
         LEFT JOIN documents d ON d.id = dv.document_id
         LEFT JOIN document_versions av ON av.id = pr.attachment_version_id
         WHERE pr.pupil_id = $1 ORDER BY pr.id",
    )
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Whether a parent who still has access gave a zienswijze on the latest snapshot of this
/// request (an answer to an older version, or of a parent whose access ended, does not count).
pub async fn zienswijze_given(db: &Db, request_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM parent_responses pr JOIN request_shares s ON s.id = pr.request_share_id
         WHERE s.request_id = $1 AND pr.kind = 'zienswijze'
           AND s.id = (SELECT MAX(id) FROM request_shares WHERE request_id = $1)
           AND EXISTS (SELECT 1 FROM parent_links pl JOIN guardians g ON g.id = pl.guardian_id
                       WHERE pl.user_id = pr.user_id AND pl.pupil_id = pr.pupil_id AND pl.revoked_at IS NULL
                         AND g.parental_authority = $2)",
    )
    .bind(request_id)
    .bind(true)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// A document version of a child by its id, with its document.
pub async fn version_by_id(
    db: &Db,
    tenant_id: i64,
    pupil_id: i64,
    version_id: i64,
) -> StoreResult<Option<(i64, i64)>> {
    let row = on_db!(db, pool => sqlx::query_as::<_, (i64, i64)>(
        "SELECT v.document_id, v.version FROM document_versions v JOIN documents d ON d.id = v.document_id
         WHERE v.id = $1 AND d.pupil_id = $2 AND d.tenant_id = $3",
    )
    .bind(version_id)
    .bind(pupil_id)
    .bind(tenant_id)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}

// ---------------------------------------------------------------------------------------------
// Transparency

/// Who looked at or changed a child's data, from the audit trail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccessRow {
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// The user, if known.
    pub actor_name: Option<String>,
    /// The role they acted in.
    pub actor_role: String,
    /// read, download, create, update, …
    pub action: String,
    /// What kind of data.
    pub object_type: String,
}

/// The successful events about a child by others than `viewer`, newest first (at most
/// `limit`).
pub async fn access_log(
    db: &Db,
    tenant_id: i64,
    pupil_id: i64,
    viewer: i64,
    limit: i64,
) -> StoreResult<Vec<AccessRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, AccessRow>(
        "SELECT a.occurred_at, u.name AS actor_name, a.actor_role, a.action, a.object_type
         FROM audit_events a LEFT JOIN users u ON u.id = a.actor_id
         WHERE a.pupil_id = $1 AND (a.tenant_id = $2 OR a.tenant_id IS NULL) AND a.outcome = 'success'
           AND (a.actor_id IS NULL OR a.actor_id <> $4)
         ORDER BY a.id DESC LIMIT $3",
    )
    .bind(pupil_id)
    .bind(tenant_id)
    .bind(limit)
    .bind(viewer)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The experts asked to advise on any request of a child: (name, profession code).
pub async fn experts_of_pupil(
    db: &Db,
    pupil_id: i64,
) -> StoreResult<Vec<(String, Option<String>)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (String, Option<String>)>(
        "SELECT DISTINCT u.name, a.profession FROM advices a JOIN support_requests r ON r.id = a.request_id
         JOIN users u ON u.id = a.expert_id WHERE r.pupil_id = $1 ORDER BY u.name",
    )
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The receiving schools that see a child's TLV: named in a granted decision whose letter was
/// sent. Their location ids.
pub async fn receiving_locations(db: &Db, pupil_id: i64) -> StoreResult<Vec<i64>> {
    let rows = on_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT DISTINCT d.receiving_location_id FROM decisions d JOIN support_requests r ON r.id = d.request_id
         WHERE r.pupil_id = $1 AND d.receiving_location_id IS NOT NULL AND d.granted = $2 AND d.sent_on IS NOT NULL",
    )
    .bind(pupil_id)
    .bind(true)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The name of a school location.
pub async fn location_name(db: &Db, location_id: i64) -> StoreResult<Option<String>> {
    let name = on_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT name FROM locations WHERE id = $1")
        .bind(location_id)
        .fetch_optional(pool)
        .await)?;
    Ok(name)
}

/// A document version a parent may open: shared with the parents, or uploaded by them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VisibleVersion {
    /// The child.
    pub pupil_id: i64,
    /// Document.
    pub document_id: i64,
    /// The request it belongs to.
    pub request_id: Option<i64>,
    /// Title.
    pub title: String,
    /// Version number.
    pub version: i64,
    /// Object store key.
    pub storage_key: String,
    /// Download name.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    /// Consent asked for this version.
    pub consent_asked: bool,
}

/// The version with this id, if it was shared with the parents or uploaded by this user.
pub async fn visible_version(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    version_id: i64,
) -> StoreResult<Option<VisibleVersion>> {
    let row = on_db!(db, pool => sqlx::query_as::<_, VisibleVersion>(
        "SELECT d.pupil_id, d.id AS document_id, d.request_id, d.title, v.version, v.storage_key, v.file_name, v.content_type,
           COALESCE(s.consent_asked, $4) AS consent_asked
         FROM document_versions v JOIN documents d ON d.id = v.document_id
         LEFT JOIN document_shares s ON s.version_id = v.id
         WHERE v.id = $1 AND d.tenant_id = $2 AND (s.id IS NOT NULL OR v.uploaded_by = $3)",
    )
    .bind(version_id)
    .bind(tenant_id)
    .bind(user_id)
    .bind(false)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}
