//! The Oudersteunpunt's confidential caseload.
//!
//! Only the web layer's ouderadviseur routes call the case functions. Nothing here writes to
//! `audit_events` (the beheerder's audit viewer would show that a case exists): every read and
//! change goes into the Oudersteunpunt's own append-only `steunpunt_log`. Mails about cases are
//! marked `confidential`, so the beheerder's mail queue neither lists nor counts them.

use crate::casework::Actor;
use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// The name of the site key that signs the contact form (its row also serialises submissions).
pub const FORM_KEY: &str = "oudersteunpunt-formulier";

/// The key with this name, made (random, 512 bits) on first use. A read after that: only the
/// first use writes.
pub async fn site_key(db: &Db, name: &str) -> StoreResult<String> {
    let known: Option<String> = on_db!(db, pool => sqlx::query_scalar("SELECT value FROM site_keys WHERE name = $1")
        .bind(name)
        .fetch_optional(pool)
        .await)?;
    if let Some(key) = known {
        return Ok(key);
    }
    let fresh: String = (0..4)
        .map(|_| uuid::Uuid::new_v4().simple().to_string())
        .collect();
    let key = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("INSERT INTO site_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(&fresh)
            .execute(&mut *tx)
            .await?;
        let value: String = sqlx::query_scalar("SELECT value FROM site_keys WHERE name = $1")
            .bind(name)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        value
    });
    Ok(key)
}

/// A mail about a case (never its content: a reference and a link at most), shaped like every
/// notice; only the outbox row differs (`confidential`).
pub type ConfidentialMail = crate::casework::Notice;

macro_rules! enqueue_confidential_tx {
    ($tx:expr, $tenant:expr, $mails:expr) => {{
        let mails: &[ConfidentialMail] = $mails;
        let now = Utc::now();
        for m in mails {
            sqlx::query(
                "INSERT INTO email_outbox (tenant_id, idempotency_key, to_address, subject, body_text, status, attempts,
                   next_attempt_at, created_at, confidential)
                 VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $6, $7)
                 ON CONFLICT (idempotency_key) DO NOTHING",
            )
            .bind($tenant)
            .bind(&m.key)
            .bind(&m.to)
            .bind(&m.subject)
            .bind(&m.body)
            .bind(now)
            .bind(true)
            .execute(&mut *$tx)
            .await?;
        }
    }};
}

macro_rules! log_tx {
    ($tx:expr, $tenant:expr, $actor_id:expr, $actor_name:expr, $actor_role:expr, $action:expr, $outcome:expr, $case_id:expr, $origin:expr, $request_id:expr, $detail:expr) => {{
        let tenant: i64 = $tenant;
        let actor_id: Option<i64> = $actor_id;
        let case_id: Option<i64> = $case_id;
        let (last_id, last_hash): (i64, String) = sqlx::query_as(
            "UPDATE steunpunt_log_head SET last_id = last_id WHERE id = 1 RETURNING last_id, last_hash",
        )
        .fetch_one(&mut *$tx)
        .await?;
        let id = last_id + 1;
        let (at, at_text) = crate::audit::timestamp(Utc::now());
        let object_id = case_id.map(|c| c.to_string()).unwrap_or_else(|| "-".to_owned());
        let fields = LogFields {
            id,
            tenant_id: tenant,
            occurred_at: &at_text,
            actor_id,
            actor_role: $actor_role,
            action: $action,
            outcome: $outcome,
            object_id: &object_id,
            origin: $origin,
            request_id: $request_id,
            detail: $detail,
        };
        let new_hash = fields.hash(&last_hash);
        sqlx::query(
            "INSERT INTO steunpunt_log (id, tenant_id, occurred_at, actor_id, actor_name, actor_role, action, outcome, case_id, origin,
               request_id, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        )
        .bind(id)
        .bind(tenant)
        .bind(at)
        .bind(actor_id)
        .bind($actor_name)
        .bind($actor_role)
        .bind($action)
        .bind($outcome)
        .bind(case_id)
        .bind($origin)
        .bind($request_id)
        .bind($detail)
        .bind(&last_hash)
        .bind(&new_hash)
        .execute(&mut *$tx)
        .await?;
        sqlx::query("UPDATE steunpunt_log_head SET last_id = $1, last_hash = $2 WHERE id = 1")
            .bind(id)
            .bind(&new_hash)
            .execute(&mut *$tx)
            .await?;
    }};
}

