//! Accounts: users, their school locations, single-use tokens, recovery codes, server-side
//! sessions and the sign-in throttle. Every change that matters is recorded in the audit trail in
//! the same transaction; mails that announce a change are written to the outbox in it too.
//!
//! Secrets arrive here already hashed: the web layer makes argon2id hashes of passwords and
//! SHA-256 hashes of random tokens ([`passend_domain::accounts::token_hash`]).

use crate::audit::Event;
use crate::outbox::NewMail;
use crate::{BeginWrite, Db, StoreResult, append_in_tx, enqueue_in_tx, on_db};
use chrono::{DateTime, Utc};
use passend_domain::accounts::{Role, Stage, TokenPurpose};

/// A user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct User {
    /// Row id.
    pub id: i64,
    /// Samenwerkingsverband.
    pub tenant_id: i64,
    /// E-mail address (lower case).
    pub email: String,
    /// Name.
    pub name: String,
    /// Role code.
    pub role: String,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// argon2id hash, once a password is set.
    pub password_hash: Option<String>,
    /// Base32 TOTP secret, once the second factor is set up.
    pub totp_secret: Option<String>,
    /// A TOTP secret being set up, not yet confirmed.
    pub totp_pending: Option<String>,
    /// The last TOTP step used (a code works once).
    pub totp_last_step: Option<i64>,
    /// Made at.
    pub created_at: DateTime<Utc>,
    /// Last sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

impl User {
    /// The role, if the stored code is known.
    pub fn role(&self) -> Option<Role> {
        Role::from_code(&self.role)
    }
}

macro_rules! user_columns {
    () => {
        "id, tenant_id, email, name, role, status, password_hash, totp_secret, totp_pending, totp_last_step, created_at, last_sign_in_at"
    };
}

macro_rules! insert_token_tx {
    ($tx:expr, $tenant:expr, $user:expr, $token:expr, $by:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO auth_tokens (tenant_id, user_id, purpose, token_hash, expires_at, created_at, created_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($tenant)
        .bind($user)
        .bind($token.purpose.code())
        .bind($token.token_hash)
        .bind($token.expires_at)
        .bind($now)
        .bind($by)
        .execute(&mut *$tx)
        .await?;
    };
}

macro_rules! replace_recovery_tx {
    ($tx:expr, $user:expr, $hashes:expr) => {
        sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
            .bind($user)
            .execute(&mut *$tx)
            .await?;
        for h in $hashes {
            sqlx::query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
                .bind($user)
                .bind(h)
                .execute(&mut *$tx)
                .await?;
        }
    };
}

macro_rules! insert_session_tx {
    ($tx:expr, $s:expr, $tenant:expr, $user:expr, $stage:expr, $now:expr) => {
        sqlx::query(
            "INSERT INTO sessions (id_hash, public_id, tenant_id, user_id, stage, csrf_token, created_at, last_seen_at, user_agent, origin)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)",
        )
        .bind($s.id_hash)
        .bind($s.public_id)
        .bind($tenant)
        .bind($user)
        .bind($stage.code())
        .bind($s.csrf_token)
        .bind($now)
        .bind($s.user_agent)
        .bind($s.origin)
        .execute(&mut *$tx)
        .await?;
    };
}

/// Links a user to school locations inside a transaction; an unknown location returns
/// `AccountError::UnknownLocation` from the enclosing function (the transaction is dropped).
macro_rules! link_locations_tx {
    ($tx:expr, $user:expr, $locations:expr) => {
        for location in $locations {
            let known: Option<i64> = sqlx::query_scalar("SELECT id FROM locations WHERE id = $1")
                .bind(location)
                .fetch_optional(&mut *$tx)
                .await?;
            if known.is_none() {
                return Err(AccountError::UnknownLocation);
            }
            sqlx::query(
                "INSERT INTO user_locations (user_id, location_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind($user)
            .bind(location)
            .execute(&mut *$tx)
            .await?;
        }
    };
}

/// Why an account change was refused.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// Another user of this samenwerkingsverband has this address.
    #[error("dit e-mailadres is al in gebruik")]
    EmailTaken,
    /// A school location id that does not exist.
    #[error("onbekende schoollocatie")]
    UnknownLocation,
    /// Storage.
    #[error(transparent)]
    Store(#[from] crate::StoreError),
}

impl From<sqlx::Error> for AccountError {
    fn from(e: sqlx::Error) -> Self {
        AccountError::Store(crate::StoreError::Sqlx(e))
    }
}

/// A new user with an invitation.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Samenwerkingsverband.
    pub tenant_id: i64,
    /// E-mail address, already normalised.
    pub email: &'a str,
    /// Name.
    pub name: &'a str,
    /// Role.
    pub role: Role,
    /// School locations (for school staff).
    pub location_ids: &'a [i64],
    /// Who invites (`None`: the command line or demo mode).
    pub created_by: Option<i64>,
}

/// A single-use link to write together with a change.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    /// SHA-256 of the token.
    pub token_hash: &'a str,
    /// What it is for.
    pub purpose: TokenPurpose,
    /// Until when it works.
    pub expires_at: DateTime<Utc>,
}