/// What the log's hash covers (the actor's name is shown, not hashed: ids are what count).
struct LogFields<'a> {
    id: i64,
    tenant_id: i64,
    occurred_at: &'a str,
    actor_id: Option<i64>,
    actor_role: &'a str,
    action: &'a str,
    outcome: &'a str,
    object_id: &'a str,
    origin: &'a str,
    request_id: &'a str,
    detail: &'a str,
}

impl LogFields<'_> {
    /// The hash, with the audit trail's function (object type `steunpunt-zaak`).
    fn hash(&self, prev_hash: &str) -> String {
        passend_domain::audit::hash(
            prev_hash,
            &passend_domain::audit::Fields {
                id: self.id,
                tenant_id: Some(self.tenant_id),
                occurred_at: self.occurred_at,
                actor_id: self.actor_id,
                actor_role: self.actor_role,
                on_behalf_of: None,
                action: self.action,
                object_type: "steunpunt-zaak",
                object_id: self.object_id,
                pupil_id: None,
                outcome: self.outcome,
                origin: self.origin,
                request_id: self.request_id,
                detail: self.detail,
            },
        )
    }
}

/// A stored line of the log, as the verifier reads it.
#[derive(Debug, Clone, sqlx::FromRow)]
struct StoredLine {
    id: i64,
    tenant_id: i64,
    occurred_at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_role: String,
    action: String,
    outcome: String,
    case_id: Option<i64>,
    origin: String,
    request_id: String,
    detail: String,
    prev_hash: String,
    hash: String,
}

/// Checks the Oudersteunpunt's log chain like [`crate::audit::verify`]: every line in order,
/// linked to the one before, unchanged, and the head at the end.
pub async fn verify_log(db: &Db) -> StoreResult<crate::audit::Verification> {
    let (last_id, last_hash): (i64, String) = on_db!(db, pool => sqlx::query_as(
        "SELECT last_id, last_hash FROM steunpunt_log_head WHERE id = 1",
    )
    .fetch_one(pool)
    .await)?;
    let mut checked = 0u64;
    let mut expected_prev = passend_domain::audit::GENESIS.to_owned();
    let mut expected_id = 1i64;
    const PAGE: i64 = 1000;
    let problem = |id: i64, what: &str, checked: u64| crate::audit::Verification {
        checked,
        problem: Some((id, what.to_owned())),
    };
    loop {
        let page = on_db!(db, pool => sqlx::query_as::<_, StoredLine>(
            "SELECT id, tenant_id, occurred_at, actor_id, actor_role, action, outcome, case_id, origin, request_id, detail, prev_hash, hash
             FROM steunpunt_log WHERE id >= $1 AND id <= $3 ORDER BY id LIMIT $2",
        )
        .bind(expected_id)
        .bind(PAGE)
        .bind(last_id)
        .fetch_all(pool)
        .await)?;
        let done = (page.len() as i64) < PAGE;
        for l in page {
            if l.id != expected_id {
                return Ok(problem(expected_id, "ontbreekt", checked));
            }
            if l.prev_hash != expected_prev {
                return Ok(problem(
                    l.id,
                    "de koppeling met de vorige regel klopt niet",
                    checked,
                ));
            }
            let (_, at) = crate::audit::timestamp(l.occurred_at);
            let object_id = l
                .case_id
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".to_owned());
            let fields = LogFields {
                id: l.id,
                tenant_id: l.tenant_id,
                occurred_at: &at,
                actor_id: l.actor_id,
                actor_role: &l.actor_role,
                action: &l.action,
                outcome: &l.outcome,
                object_id: &object_id,
                origin: &l.origin,
                request_id: &l.request_id,
                detail: &l.detail,
            };
            if fields.hash(&l.prev_hash) != l.hash {
                return Ok(problem(l.id, "de inhoud is gewijzigd", checked));
            }
            checked += 1;
            expected_prev = l.hash;
            expected_id += 1;
        }
        if done {
            break;
        }
    }
    if last_id != expected_id - 1 || last_hash != expected_prev {
        return Ok(problem(
            last_id,
            "het einde van de keten ontbreekt",
            checked,
        ));
    }
    Ok(crate::audit::Verification {
        checked,
        problem: None,
    })
}

/// A new case, from the public form or entered by an adviser.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    /// `formulier`, `telefoon`, `e-mail`, `gesprek`.
    pub channel: String,
    /// Category code.
    pub category: String,
    /// Theme code.
    pub theme: String,
    /// The parent's name (may be a first name only).
    pub name: String,
    /// E-mail address (may be empty when a phone number is given).
    pub email: String,
    /// Phone number.
    pub phone: String,
    /// Would like to be called back.
    pub callback: bool,
    /// When a call suits.
    pub callback_when: String,
    /// The child's school, if they want to say.
    pub school: String,
    /// Their message.
    pub message: String,
    /// `nl` or `en`.
    pub language: String,
}

/// Why a public submission was not taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Too many from this network address or its network in the last hour.
    Throttled,
    /// The form's token was used before for other content.
    TokenUsed,
}

/// The limits of the public form, per hour.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Per network address (IPv6 per /64).
    pub per_address: i64,
    /// Per network (IPv4 /24, IPv6 /48).
    pub per_network: i64,
    /// For the whole site: above it cases are still taken, but the advisers are not mailed per
    /// case (a flood must not shut the form for parents, nor fill the advisers' inboxes).
    pub quiet_above: i64,
    /// Confirmation mails to one address.
    pub mails_per_recipient: i64,
}

/// Keyed hashes of who sent a form and what, for the limits and for resubmission.
#[derive(Debug, Clone)]
pub struct Submission<'a> {
    /// The network address.
    pub origin_hash: &'a str,
    /// The network it is in.
    pub network_hash: &'a str,
    /// The form's token.
    pub token_hash: &'a str,
    /// What was sent.
    pub content_hash: &'a str,
}