fn email_taken(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Makes a user with status `invited`, their school locations, the invitation token, its mail
/// and the audit event, in one transaction. Returns the new user's id.
pub async fn invite(
    db: &Db,
    user: &NewUser<'_>,
    token: &NewToken<'_>,
    mail: &NewMail<'_>,
    event: &Event<'_>,
) -> Result<i64, AccountError> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (tenant_id, email, name, role, status, created_at, created_by, updated_at)
             VALUES ($1, $2, $3, $4, 'invited', $5, $6, $5) RETURNING id",
        )
        .bind(user.tenant_id)
        .bind(user.email)
        .bind(user.name)
        .bind(user.role.code())
        .bind(now)
        .bind(user.created_by)
        .fetch_one(&mut *tx)
        .await;
        let id = match inserted {
            Ok(id) => id,
            Err(e) if email_taken(&e) => return Err(AccountError::EmailTaken),
            Err(e) => return Err(e.into()),
        };
        link_locations_tx!(tx, id, user.location_ids);
        insert_token_tx!(tx, user.tenant_id, id, token, user.created_by, now);
        enqueue_in_tx!(tx, mail);
        let object = id.to_string();
        let event = Event { object_id: &object, ..event.clone() };
        append_in_tx!(tx, &event);
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Issues a new single-use link for an existing user (a new invitation, a password reset or a
/// sign-in link): earlier unused links of the same purpose stop working. Writes the mail and the
/// audit event in the same transaction.
pub async fn issue_token(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    token: &NewToken<'_>,
    created_by: Option<i64>,
    mail: &NewMail<'_>,
    event: &Event<'_>,
) -> StoreResult<()> {
    let now = Utc::now();
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = $3 AND used_at IS NULL")
            .bind(now)
            .bind(user_id)
            .bind(token.purpose.code())
            .execute(&mut *tx)
            .await?;
        insert_token_tx!(tx, tenant_id, user_id, token, created_by, now);
        enqueue_in_tx!(tx, mail);
        append_in_tx!(tx, event);
        tx.commit().await?;
    });
    Ok(())
}

/// The user a still-valid, unused link belongs to (without using it), for showing its form.
pub async fn token_user(
    db: &Db,
    tenant_id: i64,
    token_hash: &str,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> StoreResult<Option<User>> {
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE id = (SELECT user_id FROM auth_tokens WHERE token_hash = $1 AND purpose = $2
           AND tenant_id = $3 AND used_at IS NULL AND expires_at > $4) AND status <> 'disabled'"
    );
    let user = on_db!(db, pool => sqlx::query_as::<_, User>(sql)
        .bind(token_hash)
        .bind(purpose.code())
        .bind(tenant_id)
        .bind(now)
        .fetch_optional(pool)
        .await)?;
    Ok(user)
}

/// What using a link changes.
#[derive(Debug, Clone)]
pub enum TokenUse<'a> {
    /// Set this password hash (invitation, reset); the account becomes active, every other
    /// session of the user ends, and the failed sign-ins under the throttle key (the second
    /// field) are forgotten: the user proved they hold the mailbox.
    SetPassword(&'a str, &'a str),
    /// Only sign in (a parent's e-mail link).
    SignIn,
}

/// Uses a link once: marks it used, applies the change, starts a session and records the event,
/// all in one transaction. `None` when the link is unknown, used, expired or its user disabled.
pub async fn use_token(
    db: &Db,
    tenant_id: i64,
    token_hash: &str,
    purpose: TokenPurpose,
    change: &TokenUse<'_>,
    session: &NewSession<'_>,
    event: &Event<'_>,
) -> StoreResult<Option<(User, Stage)>> {
    let now = Utc::now();
    let sql = concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1");
    let out = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE auth_tokens SET used_at = $1
             WHERE token_hash = $2 AND purpose = $3 AND tenant_id = $4 AND used_at IS NULL AND expires_at > $1
               AND user_id IN (SELECT id FROM users WHERE status <> 'disabled')
             RETURNING user_id",
        )
        .bind(now)
        .bind(token_hash)
        .bind(purpose.code())
        .bind(tenant_id)
        .fetch_optional(&mut *tx)
        .await?;
        match user_id {
            None => None,
            Some(user_id) => {
                // Every other unused link of the user stops working once one is used.
                sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                    .bind(now)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if let TokenUse::SetPassword(hash, throttle_key) = change {
                    sqlx::query("DELETE FROM sign_in_failures WHERE throttle_key = $1")
                        .bind(*throttle_key)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE users SET password_hash = $1, status = 'active', updated_at = $2 WHERE id = $3")
                        .bind(*hash)
                        .bind(now)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                } else {
                    // A parent invited by the school may sign in with a link before ever
                    // choosing a password: the account is in use from then on.
                    sqlx::query("UPDATE users SET status = 'active', updated_at = $1 WHERE id = $2 AND status = 'invited'")
                        .bind(now)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let user = sqlx::query_as::<_, User>(sql).bind(user_id).fetch_one(&mut *tx).await?;
                let Some(role) = user.role() else {
                    return Ok(None);
                };
                let stage = passend_domain::accounts::stage_after_first_factor(role, user.totp_secret.is_some());
                insert_session_tx!(tx, session, tenant_id, user_id, stage, now);
                if stage == Stage::Full {
                    sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
                        .bind(now)
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                }
                let event = Event { actor_id: Some(user_id), actor_role: role.code(), ..event.clone() };
                append_in_tx!(tx, &event);
                tx.commit().await?;
                Some((user, stage))
            }
        }
    });
    Ok(out)
}

/// A user by e-mail address within a samenwerkingsverband.
pub async fn user_by_email(db: &Db, tenant_id: i64, email: &str) -> StoreResult<Option<User>> {
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE tenant_id = $1 AND email = $2"
    );
    let user = on_db!(db, pool => sqlx::query_as::<_, User>(sql)
        .bind(tenant_id)
        .bind(email)
        .fetch_optional(pool)
        .await)?;
    Ok(user)
}