/// Takes a case from the public form, in one transaction: the limits, the submission, the case,
/// the log line and the mails. `references` are tried in order until one is free; `mails` gets
/// (id, reference, whether to mail the parent, whether to mail the advisers). The same form sent
/// again with the same content returns the case it made the first time; with other content it
/// is refused. Submissions are serialised (the form key's row is taken first), so the limits hold
/// on PostgreSQL too.
#[allow(clippy::too_many_arguments)]
pub async fn submit(
    db: &Db,
    tenant_id: i64,
    case: &NewCase,
    sub: &Submission<'_>,
    limits: Limits,
    references: &[String],
    mails: impl Fn(i64, &str, bool, bool) -> Vec<ConfidentialMail>,
    request_id: &str,
) -> StoreResult<Result<(i64, String), Refused>> {
    let now = Utc::now();
    let hour_ago = now - Duration::hours(1);
    let out = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("UPDATE site_keys SET value = value WHERE name = $1")
            .bind(FORM_KEY)
            .execute(&mut *tx)
            .await?;
        let before: Option<(String, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT s.content_hash, c.id, c.reference FROM contact_submissions s LEFT JOIN steunpunt_cases c ON c.id = s.case_id
             WHERE s.tenant_id = $1 AND s.token_hash = $2",
        )
        .bind(tenant_id)
        .bind(sub.token_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let (mine, network, all, to_recipient): (i64, i64, i64, i64) = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM contact_submissions WHERE origin_hash = $1 AND submitted_at > $3),
                    (SELECT COUNT(*) FROM contact_submissions WHERE network_hash = $2 AND submitted_at > $3),
                    (SELECT COUNT(*) FROM contact_submissions WHERE tenant_id = $4 AND submitted_at > $3),
                    (SELECT COUNT(*) FROM steunpunt_cases WHERE tenant_id = $4 AND email = $5 AND email <> '' AND received_at > $3)",
        )
        .bind(sub.origin_hash)
        .bind(sub.network_hash)
        .bind(hour_ago)
        .bind(tenant_id)
        .bind(&case.email)
        .fetch_one(&mut *tx)
        .await?;
        match before {
            Some((content, Some(id), Some(reference))) if content == sub.content_hash => Ok((id, reference)),
            Some(_) => Err(Refused::TokenUsed),
            None if mine >= limits.per_address || network >= limits.per_network => Err(Refused::Throttled),
            None => {
                let mut made = None;
                for reference in references {
                    let id: Option<i64> = sqlx::query_scalar(
                        "INSERT INTO steunpunt_cases (tenant_id, reference, received_at, channel, category, theme, name, email, phone,
                           callback, callback_when, school, message, language, status, updated_at, version)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'nieuw', $3, 1)
                         ON CONFLICT (reference) DO NOTHING RETURNING id",
                    )
                    .bind(tenant_id)
                    .bind(reference)
                    .bind(now)
                    .bind(&case.channel)
                    .bind(&case.category)
                    .bind(&case.theme)
                    .bind(&case.name)
                    .bind(&case.email)
                    .bind(&case.phone)
                    .bind(case.callback)
                    .bind(&case.callback_when)
                    .bind(&case.school)
                    .bind(&case.message)
                    .bind(&case.language)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if let Some(id) = id {
                        made = Some((id, reference.clone()));
                        break;
                    }
                }
                let Some((id, reference)) = made else {
                    return Err(sqlx::Error::Protocol("no free reference number".to_owned()).into());
                };
                sqlx::query(
                    "INSERT INTO contact_submissions (tenant_id, origin_hash, network_hash, token_hash, content_hash, case_id, submitted_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(tenant_id)
                .bind(sub.origin_hash)
                .bind(sub.network_hash)
                .bind(sub.token_hash)
                .bind(sub.content_hash)
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                log_tx!(tx, tenant_id, None::<i64>, "ouder (contactformulier)", "anoniem", "create", "success", Some(id), "-", request_id, "contactformulier");
                let list = mails(
                    id,
                    &reference,
                    to_recipient < limits.mails_per_recipient,
                    all < limits.quiet_above,
                );
                enqueue_confidential_tx!(tx, tenant_id, &list);
                tx.commit().await?;
                Ok((id, reference))
            }
        }
    });
    Ok(out)
}

/// A case as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Case {
    /// Id.
    pub id: i64,
    /// Reference number.
    pub reference: String,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// Channel code.
    pub channel: String,
    /// Category code.
    pub category: String,
    /// Theme code.
    pub theme: String,
    /// Name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
    /// Callback wanted.
    pub callback: bool,
    /// When to call.
    pub callback_when: String,
    /// School.
    pub school: String,
    /// Message.
    pub message: String,
    /// Language.
    pub language: String,
    /// Status code.
    pub status: String,
    /// The adviser who has it.
    pub adviser_id: Option<i64>,
    /// Their name.
    pub adviser_name: Option<String>,
    /// Follow up on.
    pub follow_up_on: Option<NaiveDate>,
    /// Closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Version.
    pub version: i64,
}

macro_rules! case_select {
    () => {
        "SELECT c.id, c.reference, c.received_at, c.channel, c.category, c.theme, c.name, c.email, c.phone, c.callback,
           c.callback_when, c.school, c.message, c.language, c.status, c.adviser_id, u.name AS adviser_name,
           c.follow_up_on, c.closed_at, c.version
         FROM steunpunt_cases c LEFT JOIN users u ON u.id = c.adviser_id"
    };
}