/// A user by id within a samenwerkingsverband (another tenant's user is `None`).
pub async fn user(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<User>> {
    let sql = concat!(
        "SELECT ",
        user_columns!(),
        " FROM users WHERE tenant_id = $1 AND id = $2"
    );
    let user = crate::one_by_ids::<User>(db, sql, &[tenant_id, id]).await?;
    Ok(user)
}

/// A user in a list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRow {
    /// Row id.
    pub id: i64,
    /// E-mail address.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role code.
    pub role: String,
    /// Status.
    pub status: String,
    /// Whether a second factor is set up.
    pub has_totp: bool,
    /// Last sign-in.
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

/// The users of a samenwerkingsverband, optionally of one role and status or matching a search
/// in name or address; by name.
pub async fn users(
    db: &Db,
    tenant_id: i64,
    role: Option<&str>,
    status: Option<&str>,
    search: Option<&str>,
) -> StoreResult<Vec<UserRow>> {
    let like = search.map(|s| format!("%{}%", s.to_lowercase()));
    let rows = on_db!(db, pool => sqlx::query_as::<_, UserRow>(
        "SELECT id, email, name, role, status, (totp_secret IS NOT NULL) AS has_totp, last_sign_in_at
         FROM users WHERE tenant_id = $1 AND ($2 IS NULL OR role = $2) AND ($3 IS NULL OR status = $3)
           AND ($4 IS NULL OR LOWER(name) LIKE $4 OR email LIKE $4)
         ORDER BY LOWER(name), id",
    )
    .bind(tenant_id)
    .bind(role)
    .bind(status)
    .bind(like)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A school location linked to a user.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkedLocation {
    /// Row id.
    pub id: i64,
    /// Vestigingscode.
    pub code: String,
    /// Name.
    pub name: String,
    /// Place.
    pub place: String,
}

/// The school locations of a user.
pub async fn user_locations(db: &Db, user_id: i64) -> StoreResult<Vec<LinkedLocation>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, LinkedLocation>(
        "SELECT l.id, l.code, l.name, l.place FROM user_locations ul JOIN locations l ON l.id = ul.location_id
         WHERE ul.user_id = $1 ORDER BY l.name, l.code",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Changes a user's name, role and school locations; records the event.
pub async fn update_user(
    db: &Db,
    tenant_id: i64,
    id: i64,
    name: &str,
    role: Role,
    location_ids: &[i64],
    event: &Event<'_>,
) -> Result<bool, AccountError> {
    let now = Utc::now();
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let old_role: Option<String> = sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND tenant_id = $2")
            .bind(id)
            .bind(tenant_id)
            .fetch_optional(&mut *tx)
            .await?;
        if old_role.as_deref().is_some_and(|r| r != role.code()) {
            // Another role needs a new sign-in (a parent's session must not become a staff
            // session without the second factor); unused links die with it.
            sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
                .bind(now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        let n = sqlx::query("UPDATE users SET name = $1, role = $2, updated_at = $3 WHERE id = $4 AND tenant_id = $5")
            .bind(name)
            .bind(role.code())
            .bind(now)
            .bind(id)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            false
        } else {
            sqlx::query("DELETE FROM user_locations WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            link_locations_tx!(tx, id, location_ids);
            append_in_tx!(tx, event);
            tx.commit().await?;
            true
        }
    });
    Ok(done)
}

/// Disables or enables an account. Disabling ends every session of the user and voids their
/// unused links at once.
pub async fn set_disabled(
    db: &Db,
    tenant_id: i64,
    id: i64,
    disabled: bool,
    event: &Event<'_>,
) -> StoreResult<bool> {
    let now = Utc::now();
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Links first, then the user: the same lock order as `use_token`, which makes a
        // deadlock on PostgreSQL less likely (a deadlock aborts one transaction, never half).
        if disabled {
            sqlx::query(
                "UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL
                   AND user_id IN (SELECT id FROM users WHERE tenant_id = $3)",
            )
            .bind(now)
            .bind(id)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?;
        }
        let n = if disabled {
            sqlx::query("UPDATE users SET status = 'disabled', updated_at = $1 WHERE id = $2 AND tenant_id = $3")
                .bind(now)
                .bind(id)
                .bind(tenant_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        } else {
            sqlx::query(
                "UPDATE users SET status = CASE WHEN password_hash IS NULL THEN 'invited' ELSE 'active' END, updated_at = $1
                 WHERE id = $2 AND tenant_id = $3",
            )
            .bind(now)
            .bind(id)
            .bind(tenant_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
        };
        if n == 0 {
            false
        } else {
            if disabled {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
            }
            append_in_tx!(tx, event);
            tx.commit().await?;
            true
        }
    });
    Ok(done)
}

/// Sets a new password (changed by the user): ends every other session of the user.
pub async fn set_password(
    db: &Db,
    user_id: i64,
    password_hash: &str,
    keep_session: &str,
    event: &Event<'_>,
) -> StoreResult<()> {
    let now = Utc::now();
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Links first, then the user: the lock order of `use_token`.
        sqlx::query("UPDATE auth_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(now)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep_session)
            .execute(&mut *tx)
            .await?;
        append_in_tx!(tx, event);
        tx.commit().await?;
    });
    Ok(())
}

/// Starts setting up a second factor: keeps the secret as pending until a code confirms it.
pub async fn set_totp_pending(db: &Db, user_id: i64, secret: &str) -> StoreResult<()> {
    on_db!(db, pool => sqlx::query("UPDATE users SET totp_pending = $1 WHERE id = $2")
        .bind(secret)
        .bind(user_id)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Confirms the pending second factor with the step its first code used, stores the hashes of
/// new recovery codes (replacing old ones) and raises the session to `Full` under a new id.
#[allow(clippy::too_many_arguments)]
pub async fn confirm_totp(
    db: &Db,
    user_id: i64,
    secret: &str,
    step: i64,
    recovery_hashes: &[String],
    old_session: &str,
    session: &NewSession<'_>,
    event: &Event<'_>,
) -> StoreResult<bool> {
    let now = Utc::now();
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let row: Option<i64> = sqlx::query_scalar(
            "UPDATE users SET totp_secret = $1, totp_pending = NULL, totp_last_step = $2, updated_at = $3, last_sign_in_at = $3
             WHERE id = $4 AND totp_pending = $1 RETURNING tenant_id",
        )
        .bind(secret)
        .bind(step)
        .bind(now)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        match row {
            None => false,
            Some(tenant_id) => {
                replace_recovery_tx!(tx, user_id, recovery_hashes);
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(old_session).execute(&mut *tx).await?;
                insert_session_tx!(tx, session, tenant_id, user_id, Stage::Full, now);
                append_in_tx!(tx, event);
                tx.commit().await?;
                true
            }
        }
    });
    Ok(done)
}

/// Replaces a user's recovery codes.
pub async fn replace_recovery_codes(
    db: &Db,
    user_id: i64,
    hashes: &[String],
    event: &Event<'_>,
) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        replace_recovery_tx!(tx, user_id, hashes);
        append_in_tx!(tx, event);
        tx.commit().await?;
    });
    Ok(())
}

/// How many unused recovery codes a user has.
pub async fn recovery_codes_left(db: &Db, user_id: i64) -> StoreResult<i64> {
    let n = on_db!(db, pool => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await)?;
    Ok(n)
}

/// Removes a user's second factor (a beheerder's help after a lost phone): they must set up a
/// new one at their next sign-in. Ends their sessions.
pub async fn reset_totp(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    event: &Event<'_>,
) -> StoreResult<bool> {
    let now = Utc::now();
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query(
            "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, updated_at = $1
             WHERE id = $2 AND tenant_id = $3",
        )
        .bind(now)
        .bind(user_id)
        .bind(tenant_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 0 {
            false
        } else {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
            append_in_tx!(tx, event);
            tx.commit().await?;
            true
        }
    });
    Ok(done)
}

/// How a second-factor code was accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecondFactor {
    /// A TOTP code for this step.
    Totp(i64),
    /// A recovery code with this hash.
    Recovery,
}

/// Completes the second step: takes the TOTP step (only if later than the last one used, so a
/// code works once even with two requests at the same moment) or uses a recovery code, then
/// replaces the session by a `Full` one under a new id. `false` if the code was already used.
#[allow(clippy::too_many_arguments)]
pub async fn complete_second_factor(
    db: &Db,
    user_id: i64,
    factor: SecondFactor,
    recovery_hash: &str,
    attempt: &[i64],
    old_session: &str,
    session: &NewSession<'_>,
    event: &Event<'_>,
) -> StoreResult<bool> {
    let now = Utc::now();
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let taken = match factor {
            SecondFactor::Totp(step) => sqlx::query(
                "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
            )
            .bind(step)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            SecondFactor::Recovery => sqlx::query(
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
            )
            .bind(now)
            .bind(user_id)
            .bind(recovery_hash)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        let tenant_id: Option<i64> = sqlx::query_scalar("SELECT tenant_id FROM sessions WHERE id_hash = $1 AND user_id = $2")
            .bind(old_session)
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
        match (taken, tenant_id) {
            (1, Some(tenant_id)) => {
                sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(old_session).execute(&mut *tx).await?;
                insert_session_tx!(tx, session, tenant_id, user_id, Stage::Full, now);
                sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2").bind(now).bind(user_id).execute(&mut *tx).await?;
                for id in attempt {
                    sqlx::query("DELETE FROM sign_in_failures WHERE id = $1").bind(id).execute(&mut *tx).await?;
                }
                append_in_tx!(tx, event);
                tx.commit().await?;
                true
            }
            _ => false,
        }
    });
    Ok(done)
}