/// Adds a case an adviser took by phone, e-mail or in a conversation.
pub async fn add_case(
    db: &Db,
    actor: &Actor<'_>,
    case: &NewCase,
    references: &[String],
) -> StoreResult<Option<i64>> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut made = None;
        for reference in references {
            let id: Option<i64> = sqlx::query_scalar(
                "INSERT INTO steunpunt_cases (tenant_id, reference, received_at, channel, category, theme, name, email, phone,
                   callback, callback_when, school, message, language, status, adviser_id, updated_at, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'in-behandeling', $15, $3, 1)
                 ON CONFLICT (reference) DO NOTHING RETURNING id",
            )
            .bind(actor.tenant_id)
            .bind(reference)
            .bind(now)
            .bind(&case.channel)
            .bind(&case.category)
            .bind(&case.theme)
            .bind(&case.name)
            .bind(&case.email)
            .bind(&case.phone)
            .bind(case.callback)
            .bind(&case.callback_when)
            .bind(&case.school)
            .bind(&case.message)
            .bind(&case.language)
            .bind(actor.user_id)
            .fetch_optional(&mut *tx)
            .await?;
            if id.is_some() {
                made = id;
                break;
            }
        }
        if let Some(id) = made {
            log_tx!(tx, actor.tenant_id, Some(actor.user_id), actor.name, actor.role, "create", "success", Some(id), actor.origin, actor.request_id, "");
            tx.commit().await?;
        }
        made
    });
    Ok(id)
}

/// What the caseload list shows.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    /// Only this status; `open` for every status but `afgerond`.
    pub status: Option<String>,
    /// Only cases of this adviser.
    pub adviser: Option<i64>,
    /// Reference, name, e-mail or phone contains this (folded in Rust).
    pub text: Option<String>,
}

/// The tenant's cases, newest first, filtered.
pub async fn cases(db: &Db, tenant_id: i64, filter: &CaseFilter) -> StoreResult<Vec<Case>> {
    let sql = concat!(
        case_select!(),
        " WHERE c.tenant_id = $1
           AND ($2 IS NULL OR c.status = $2 OR ($2 = 'open' AND c.status <> 'afgerond'))
           AND ($3 IS NULL OR c.adviser_id = $3)
         ORDER BY c.received_at DESC, c.id DESC"
    );
    let rows = on_db!(db, pool => sqlx::query_as::<_, Case>(sql)
        .bind(tenant_id)
        .bind(filter.status.as_deref())
        .bind(filter.adviser)
        .fetch_all(pool)
        .await)?;
    let Some(text) = filter.text.as_deref().map(passend_domain::text::fold) else {
        return Ok(rows);
    };
    // A phone number matches however it was typed: "06-1234 5678" finds "0612345678".
    let digits = |s: &str| s.chars().filter(char::is_ascii_digit).collect::<String>();
    let wanted_digits = digits(&text);
    Ok(rows
        .into_iter()
        .filter(|c| {
            [&c.reference, &c.name, &c.email, &c.phone, &c.school]
                .iter()
                .any(|f| passend_domain::text::fold(f).contains(&text))
                || (wanted_digits.len() >= 6 && digits(&c.phone).contains(&wanted_digits))
        })
        .collect())
}

/// Every open case of the tenant (all but `afgerond`), newest first.
pub async fn open_cases(db: &Db, tenant_id: i64) -> StoreResult<Vec<Case>> {
    let filter = CaseFilter {
        status: Some("open".to_owned()),
        ..CaseFilter::default()
    };
    cases(db, tenant_id, &filter).await
}

/// One case of the tenant.
pub async fn case(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<Case>> {
    let sql = concat!(case_select!(), " WHERE c.tenant_id = $1 AND c.id = $2");
    crate::one_by_ids(db, sql, &[tenant_id, id]).await
}

/// A note or contact moment.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Note {
    /// Id.
    pub id: i64,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Who wrote it.
    pub author_name: String,
    /// `notitie` or `contact`.
    pub kind: String,
    /// With whom (contact).
    pub contact_with: String,
    /// How (contact).
    pub channel: String,
    /// Text.
    pub body: String,
}