/// A new session.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    /// SHA-256 of the cookie token.
    pub id_hash: &'a str,
    /// A random id to name the session in lists (not the cookie).
    pub public_id: &'a str,
    /// The anti-CSRF token of the session's forms.
    pub csrf_token: &'a str,
    /// Browser, shortened.
    pub user_agent: &'a str,
    /// Network address.
    pub origin: &'a str,
}

/// Starts a session after the first factor (password) and records the sign-in; takes back the
/// rows of the attempt that succeeded (never other failures).
pub async fn start_session(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    stage: Stage,
    session: &NewSession<'_>,
    attempt: &[i64],
    event: &Event<'_>,
) -> StoreResult<()> {
    let now = Utc::now();
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        insert_session_tx!(tx, session, tenant_id, user_id, stage, now);
        if stage == Stage::Full {
            sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2").bind(now).bind(user_id).execute(&mut *tx).await?;
        }
        // The attempt that succeeded was no failure; failures that raced with it still count.
        for id in attempt {
            sqlx::query("DELETE FROM sign_in_failures WHERE id = $1").bind(id).execute(&mut *tx).await?;
        }
        append_in_tx!(tx, event);
        tx.commit().await?;
    });
    Ok(())
}

/// A session with its user, as the web layer checks it on every request.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionUser {
    /// SHA-256 of the cookie token.
    pub id_hash: String,
    /// Public id.
    pub public_id: String,
    /// Tenant of the session.
    pub tenant_id: i64,
    /// Stage code.
    pub stage: String,
    /// Anti-CSRF token.
    pub csrf_token: String,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// User id.
    pub user_id: i64,
    /// Role code.
    pub role: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// User status.
    pub status: String,
}

/// A session by the hash of its cookie token, with its user.
pub async fn session(db: &Db, id_hash: &str) -> StoreResult<Option<SessionUser>> {
    let row = on_db!(db, pool => sqlx::query_as::<_, SessionUser>(
        "SELECT s.id_hash, s.public_id, s.tenant_id, s.stage, s.csrf_token, s.created_at, s.last_seen_at,
                u.id AS user_id, u.role, u.name, u.email, u.status
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}

/// Notes a request in a session (for the idle timeout).
pub async fn touch_session(db: &Db, id_hash: &str, now: DateTime<Utc>) -> StoreResult<()> {
    on_db!(db, pool => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2")
        .bind(now)
        .bind(id_hash)
        .execute(pool)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Ends one session (sign-out, timeout). Records the event when given.
pub async fn end_session(db: &Db, id_hash: &str, event: Option<&Event<'_>>) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *tx).await?;
        if let Some(event) = event {
            append_in_tx!(tx, event);
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Ends a user's session named by its public id; `false` if it is not theirs.
pub async fn end_session_by_public_id(
    db: &Db,
    user_id: i64,
    public_id: &str,
    event: &Event<'_>,
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND public_id = $2")
            .bind(user_id)
            .bind(public_id),
        {
            append_in_tx!(tx, event);
        })
    });
    Ok(done)
}

/// Ends every session of a user but `keep` (log out everywhere else). Returns how many ended.
pub async fn end_other_sessions(
    db: &Db,
    user_id: i64,
    keep: &str,
    event: &Event<'_>,
) -> StoreResult<u64> {
    let n = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        append_in_tx!(tx, event);
        tx.commit().await?;
        n
    });
    Ok(n)
}

/// A session in the user's own list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// SHA-256 of the cookie token (to mark the current one; never shown).
    pub id_hash: String,
    /// Public id.
    pub public_id: String,
    /// Started.
    pub created_at: DateTime<Utc>,
    /// Last request.
    pub last_seen_at: DateTime<Utc>,
    /// Browser.
    pub user_agent: String,
    /// Network address.
    pub origin: String,
    /// Stage code (`full` when signing in was finished).
    pub stage: String,
}

/// The sessions of a user, newest first.
pub async fn sessions_of(db: &Db, user_id: i64) -> StoreResult<Vec<SessionRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, SessionRow>(
        "SELECT id_hash, public_id, created_at, last_seen_at, user_agent, origin, stage FROM sessions
         WHERE user_id = $1 ORDER BY created_at DESC",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Removes sessions that can no longer be used (idle or past their absolute end).
pub async fn prune_sessions(
    db: &Db,
    idle_before: DateTime<Utc>,
    started_before: DateTime<Utc>,
) -> StoreResult<u64> {
    let n = on_db!(db, pool => sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2")
        .bind(idle_before)
        .bind(started_before)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n)
}

/// A limit on attempts under one throttle key.
#[derive(Debug, Clone, Copy)]
pub struct Limit<'a> {
    /// The key (an account, a network address, a user's second factor, a mailbox).
    pub key: &'a str,
    /// How many attempts in which window.
    pub rule: passend_domain::accounts::Throttle,
    /// Whether this attempt counts under the key (`false`: the key is only checked).
    pub counts: bool,
}

/// Counts an attempt before it is checked, atomically: in one transaction every key's row in
/// `throttle_keys` is taken first (on PostgreSQL a row lock that serialises attempts for one key;
/// on SQLite the write lock does), then the attempts in each window are counted, and only when no
/// key is at its limit is this attempt added under every counting key. So a burst of parallel
/// requests can never be evaluated more often than the limit allows. Returns the ids of the
/// attempt's rows (to forget them when it succeeds), or how long to wait.
pub async fn take_attempt(
    db: &Db,
    limits: &[Limit<'_>],
    now: DateTime<Utc>,
) -> StoreResult<Result<Vec<i64>, std::time::Duration>> {
    let mut sorted: Vec<&Limit<'_>> = limits.iter().collect();
    // One order for every transaction, so two attempts never wait for each other's keys.
    sorted.sort_by(|a, b| a.key.cmp(b.key));
    sorted.dedup_by(|a, b| a.key == b.key);
    let longest = sorted
        .iter()
        .map(|l| l.rule.window)
        .max()
        .unwrap_or_default();
    let prune = now - chrono::Duration::from_std(longest * 2).unwrap_or_default();
    // The longest wait any key asks for now, read through `$exec`; `None`: no key is at its
    // limit.
    macro_rules! longest_wait {
        ($exec:expr) => {{
            let mut wait: Option<std::time::Duration> = None;
            for l in &sorted {
                let since = now - chrono::Duration::from_std(l.rule.window).unwrap_or_default();
                let (count, oldest) = sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(
                    "SELECT COUNT(*), MIN(failed_at) FROM sign_in_failures WHERE throttle_key = $1 AND failed_at > $2",
                )
                .bind(l.key)
                .bind(since)
                .fetch_one($exec)
                .await?;
                let since_first = oldest
                    .map(|o| (now - o).to_std().unwrap_or_default())
                    .unwrap_or_default();
                if let Some(w) = l.rule.wait(u32::try_from(count).unwrap_or(u32::MAX), since_first) {
                    wait = Some(wait.map_or(w, |x| x.max(w)));
                }
            }
            wait
        }};
    }
    let out = on_db!(db, pool => {
        // First a look without the write lock: a flood of attempts for a key at its limit is
        // turned away without queueing for the lock. Only the check below, in the
        // transaction, lets an attempt through.
        if let Some(w) = longest_wait!(pool) {
            return Ok(Err(w));
        }
        let mut tx = pool.begin_write().await?;
        for l in &sorted {
            sqlx::query(
                "INSERT INTO throttle_keys (throttle_key, touched_at) VALUES ($1, $2)
                 ON CONFLICT (throttle_key) DO UPDATE SET touched_at = excluded.touched_at",
            )
            .bind(l.key)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        let wait = longest_wait!(&mut *tx);
        match wait {
            Some(w) => {
                tx.rollback().await?;
                Err(w)
            }
            None => {
                let mut ids = Vec::new();
                for l in sorted.iter().filter(|l| l.counts) {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO sign_in_failures (throttle_key, failed_at) VALUES ($1, $2) RETURNING id",
                    )
                    .bind(l.key)
                    .bind(now)
                    .fetch_one(&mut *tx)
                    .await?;
                    ids.push(id);
                }
                // Old rows of these keys only: rows of other keys are locked by their own
                // attempts (touching them here could make two attempts wait for each other);
                // the hourly job prunes the rest ([`prune_attempts`]).
                for l in &sorted {
                    sqlx::query(
                        "DELETE FROM sign_in_failures WHERE throttle_key = $1 AND failed_at < $2",
                    )
                    .bind(l.key)
                    .bind(prune)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(ids)
            }
        }
    });
    Ok(out)
}

/// Removes attempts and keys older than `before` (the hourly job; twice the longest window is
/// safe). Returns how many attempts went.
pub async fn prune_attempts(db: &Db, before: DateTime<Utc>) -> StoreResult<u64> {
    let n = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = sqlx::query("DELETE FROM sign_in_failures WHERE failed_at < $1")
            .bind(before)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        sqlx::query(
            "DELETE FROM throttle_keys WHERE touched_at < $1
             AND NOT EXISTS (SELECT 1 FROM sign_in_failures f WHERE f.throttle_key = throttle_keys.throttle_key)",
        )
        .bind(before)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        n
    });
    Ok(n)
}