/// A case's notes, oldest first.
pub async fn notes(db: &Db, tenant_id: i64, case_id: i64) -> StoreResult<Vec<Note>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, Note>(
        "SELECT id, occurred_at, author_name, kind, contact_with, channel, body FROM steunpunt_notes
         WHERE case_id = $1 AND case_id IN (SELECT id FROM steunpunt_cases WHERE tenant_id = $2) ORDER BY occurred_at, id",
    )
    .bind(case_id)
    .bind(tenant_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Adds a note or a contact moment.
pub async fn add_note(
    db: &Db,
    actor: &Actor<'_>,
    case_id: i64,
    kind: &str,
    contact_with: &str,
    channel: &str,
    body: &str,
) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "INSERT INTO steunpunt_notes (case_id, occurred_at, author_id, author_name, kind, contact_with, channel, body)
             SELECT id, $2, $3, $4, $5, $6, $7, $8 FROM steunpunt_cases WHERE id = $1 AND tenant_id = $9",
        )
        .bind(case_id)
        .bind(Utc::now())
        .bind(actor.user_id)
        .bind(actor.name)
        .bind(kind)
        .bind(contact_with)
        .bind(channel)
        .bind(body)
        .bind(actor.tenant_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE steunpunt_cases SET updated_at = $1 WHERE id = $2")
            .bind(Utc::now())
            .bind(case_id)
            .execute(&mut *tx)
            .await?;
        log_tx!(tx, actor.tenant_id, Some(actor.user_id), actor.name, actor.role, "update", "success", Some(case_id), actor.origin, actor.request_id, kind);
        tx.commit().await?;
    });
    Ok(())
}

/// What an adviser changes on a case.
#[derive(Debug, Clone, Default)]
pub struct CaseUpdate {
    /// Status code.
    pub status: String,
    /// Adviser.
    pub adviser_id: Option<i64>,
    /// Follow up on.
    pub follow_up_on: Option<NaiveDate>,
    /// Category code.
    pub category: String,
    /// Theme code.
    pub theme: String,
}

/// Saves status, adviser, follow-up date, category and theme, if nobody saved since `version`.
pub async fn update_case(
    db: &Db,
    actor: &Actor<'_>,
    case_id: i64,
    version: i64,
    u: &CaseUpdate,
) -> StoreResult<bool> {
    let now = Utc::now();
    let closed = (u.status == "afgerond").then_some(now);
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE steunpunt_cases SET status = $1, adviser_id = $2, follow_up_on = $3, category = $4, theme = $5,
               closed_at = CASE WHEN $6 IS NULL THEN NULL ELSE COALESCE(closed_at, $6) END, updated_at = $7, version = version + 1
             WHERE id = $8 AND tenant_id = $9 AND version = $10",
        )
        .bind(&u.status)
        .bind(u.adviser_id)
        .bind(u.follow_up_on)
        .bind(&u.category)
        .bind(&u.theme)
        .bind(closed)
        .bind(now)
        .bind(case_id)
        .bind(actor.tenant_id)
        .bind(version),
        {
            log_tx!(tx, actor.tenant_id, Some(actor.user_id), actor.name, actor.role, "update", "success", Some(case_id), actor.origin, actor.request_id, &u.status);
        })
    });
    Ok(done)
}

/// Records a read (a case opened, a list or the report shown), or a refused one (`denied`), in
/// the Oudersteunpunt's log.
pub async fn log_read(
    db: &Db,
    actor: &Actor<'_>,
    action: &str,
    outcome: &str,
    case_id: Option<i64>,
    detail: &str,
) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        log_tx!(tx, actor.tenant_id, Some(actor.user_id), actor.name, actor.role, action, outcome, case_id, actor.origin, actor.request_id, detail);
        tx.commit().await?;
    });
    Ok(())
}

/// A line of the Oudersteunpunt's log.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LogLine {
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Who.
    pub actor_name: String,
    /// What.
    pub action: String,
    /// Detail.
    pub detail: String,
}