/// Takes back the rows of an attempt that succeeded: it was no failure. Only these rows: a
/// success never clears failures that raced with it.
pub async fn forget_attempt(db: &Db, ids: &[i64]) -> StoreResult<()> {
    if ids.is_empty() {
        return Ok(());
    }
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        for id in ids {
            sqlx::query("DELETE FROM sign_in_failures WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

/// Failed sign-ins for a key since `since`: how many, and when the oldest was.
pub async fn failures_since(
    db: &Db,
    key: &str,
    since: DateTime<Utc>,
) -> StoreResult<(i64, Option<DateTime<Utc>>)> {
    let row = on_db!(db, pool => sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(
        "SELECT COUNT(*), MIN(failed_at) FROM sign_in_failures WHERE throttle_key = $1 AND failed_at > $2",
    )
    .bind(key)
    .bind(since)
    .fetch_one(pool)
    .await)?;
    Ok(row)
}

/// A user with credentials already set: demo accounts and test fixtures. The password hash and
/// TOTP secret arrive ready; the account is active at once.
#[derive(Debug, Clone)]
pub struct ReadyUser<'a> {
    /// The user.
    pub user: NewUser<'a>,
    /// argon2id hash.
    pub password_hash: &'a str,
    /// Base32 TOTP secret, if any.
    pub totp_secret: Option<&'a str>,
}

/// Makes an active user with credentials (or returns the existing one's id, unchanged).
pub async fn ensure_ready_user(
    db: &Db,
    u: &ReadyUser<'_>,
    event: &Event<'_>,
) -> Result<i64, AccountError> {
    if let Some(existing) = user_by_email(db, u.user.tenant_id, u.user.email).await? {
        return Ok(existing.id);
    }
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO users (tenant_id, email, name, role, status, password_hash, totp_secret, created_at, created_by, updated_at)
             VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, $7) RETURNING id",
        )
        .bind(u.user.tenant_id)
        .bind(u.user.email)
        .bind(u.user.name)
        .bind(u.user.role.code())
        .bind(u.password_hash)
        .bind(u.totp_secret)
        .bind(now)
        .bind(u.user.created_by)
        .fetch_one(&mut *tx)
        .await?;
        for location in u.user.location_ids {
            sqlx::query("INSERT INTO user_locations (user_id, location_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(location)
                .execute(&mut *tx)
                .await?;
        }
        let object = id.to_string();
        let event = Event { object_id: &object, ..event.clone() };
        append_in_tx!(tx, &event);
        tx.commit().await?;
        id
    });
    Ok(id)
}