/// Who did what with a case, newest first (at most 200).
pub async fn log_of_case(db: &Db, tenant_id: i64, case_id: i64) -> StoreResult<Vec<LogLine>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, LogLine>(
        "SELECT occurred_at, actor_name, action, detail FROM steunpunt_log WHERE tenant_id = $1 AND case_id = $2
         ORDER BY id DESC LIMIT 200",
    )
    .bind(tenant_id)
    .bind(case_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// (theme, received) of the cases received in `[from, to)`, for the signalering.
pub async fn themes_between(
    db: &Db,
    tenant_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> StoreResult<Vec<(String, DateTime<Utc>)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (String, DateTime<Utc>)>(
        "SELECT theme, received_at FROM steunpunt_cases WHERE tenant_id = $1 AND received_at >= $2 AND received_at < $3",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(to)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Open cases whose follow-up date has come by `day`: (tenant, case id, the follow-up date, the
/// adviser's e-mail, or `None` when nobody has it or they are no longer an active ouderadviseur
/// of the samenwerkingsverband).
pub async fn follow_ups_due(
    db: &Db,
    day: NaiveDate,
) -> StoreResult<Vec<(i64, i64, NaiveDate, Option<String>)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, NaiveDate, Option<String>)>(
        "SELECT c.tenant_id, c.id, c.follow_up_on, u.email FROM steunpunt_cases c
           LEFT JOIN users u ON u.id = c.adviser_id AND u.status = 'active' AND u.role = 'ouderadviseur' AND u.tenant_id = c.tenant_id
         WHERE c.follow_up_on <= $1 AND c.status <> 'afgerond' ORDER BY c.id",
    )
    .bind(day)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Writes reminder mails (confidential) once per `key`; returns whether they were new.
pub async fn remind_once(
    db: &Db,
    tenant_id: i64,
    key: &str,
    mails: &[ConfidentialMail],
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query("INSERT INTO reminders_sent (key, sent_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(Utc::now()),
        {
            enqueue_confidential_tx!(tx, tenant_id, mails);
        })
    });
    Ok(done)
}

/// Removes the cases closed before `before`, and the open ones nobody touched since `before`,
/// with their notes, submissions and reminder keys; the log keeps a line per removed case (ids
/// only). Also removes the contact-form submissions of more than a day ago (after a day a reload
/// no longer needs them, and the limits look back an hour) and the Oudersteunpunt's mails that
/// were sent or failed more than `mails_before` ago (they hold the parent's address). Returns
/// how many cases went.
pub async fn purge(
    db: &Db,
    before: DateTime<Utc>,
    mails_before: DateTime<Utc>,
) -> StoreResult<usize> {
    let day_ago = Utc::now() - Duration::days(1);
    let n = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let ids: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, tenant_id FROM steunpunt_cases
             WHERE (closed_at IS NOT NULL AND closed_at < $1) OR (closed_at IS NULL AND updated_at < $1)",
        )
        .bind(before)
        .fetch_all(&mut *tx)
        .await?;
        for (id, tenant) in &ids {
            sqlx::query("DELETE FROM contact_submissions WHERE case_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM steunpunt_notes WHERE case_id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM steunpunt_cases WHERE id = $1").bind(id).execute(&mut *tx).await?;
            sqlx::query("DELETE FROM reminders_sent WHERE key LIKE $1")
                .bind(format!("steunpunt-opvolgen-{id}-%"))
                .execute(&mut *tx)
                .await?;
            log_tx!(tx, *tenant, None::<i64>, "systeem", "systeem", "delete", "success", Some(*id), "cli", "-", "bewaartermijn verstreken");
        }
        sqlx::query("DELETE FROM contact_submissions WHERE submitted_at < $1")
            .bind(day_ago)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM email_outbox WHERE confidential = $1 AND status IN ('sent', 'failed') AND created_at < $2")
            .bind(true)
            .bind(mails_before)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        ids.len()
    });
    Ok(n)
}

/// Active ouderadviseurs of the tenant: (id, name, e-mail).
pub async fn advisers(db: &Db, tenant_id: i64) -> StoreResult<Vec<(i64, String, String)>> {
    crate::casework::staff_of_role(db, tenant_id, "ouderadviseur").await
}
