//! Casework: pupil dossiers, support requests with their timeline, documents with versions,
//! meetings, expert advices, decisions (the TLV register), bezwaar and suspensions of the term.
//!
//! Every change writes, in one transaction, the change itself, a line on the request's timeline
//! (who, when, what), an audit event with the pupil's id, and the notification mails. Reads are
//! recorded by the web layer, which knows who looked. Functions take the tenant and only ever
//! touch rows of that tenant; which rows a user may see is decided in the web layer.

use crate::audit::{Event, Outcome};
use crate::outbox::NewMail;
use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// Who acts, for the timeline and the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// Samenwerkingsverband.
    pub tenant_id: i64,
    /// The user.
    pub user_id: i64,
    /// Their role code.
    pub role: &'a str,
    /// Their name, as the timeline shows it.
    pub name: &'a str,
    /// Network address.
    pub origin: &'a str,
    /// Correlation id.
    pub request_id: &'a str,
    /// The hidden token of the create form this change comes from ("" for none): a retried
    /// post with the same token gives the first result again instead of creating twice.
    pub form_token: &'a str,
}

impl<'a> Actor<'a> {
    /// An audit event by this actor about a pupil.
    pub fn event(
        &self,
        action: &'a str,
        object_type: &'a str,
        object_id: &'a str,
        pupil_id: Option<i64>,
        detail: &'a str,
    ) -> Event<'a> {
        Event {
            tenant_id: Some(self.tenant_id),
            actor_id: Some(self.user_id),
            actor_role: self.role,
            on_behalf_of: None,
            action,
            object_type,
            object_id,
            pupil_id,
            outcome: Outcome::Success,
            origin: self.origin,
            request_id: self.request_id,
            detail,
        }
    }
}

/// A mail to send with a change (no pupil data in it).
#[derive(Debug, Clone)]
pub struct Notice {
    /// Unique key.
    pub key: String,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// A file sent with it (a meeting's calendar file).
    pub attachment: Option<crate::outbox::Attachment>,
    /// How it combines with other notices to the same person; `None`: it goes alone.
    pub combine: Option<crate::outbox::Combine>,
}

/// The reason a meeting to come is cancelled when the request is decided.
pub const MEETING_CANCELLED_BY_DECISION: &str = "Er is een besluit genomen over de aanvraag.";
/// The reason a meeting to come is cancelled when the request ends otherwise (withdrawn).
pub const MEETING_CANCELLED_BY_WITHDRAWAL: &str = "De aanvraag is ingetrokken.";

/// Cancels a request's meetings still to come, inside an open transaction (a decision or a
/// withdrawal ends the procedure they were for).
macro_rules! cancel_meetings_tx {
    ($tx:expr, $request_id:expr, $now:expr, $reason:expr) => {{
        sqlx::query(
            "UPDATE meetings SET cancelled_at = $1, change_reason = $2, sequence = sequence + 1
             WHERE request_id = $3 AND cancelled_at IS NULL AND starts_at > $1",
        )
        .bind($now)
        .bind($reason)
        .bind($request_id)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// Writes the notification mails of a change inside its open transaction.
macro_rules! enqueue_notices_tx {
    ($tx:expr, $tenant:expr, $notices:expr) => {{
        let notices: &[Notice] = $notices;
        for n in notices {
            crate::enqueue_in_tx!(
                $tx,
                &NewMail {
                    tenant_id: Some($tenant),
                    idempotency_key: &n.key,
                    to_address: &n.to,
                    subject: &n.subject,
                    body_text: &n.body,
                    attachment: n.attachment.as_ref(),
                    combine: n.combine.as_ref(),
                }
            );
        }
    }};
}

/// Writes a timeline line, an audit event and the mails inside an open transaction.
macro_rules! record_tx {
    ($tx:expr, $actor:expr, $request_id:expr, $pupil_id:expr, $action:expr, $what:expr, $detail:expr, $notices:expr, $for_parents:expr) => {{
        let actor: &Actor<'_> = $actor;
        let request_id: i64 = $request_id;
        let what: &str = $what;
        let for_parents: bool = $for_parents;
        sqlx::query(
            "INSERT INTO request_events (request_id, occurred_at, actor_id, actor_name, what, for_parents) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(request_id)
        .bind(Utc::now())
        .bind(actor.user_id)
        .bind(actor.name)
        .bind(what)
        .bind(for_parents)
        .execute(&mut *$tx)
        .await?;
        let object_id = request_id.to_string();
        let event = actor.event($action, "aanvraag", &object_id, Some($pupil_id), $detail);
        crate::append_in_tx!($tx, &event);
        enqueue_notices_tx!($tx, actor.tenant_id, $notices);
    }};
}

// ---------------------------------------------------------------------------------------------
// Pupils

/// A parent or guardian to store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuardianInput {
    /// Name.
    pub name: String,
    /// `moeder`, `vader`, `ouder`, `voogd`, `pleegouder`, …
    pub relation: String,
    /// Has parental authority (gezag).
    pub parental_authority: bool,
    /// E-mail address.
    pub email: String,
    /// Phone number.
    pub phone: String,
}

/// A new pupil.
#[derive(Debug, Clone)]
pub struct NewPupil {
    /// The school location.
    pub location_id: i64,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Groep (1–8).
    pub groep: String,
    /// Onderwijsnummer, if the school has one (never a BSN).
    pub onderwijsnummer: Option<String>,
    /// Parents and guardians (one or two).
    pub guardians: Vec<GuardianInput>,
}

/// A pupil.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Pupil {
    /// Id.
    pub id: i64,
    /// School location.
    pub location_id: i64,
    /// Location name.
    pub location_name: String,
    /// Location code.
    pub location_code: String,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Groep.
    pub groep: String,
    /// Onderwijsnummer.
    pub onderwijsnummer: Option<String>,
    /// When made.
    pub created_at: DateTime<Utc>,
}

impl Pupil {
    /// "Given Family".
    pub fn full_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
    }
}

/// A parent or guardian as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Guardian {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Relation.
    pub relation: String,
    /// Has parental authority.
    pub parental_authority: bool,
    /// E-mail.
    pub email: String,
    /// Phone.
    pub phone: String,
}

/// Stores a new pupil with their parents; returns the id.
pub async fn create_pupil(db: &Db, actor: &Actor<'_>, p: &NewPupil) -> StoreResult<i64> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(earlier) = crate::claim_form_tx!(tx, actor) {
            tx.rollback().await?;
            return earlier_id(&earlier);
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO pupils (tenant_id, location_id, given_name, family_name, birth_date, groep, onderwijsnummer, created_at, created_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $8) RETURNING id",
        )
        .bind(actor.tenant_id)
        .bind(p.location_id)
        .bind(&p.given_name)
        .bind(&p.family_name)
        .bind(p.birth_date)
        .bind(&p.groep)
        .bind(&p.onderwijsnummer)
        .bind(now)
        .bind(actor.user_id)
        .fetch_one(&mut *tx)
        .await?;
        for (i, g) in p.guardians.iter().enumerate() {
            sqlx::query(
                "INSERT INTO guardians (pupil_id, position, name, relation, parental_authority, email, phone) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(i64::try_from(i).unwrap_or(0) + 1)
            .bind(&g.name)
            .bind(&g.relation)
            .bind(g.parental_authority)
            .bind(&g.email)
            .bind(&g.phone)
            .execute(&mut *tx)
            .await?;
        }
        let object_id = id.to_string();
        let event = actor.event("create", "leerling", &object_id, Some(id), "");
        crate::append_in_tx!(tx, &event);
        crate::record_form_outcome_tx!(tx, actor, &object_id);
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// The id a create form made the first time (see [`crate::claim_form_tx!`]).
pub(crate) fn earlier_id(outcome: &str) -> StoreResult<i64> {
    outcome
        .split('/')
        .next()
        .and_then(|x| x.parse().ok())
        .ok_or_else(|| {
            crate::StoreError::Sqlx(sqlx::Error::Protocol(
                "a form submitted twice at once: its first outcome is not recorded yet".to_owned(),
            ))
        })
}

macro_rules! pupil_select {
    () => {
        "SELECT p.id, p.location_id, l.name AS location_name, l.code AS location_code, p.given_name, p.family_name,
        p.birth_date, p.groep, p.onderwijsnummer, p.created_at
   FROM pupils p JOIN locations l ON l.id = p.location_id"
    };
}

/// Corrects a pupil's data and parents (the school's own record; AVG art. 16). Parents keep
/// their place (first, second); a removed second parent is deleted.
pub async fn update_pupil(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    p: &NewPupil,
) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query(
            "UPDATE pupils SET location_id = $1, given_name = $2, family_name = $3, birth_date = $4, groep = $5,
               onderwijsnummer = $6, updated_at = $7 WHERE id = $8 AND tenant_id = $9",
        )
        .bind(p.location_id)
        .bind(&p.given_name)
        .bind(&p.family_name)
        .bind(p.birth_date)
        .bind(&p.groep)
        .bind(&p.onderwijsnummer)
        .bind(Utc::now())
        .bind(pupil_id)
        .bind(actor.tenant_id)
        .execute(&mut *tx)
        .await?;
        for (i, g) in p.guardians.iter().enumerate() {
            let position = i64::try_from(i).unwrap_or(0) + 1;
            sqlx::query(
                "INSERT INTO guardians (pupil_id, position, name, relation, parental_authority, email, phone)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (pupil_id, position) DO UPDATE SET name = excluded.name, relation = excluded.relation,
                   parental_authority = excluded.parental_authority, email = excluded.email, phone = excluded.phone",
            )
            .bind(pupil_id)
            .bind(position)
            .bind(&g.name)
            .bind(&g.relation)
            .bind(g.parental_authority)
            .bind(&g.email)
            .bind(&g.phone)
            .execute(&mut *tx)
            .await?;
        }
        // A parent account keeps its access only while its row still names the same address
        // with gezag; a removed row ends it.
        let now = Utc::now();
        let count = i64::try_from(p.guardians.len()).unwrap_or(0);
        let removed = sqlx::query(
            "UPDATE parent_links SET revoked_at = $1, revoked_by = $2
             WHERE pupil_id = $3 AND revoked_at IS NULL
               AND guardian_id IN (SELECT id FROM guardians WHERE pupil_id = $3 AND position > $4)",
        )
        .bind(now)
        .bind(actor.user_id)
        .bind(pupil_id)
        .bind(count)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        sqlx::query(
            "UPDATE parent_links SET guardian_id = NULL
             WHERE guardian_id IN (SELECT id FROM guardians WHERE pupil_id = $1 AND position > $2)",
        )
        .bind(pupil_id)
        .bind(count)
        .execute(&mut *tx)
        .await?;
        let changed = sqlx::query(
            "UPDATE parent_links SET revoked_at = $1, revoked_by = $2
             WHERE pupil_id = $3 AND revoked_at IS NULL AND NOT EXISTS (
               SELECT 1 FROM guardians g JOIN users u ON u.id = parent_links.user_id
               WHERE g.id = parent_links.guardian_id AND g.parental_authority = $4 AND lower(g.email) = u.email)",
        )
        .bind(now)
        .bind(actor.user_id)
        .bind(pupil_id)
        .bind(true)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if removed + changed > 0 {
            let object_id = pupil_id.to_string();
            let detail = format!("toegang van {} ouder(s) beëindigd: ouders gewijzigd", removed + changed);
            let event = actor.event("delete", "ouderportaal", &object_id, Some(pupil_id), &detail);
            crate::append_in_tx!(tx, &event);
        }
        sqlx::query("DELETE FROM guardians WHERE pupil_id = $1 AND position > $2")
            .bind(pupil_id)
            .bind(i64::try_from(p.guardians.len()).unwrap_or(0))
            .execute(&mut *tx)
            .await?;
        crate::audit_tx!(tx, actor, "update", "leerling", pupil_id, pupil_id, "");
        tx.commit().await?;
    });
    Ok(())
}

/// A pupil of this tenant.
pub async fn pupil(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<Pupil>> {
    let sql = concat!(pupil_select!(), " WHERE p.tenant_id = $1 AND p.id = $2");
    crate::one_by_ids(db, sql, &[tenant_id, id]).await
}

/// The pupils at the locations a school staff member works for, by name.
pub async fn pupils_for_staff(db: &Db, tenant_id: i64, user_id: i64) -> StoreResult<Vec<Pupil>> {
    let sql = concat!(pupil_select!(), " WHERE p.tenant_id = $1 AND p.location_id IN (SELECT location_id FROM user_locations WHERE user_id = $2)
         ORDER BY p.family_name, p.given_name, p.id");
    crate::all_by_ids(db, sql, &[tenant_id, user_id]).await
}

/// A pupil's parents and guardians, in order.
pub async fn guardians(db: &Db, pupil_id: i64) -> StoreResult<Vec<Guardian>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, Guardian>(
        "SELECT id, name, relation, parental_authority, email, phone FROM guardians WHERE pupil_id = $1 ORDER BY position",
    )
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Whether any request of this pupil was ever submitted to the samenwerkingsverband (before
/// that, the dossier is the school's own).
pub async fn ever_submitted(db: &Db, pupil_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM support_requests WHERE pupil_id = $1 AND submitted_at IS NOT NULL",
    )
    .bind(pupil_id)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// Whether a user works for a location.
pub async fn works_at(db: &Db, user_id: i64, location_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_locations WHERE user_id = $1 AND location_id = $2",
    )
    .bind(user_id)
    .bind(location_id)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// Whether a user works for a location of the same bevoegd gezag (school board, DUO's BEVOEGD
/// GEZAG NUMMER) as this location, or for the location itself: an expert linked to any school of
/// the applying board is not independent of it (LBT 107632).
pub async fn linked_to_board(db: &Db, user_id: i64, location_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM user_locations ul JOIN locations l ON l.id = ul.location_id
         JOIN locations a ON a.id = $2
         WHERE ul.user_id = $1 AND (l.id = a.id OR (a.board <> '' AND l.board = a.board))",
    )
    .bind(user_id)
    .bind(location_id)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

// ---------------------------------------------------------------------------------------------
// Requests

/// A new request (a concept until the school submits it).
#[derive(Debug, Clone)]
pub struct NewRequest {
    /// The pupil.
    pub pupil_id: i64,
    /// The applying location (the pupil's).
    pub location_id: i64,
    /// Kind code.
    pub kind: String,
    /// The school's question and reasons.
    pub question: String,
}

/// The fields a school fills in while the request is a concept.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct RequestDraft {
    /// Question and reasons.
    pub question: String,
    /// Arrangement goals.
    pub goals: String,
    /// Arrangement budget in euros.
    pub budget_euros: Option<i64>,
    /// Arrangement period.
    pub period_start: Option<NaiveDate>,
    /// Arrangement period end.
    pub period_end: Option<NaiveDate>,
    /// `eens`, `oneens`, `geweigerd`.
    pub zienswijze: Option<String>,
    /// The parents' view in their words.
    pub zienswijze_text: String,
    /// When the parents gave it.
    pub zienswijze_on: Option<NaiveDate>,
    /// When the TLO was held.
    pub tlo_held_on: Option<NaiveDate>,
    /// Who attended.
    pub tlo_attendees: String,
}

/// A request with what the pages show of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Request {
    /// Id.
    pub id: i64,
    /// Pupil.
    pub pupil_id: i64,
    /// Pupil's name.
    pub pupil_name: String,
    /// Applying location.
    pub location_id: i64,
    /// Its name.
    pub location_name: String,
    /// Kind code.
    pub kind: String,
    /// Status code.
    pub status: String,
    /// What the school filled in (the concept's fields).
    #[sqlx(flatten)]
    pub draft: RequestDraft,
    /// The SWV contact.
    pub contact_id: Option<i64>,
    /// Their name.
    pub contact_name: Option<String>,
    /// Their e-mail.
    pub contact_email: Option<String>,
    /// Who made it.
    pub created_by: Option<i64>,
    /// When made.
    pub created_at: DateTime<Utc>,
    /// When submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Complete receipt.
    pub received_on: Option<NaiveDate>,
    /// Decision due.
    pub decision_due: Option<NaiveDate>,
    /// Version for optimistic locking.
    pub version: i64,
    /// The decision term stands still (an open Awb 4:15 suspension).
    pub suspended: bool,
}

macro_rules! request_select {
    () => {
        "SELECT r.id, r.pupil_id, p.given_name || ' ' || p.family_name AS pupil_name, r.location_id,
        l.name AS location_name, r.kind, r.status, r.question, r.goals, r.budget_euros, r.period_start, r.period_end,
        r.zienswijze, r.zienswijze_text, r.zienswijze_on, r.tlo_held_on, r.tlo_attendees, r.contact_id,
        c.name AS contact_name, c.email AS contact_email, r.created_by, r.created_at, r.submitted_at, r.received_on,
        r.decision_due, r.version,
        EXISTS (SELECT 1 FROM request_suspensions s WHERE s.request_id = r.id AND s.until_on IS NULL) AS suspended
   FROM support_requests r JOIN pupils p ON p.id = r.pupil_id JOIN locations l ON l.id = r.location_id
   LEFT JOIN users c ON c.id = r.contact_id"
    };
}

/// Stores a new concept request; returns its id.
pub async fn create_request(db: &Db, actor: &Actor<'_>, r: &NewRequest) -> StoreResult<i64> {
    let now = Utc::now();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(earlier) = crate::claim_form_tx!(tx, actor) {
            tx.rollback().await?;
            return earlier_id(&earlier);
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO support_requests (tenant_id, pupil_id, location_id, kind, status, question, goals, zienswijze_text,
               tlo_attendees, created_by, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, 'concept', $5, '', '', '', $6, $7, $7, 1) RETURNING id",
        )
        .bind(actor.tenant_id)
        .bind(r.pupil_id)
        .bind(r.location_id)
        .bind(&r.kind)
        .bind(&r.question)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        record_tx!(tx, actor, id, r.pupil_id, "create", "Aanvraag aangemaakt (concept)", &r.kind, &[], false);
        crate::record_form_outcome_tx!(tx, actor, &id.to_string());
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// A request of this tenant.
pub async fn request(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<Request>> {
    let sql = concat!(request_select!(), " WHERE r.tenant_id = $1 AND r.id = $2");
    crate::one_by_ids(db, sql, &[tenant_id, id]).await
}

/// A pupil's requests, newest first.
pub async fn requests_of_pupil(
    db: &Db,
    tenant_id: i64,
    pupil_id: i64,
) -> StoreResult<Vec<Request>> {
    let sql = concat!(
        request_select!(),
        " WHERE r.tenant_id = $1 AND r.pupil_id = $2 ORDER BY r.id DESC"
    );
    crate::all_by_ids(db, sql, &[tenant_id, pupil_id]).await
}

/// How a guarded change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Done.
    Done,
    /// Someone else changed the request since the form was shown, or it moved on.
    Stale,
}

/// Saves a concept's fields, if the version still matches and it is still a concept.
pub async fn save_draft(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    version: i64,
    d: &RequestDraft,
) -> StoreResult<Change> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE support_requests SET question = $1, goals = $2, budget_euros = $3, period_start = $4, period_end = $5,
               zienswijze = $6, zienswijze_text = $7, zienswijze_on = $8, tlo_held_on = $9, tlo_attendees = $10,
               updated_at = $11, version = version + 1
             WHERE tenant_id = $12 AND id = $13 AND version = $14 AND status = 'concept'",
        )
        .bind(&d.question)
        .bind(&d.goals)
        .bind(d.budget_euros)
        .bind(d.period_start)
        .bind(d.period_end)
        .bind(&d.zienswijze)
        .bind(&d.zienswijze_text)
        .bind(d.zienswijze_on)
        .bind(d.tlo_held_on)
        .bind(&d.tlo_attendees)
        .bind(Utc::now())
        .bind(actor.tenant_id)
        .bind(request.id)
        .bind(version),
        {
            record_tx!(tx, actor, request.id, request.pupil_id, "update", "Concept bijgewerkt", "", &[], false);
        })
    });
    Ok(if done { Change::Done } else { Change::Stale })
}

/// Moves a request from one status to another (checked by the caller against the domain's state
/// machine) and sets fields that come with the step. Stale when the status changed meanwhile.
#[derive(Debug, Clone, Default)]
pub struct Step<'a> {
    /// From status code.
    pub from: &'a str,
    /// To status code.
    pub to: &'a str,
    /// Timeline text.
    pub what: &'a str,
    /// Audit action.
    pub action: &'a str,
    /// Set on submission: received on, decision due.
    pub received: Option<(NaiveDate, NaiveDate)>,
    /// Set the contact person.
    pub contact_id: Option<i64>,
    /// Mails.
    pub notices: Vec<Notice>,
}

/// Applies a [`Step`].
pub async fn step(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    s: &Step<'_>,
) -> StoreResult<Change> {
    let now = Utc::now();
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE support_requests SET status = $1, updated_at = $2, version = version + 1,
               submitted_at = CASE WHEN $3 THEN $2 ELSE submitted_at END,
               received_on = COALESCE($4, received_on), decision_due = COALESCE($5, decision_due),
               contact_id = COALESCE($6, contact_id)
             WHERE tenant_id = $7 AND id = $8 AND status = $9",
        )
        .bind(s.to)
        .bind(now)
        .bind(s.received.is_some())
        .bind(s.received.map(|r| r.0))
        .bind(s.received.map(|r| r.1))
        .bind(s.contact_id)
        .bind(actor.tenant_id)
        .bind(request.id)
        .bind(s.from),
        {
            if passend_domain::tlv::Status::from_code(s.to).is_some_and(|x| x.is_final()) {
                cancel_meetings_tx!(tx, request.id, now, MEETING_CANCELLED_BY_WITHDRAWAL);
            }
            record_tx!(tx, actor, request.id, request.pupil_id, s.action, s.what, s.to, &s.notices, true);
        })
    });
    Ok(if done { Change::Done } else { Change::Stale })
}

/// Sets the named contact person without changing the status (while the request is open).
pub async fn set_contact(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    contact_id: i64,
    what: &str,
    notices: &[Notice],
) -> StoreResult<Change> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE support_requests SET contact_id = $1, updated_at = $2, version = version + 1
             WHERE tenant_id = $3 AND id = $4 AND status IN ('ingediend', 'in-behandeling', 'advies-gevraagd')",
        )
        .bind(contact_id)
        .bind(Utc::now())
        .bind(actor.tenant_id)
        .bind(request.id),
        {
            record_tx!(tx, actor, request.id, request.pupil_id, "update", what, "contact", notices, true);
        })
    });
    Ok(if done { Change::Done } else { Change::Stale })
}

/// Adds a line to the timeline (with its audit event and mails) without changing the request.
pub async fn note(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    what: &str,
    notices: &[Notice],
) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        record_tx!(tx, actor, request.id, request.pupil_id, "update", what, "melding", notices, false);
        tx.commit().await?;
    });
    Ok(())
}

/// One line of a request's timeline.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TimelineLine {
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Who.
    pub actor_name: String,
    /// What.
    pub what: String,
}

/// A request's timeline, oldest first.
pub async fn timeline(db: &Db, request_id: i64) -> StoreResult<Vec<TimelineLine>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, TimelineLine>(
        "SELECT occurred_at, actor_name, what FROM request_events WHERE request_id = $1 ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The lines of a request's timeline that parents see, oldest first.
pub async fn timeline_for_parents(db: &Db, request_id: i64) -> StoreResult<Vec<TimelineLine>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, TimelineLine>(
        "SELECT occurred_at, actor_name, what FROM request_events WHERE request_id = $1 AND for_parents = $2 ORDER BY id",
    )
    .bind(request_id)
    .bind(true)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Filters of the intake queue.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Status code; `None`: every open request (submitted, in behandeling, advies gevraagd).
    pub status: Option<String>,
    /// Kind codes starting with this (`tlv`, `arrangement`, …).
    pub kind_prefix: Option<String>,
    /// Only this contact person.
    pub contact_id: Option<i64>,
    /// Only requests without a contact person.
    pub unassigned: bool,
    /// Only requests whose decision is due on or before this day.
    pub due_by: Option<NaiveDate>,
}

/// The intake queue: requests past the concept stage, earliest due first.
pub async fn queue(db: &Db, tenant_id: i64, f: &QueueFilter) -> StoreResult<Vec<Request>> {
    let sql = concat!(request_select!(), " WHERE r.tenant_id = $1 AND r.status <> 'concept'
           AND (($2 IS NULL AND r.status IN ('ingediend', 'in-behandeling', 'advies-gevraagd')) OR r.status = $2)
           AND ($3 IS NULL OR r.kind LIKE $3)
           AND ($4 IS NULL OR r.contact_id = $4)
           AND ($5 = 0 OR r.contact_id IS NULL)
           AND ($6 IS NULL OR r.decision_due <= $6)
         ORDER BY r.decision_due, r.id LIMIT 5000");
    let kind = f.kind_prefix.as_ref().map(|k| format!("{k}%"));
    let rows = on_db!(db, pool => sqlx::query_as::<_, Request>(sql)
        .bind(tenant_id)
        .bind(&f.status)
        .bind(&kind)
        .bind(f.contact_id)
        .bind(i64::from(f.unassigned))
        .bind(f.due_by)
        .fetch_all(pool)
        .await)?;
    Ok(rows)
}

/// Users of a role in this tenant who are active: (id, name, e-mail).
pub async fn staff_of_role(
    db: &Db,
    tenant_id: i64,
    role: &str,
) -> StoreResult<Vec<(i64, String, String)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, name, email FROM users WHERE tenant_id = $1 AND role = $2 AND status = 'active' ORDER BY name, id",
    )
    .bind(tenant_id)
    .bind(role)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Active school staff of a location: (id, name, e-mail).
pub async fn staff_at(
    db: &Db,
    tenant_id: i64,
    location_id: i64,
) -> StoreResult<Vec<(i64, String, String)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, String, String)>(
        "SELECT u.id, u.name, u.email FROM users u JOIN user_locations ul ON ul.user_id = u.id
         WHERE u.tenant_id = $1 AND ul.location_id = $2 AND u.status = 'active' AND u.role = 'schoolmedewerker'
         ORDER BY u.name, u.id",
    )
    .bind(tenant_id)
    .bind(location_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Suspensions (Awb 4:15)

/// A suspension as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SuspensionRow {
    /// Id.
    pub id: i64,
    /// From.
    pub from_on: NaiveDate,
    /// Until.
    pub until_on: Option<NaiveDate>,
    /// Why: what is missing.
    pub reason: String,
}

/// A request's suspensions, oldest first.
pub async fn suspensions(db: &Db, request_id: i64) -> StoreResult<Vec<SuspensionRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, SuspensionRow>(
        "SELECT id, from_on, until_on, reason FROM request_suspensions WHERE request_id = $1 ORDER BY id",
    )
    .bind(request_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// What a toeleider does with the term.
#[derive(Debug, Clone, Copy)]
pub enum Suspend<'a> {
    /// Information was asked on this day, for this reason: the term stands still.
    Start(NaiveDate, &'a str),
    /// The information came on this day: the term runs again.
    End(NaiveDate),
}

/// Starts or ends a suspension and stores the new due date, if the request is still open and no
/// suspension is open (start) or one is (end); otherwise stale.
#[allow(clippy::too_many_arguments)]
pub async fn suspend(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    action: Suspend<'_>,
    new_due: impl Fn(&[SuspensionRow]) -> NaiveDate,
    what: &str,
    notices: &[Notice],
) -> StoreResult<Change> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Takes the request's row first, so two toeleiders cannot both start or end one.
        let open = sqlx::query(
            "UPDATE support_requests SET updated_at = $1 WHERE id = $2 AND tenant_id = $3 AND status IN ('ingediend', 'in-behandeling', 'advies-gevraagd')",
        )
        .bind(Utc::now())
        .bind(request.id)
        .bind(actor.tenant_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let changed = open && match action {
            Suspend::Start(from, reason) => sqlx::query(
                "INSERT INTO request_suspensions (request_id, from_on, reason, created_by)
                 SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM request_suspensions WHERE request_id = $1 AND until_on IS NULL)",
            )
            .bind(request.id)
            .bind(from)
            .bind(reason)
            .bind(actor.user_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1,
            Suspend::End(until) => sqlx::query(
                "UPDATE request_suspensions SET until_on = $1 WHERE request_id = $2 AND until_on IS NULL",
            )
            .bind(until)
            .bind(request.id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                >= 1,
        };
        if changed {
            let rows = sqlx::query_as::<_, SuspensionRow>(
                "SELECT id, from_on, until_on, reason FROM request_suspensions WHERE request_id = $1 ORDER BY id",
            )
            .bind(request.id)
            .fetch_all(&mut *tx)
            .await?;
            sqlx::query("UPDATE support_requests SET decision_due = $1, updated_at = $2, version = version + 1 WHERE id = $3")
                .bind(new_due(&rows))
                .bind(Utc::now())
                .bind(request.id)
                .execute(&mut *tx)
                .await?;
            record_tx!(tx, actor, request.id, request.pupil_id, "update", what, "opschorting", notices, false);
            tx.commit().await?;
        }
        changed
    });
    Ok(if done { Change::Done } else { Change::Stale })
}

// ---------------------------------------------------------------------------------------------
// Meetings

/// A TLO or MDO.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Meeting {
    /// Id.
    pub id: i64,
    /// `tlo` or `mdo`.
    pub kind: String,
    /// When.
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Purpose.
    pub purpose: String,
    /// Possible outcomes.
    pub outcomes: String,
    /// Who attends.
    pub attendees: String,
    /// Changes so far (a move or the cancellation); the calendar file's SEQUENCE.
    pub sequence: i64,
    /// When it was cancelled.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// Why it was moved or cancelled, as told to everyone invited.
    pub change_reason: String,
    /// The calendar files' UID: the same for the invitation, a move and the cancellation.
    pub uid: String,
    /// Who was invited: one `key address` per line (`school-3`, `ouder-5`), to tell them of a
    /// move or cancellation.
    pub recipients: String,
}

/// Plans a meeting and sends the invitations.
#[allow(clippy::too_many_arguments)]
pub async fn plan_meeting(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    kind: &str,
    starts_at: DateTime<Utc>,
    place: &str,
    purpose: &str,
    outcomes: &str,
    attendees: &str,
    uid: &str,
    recipients: &str,
    what: &str,
    notices: &[Notice],
) -> StoreResult<i64> {
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO meetings (request_id, kind, starts_at, place, purpose, outcomes, attendees, planned_by, created_at, recipients, uid)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(request.id)
        .bind(kind)
        .bind(starts_at)
        .bind(place)
        .bind(purpose)
        .bind(outcomes)
        .bind(attendees)
        .bind(actor.user_id)
        .bind(Utc::now())
        .bind(recipients)
        .bind(uid)
        .fetch_one(&mut *tx)
        .await?;
        record_tx!(tx, actor, request.id, request.pupil_id, "create", what, kind, notices, false);
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// What changes about a planned meeting.
#[derive(Debug, Clone)]
pub enum MeetingChange<'a> {
    /// A new moment and place.
    Move {
        /// When.
        starts_at: DateTime<Utc>,
        /// Where.
        place: &'a str,
    },
    /// It does not take place.
    Cancel,
}

/// Moves or cancels a meeting that is still planned and was not changed since it was read
/// (`sequence`), with the reason told to everyone invited.
#[allow(clippy::too_many_arguments)]
pub async fn change_meeting(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    meeting: &Meeting,
    change: &MeetingChange<'_>,
    reason: &str,
    what: &str,
    notices: &[Notice],
) -> StoreResult<Change> {
    let now = Utc::now();
    let (starts_at, place, cancelled) = match change {
        MeetingChange::Move { starts_at, place } => (*starts_at, *place, None),
        MeetingChange::Cancel => (meeting.starts_at, meeting.place.as_str(), Some(now)),
    };
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE meetings SET starts_at = $1, place = $2, cancelled_at = $3, change_reason = $4, sequence = sequence + 1
             WHERE id = $5 AND request_id = $6 AND cancelled_at IS NULL AND sequence = $7",
        )
        .bind(starts_at)
        .bind(place)
        .bind(cancelled)
        .bind(reason)
        .bind(meeting.id)
        .bind(request.id)
        .bind(meeting.sequence),
        {
            record_tx!(tx, actor, request.id, request.pupil_id, "update", what, &meeting.kind, notices, false);
        })
    });
    Ok(if done { Change::Done } else { Change::Stale })
}

/// A request's meetings, by time.
pub async fn meetings(db: &Db, request_id: i64) -> StoreResult<Vec<Meeting>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, Meeting>(
        "SELECT id, kind, starts_at, place, purpose, outcomes, attendees, sequence, cancelled_at, change_reason, uid, recipients
         FROM meetings WHERE request_id = $1 ORDER BY starts_at, id",
    )
    .bind(request_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Advices

/// An expert advice (asked, perhaps given).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AdviceRow {
    /// Id.
    pub id: i64,
    /// The request.
    pub request_id: i64,
    /// The expert.
    pub expert_id: i64,
    /// Their name.
    pub expert_name: String,
    /// Due.
    pub due_on: NaiveDate,
    /// What the toeleider asks.
    pub question: String,
    /// Profession code, once given.
    pub profession: Option<String>,
    /// `toelaatbaar` or `niet-toelaatbaar`.
    pub conclusion: Option<String>,
    /// The written advice.
    pub advice_text: String,
    /// Declared independent.
    pub declared_independent: bool,
    /// When given.
    pub submitted_at: Option<DateTime<Utc>>,
    /// When asked.
    pub requested_at: DateTime<Utc>,
}

macro_rules! advice_select {
    () => {
        "SELECT a.id, a.request_id, a.expert_id, u.name AS expert_name, a.due_on, a.question, a.profession,
        a.conclusion, a.advice_text, a.declared_independent, a.submitted_at, a.requested_at
   FROM advices a JOIN users u ON u.id = a.expert_id"
    };
}

/// Asks an expert for advice; the first request moves the request to "advies gevraagd".
#[allow(clippy::too_many_arguments)]
pub async fn ask_advice(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    expert_id: i64,
    due_on: NaiveDate,
    question: &str,
    what: &str,
    notices: &[Notice],
) -> StoreResult<Change> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Takes the row (a conditional update locks it on PostgreSQL): a decision or withdrawal
        // that commits meanwhile makes this a no-op instead of reopening the request.
        let open = sqlx::query(
            "UPDATE support_requests SET updated_at = $1 WHERE id = $2 AND tenant_id = $3 AND status IN ('in-behandeling', 'advies-gevraagd')",
        )
        .bind(Utc::now())
        .bind(request.id)
        .bind(actor.tenant_id)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM advices WHERE request_id = $1 AND expert_id = $2")
            .bind(request.id)
            .bind(expert_id)
            .fetch_one(&mut *tx)
            .await?;
        if open && exists == 0 {
            sqlx::query(
                "INSERT INTO advices (request_id, expert_id, requested_by, requested_at, due_on, question, advice_text, declared_independent)
                 VALUES ($1, $2, $3, $4, $5, $6, '', $7)",
            )
            .bind(request.id)
            .bind(expert_id)
            .bind(actor.user_id)
            .bind(Utc::now())
            .bind(due_on)
            .bind(question)
            .bind(false)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE support_requests SET status = 'advies-gevraagd', updated_at = $1, version = version + 1
                 WHERE id = $2 AND status IN ('in-behandeling', 'advies-gevraagd')",
            )
            .bind(Utc::now())
            .bind(request.id)
            .execute(&mut *tx)
            .await?;
            record_tx!(tx, actor, request.id, request.pupil_id, "create", what, "advies", notices, true);
            tx.commit().await?;
        }
        open && exists == 0
    });
    Ok(if done { Change::Done } else { Change::Stale })
}

/// A request's advices, in the order asked.
pub async fn advices_of(db: &Db, request_id: i64) -> StoreResult<Vec<AdviceRow>> {
    let sql = concat!(advice_select!(), " WHERE a.request_id = $1 ORDER BY a.id");
    crate::all_by_ids(db, sql, &[request_id]).await
}

/// The advices asked of an expert, open ones first.
pub async fn advices_for_expert(
    db: &Db,
    tenant_id: i64,
    expert_id: i64,
) -> StoreResult<Vec<AdviceRow>> {
    let sql = concat!(advice_select!(), " JOIN support_requests r ON r.id = a.request_id
         WHERE r.tenant_id = $1 AND a.expert_id = $2 ORDER BY (a.submitted_at IS NOT NULL), a.due_on, a.id");
    crate::all_by_ids(db, sql, &[tenant_id, expert_id]).await
}

/// One advice of this tenant.
pub async fn advice(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<AdviceRow>> {
    let sql = concat!(
        advice_select!(),
        " JOIN support_requests r ON r.id = a.request_id WHERE r.tenant_id = $1 AND a.id = $2"
    );
    crate::one_by_ids(db, sql, &[tenant_id, id]).await
}

/// The advices asked of an expert on requests of this pupil, as access needs them: when each was
/// given, and when its request was decided or withdrawn.
pub async fn advice_windows(
    db: &Db,
    user_id: i64,
    pupil_id: i64,
) -> StoreResult<Vec<passend_domain::access::AdviceWindow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, Option<DateTime<Utc>>, String, Option<DateTime<Utc>>, DateTime<Utc>)>(
        "SELECT a.request_id, a.submitted_at, r.status, r.decided_at, r.updated_at
         FROM advices a JOIN support_requests r ON r.id = a.request_id
         WHERE a.expert_id = $1 AND r.pupil_id = $2",
    )
    .bind(user_id)
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .map(|(request_id, given_at, status, decided_at, updated_at)| {
            passend_domain::access::AdviceWindow {
                request_id,
                given_at,
                request_closed_at: match status.as_str() {
                    "toegekend" | "afgewezen" => decided_at.or(Some(updated_at)),
                    "ingetrokken" => Some(updated_at),
                    _ => None,
                },
            }
        })
        .collect())
}

/// What became of a given advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Given {
    /// Stored.
    Done,
    /// Given before, or no longer asked (the form was stale).
    Stale,
    /// Another advice on the same request has the same text: refused, nothing stored.
    SameText,
}

/// The written advice, given once; later edits are refused (stale), and so is a text that
/// equals another advice on the same request (checked in the transaction, so two experts
/// submitting the same text at once cannot both pass).
#[allow(clippy::too_many_arguments)]
pub async fn give_advice(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    advice_id: i64,
    profession: &str,
    conclusion: &str,
    text: &str,
    notices: &[Notice],
) -> StoreResult<Given> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        // Serialise advices on one request (PostgreSQL): take the request's row first.
        sqlx::query("UPDATE support_requests SET version = version WHERE id = $1")
            .bind(request.id)
            .execute(&mut *tx)
            .await?;
        let others: Vec<String> = sqlx::query_scalar(
            "SELECT advice_text FROM advices WHERE request_id = $1 AND id <> $2 AND submitted_at IS NOT NULL",
        )
        .bind(request.id)
        .bind(advice_id)
        .fetch_all(&mut *tx)
        .await?;
        if others.iter().any(|o| passend_domain::tlv::same_advice_text(o, text)) {
            tx.rollback().await?;
            return Ok(Given::SameText);
        }
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE advices SET profession = $1, conclusion = $2, advice_text = $3, declared_independent = $4, submitted_at = $5
             WHERE id = $6 AND expert_id = $7 AND submitted_at IS NULL",
        )
        .bind(profession)
        .bind(conclusion)
        .bind(text)
        .bind(true)
        .bind(Utc::now())
        .bind(advice_id)
        .bind(actor.user_id),
        {
            record_tx!(tx, actor, request.id, request.pupil_id, "update", "Deskundigenadvies gegeven", "advies", notices, true);
        })
    });
    Ok(if done { Given::Done } else { Given::Stale })
}

/// The expert gives an advice request back (not independent, no time, not their field): the
/// request is removed; with no advice left the request is back in treatment.
pub async fn return_advice(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    advice_id: i64,
    what: &str,
    notices: &[Notice],
) -> StoreResult<Change> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query("DELETE FROM advices WHERE id = $1 AND expert_id = $2 AND request_id = $3 AND submitted_at IS NULL")
            .bind(advice_id)
            .bind(actor.user_id)
            .bind(request.id),
        {
            sqlx::query(
                "UPDATE support_requests SET status = 'in-behandeling', updated_at = $1, version = version + 1
                 WHERE id = $2 AND status = 'advies-gevraagd' AND NOT EXISTS (SELECT 1 FROM advices WHERE request_id = $2)",
            )
            .bind(Utc::now())
            .bind(request.id)
            .execute(&mut *tx)
            .await?;
            record_tx!(tx, actor, request.id, request.pupil_id, "delete", what, "advies", notices, false);
        })
    });
    Ok(if done { Change::Done } else { Change::Stale })
}

// ---------------------------------------------------------------------------------------------
// Decisions and the TLV register

/// A decision to store.
#[derive(Debug, Clone)]
pub struct NewDecision {
    /// Granted (toelaatbaar / toegekend).
    pub granted: bool,
    /// `sbo` or `so` for a TLV.
    pub placement: Option<String>,
    /// Category for SO.
    pub category: Option<String>,
    /// Start.
    pub start_on: Option<NaiveDate>,
    /// End (`None`: no end date).
    pub end_on: Option<NaiveDate>,
    /// Receiving school location, if known.
    pub receiving_location_id: Option<i64>,
    /// Reasons.
    pub reasons: String,
    /// Date of the letter.
    pub letter_on: NaiveDate,
    /// Status code to move to.
    pub status: String,
    /// The SWV code for the beschikkingsnummer.
    pub swv_code: String,
}

/// A decision as stored, with what the register shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DecisionRow {
    /// Id.
    pub id: i64,
    /// The request.
    pub request_id: i64,
    /// Its kind.
    pub kind: String,
    /// The pupil.
    pub pupil_id: i64,
    /// Pupil's name.
    pub pupil_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// Onderwijsnummer.
    pub onderwijsnummer: Option<String>,
    /// Applying location.
    pub location_id: i64,
    /// Its name.
    pub location_name: String,
    /// Granted.
    pub granted: bool,
    /// `sbo`, `so`.
    pub placement: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Start.
    pub start_on: Option<NaiveDate>,
    /// End.
    pub end_on: Option<NaiveDate>,
    /// Receiving location.
    pub receiving_location_id: Option<i64>,
    /// Its name.
    pub receiving_name: Option<String>,
    /// Its vestigingscode.
    pub receiving_code: Option<String>,
    /// Beschikkingsnummer.
    pub beschikkingsnummer: String,
    /// Reasons.
    pub reasons: String,
    /// Who decided.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// Letter date.
    pub letter_on: NaiveDate,
    /// Letter in the object store.
    pub letter_key: Option<String>,
    /// Complete receipt.
    pub received_on: Option<NaiveDate>,
    /// The day the letter was sent or handed over (Awb 3:41); the bezwaar term runs from it.
    pub sent_on: Option<NaiveDate>,
    /// How: `post`, `e-mail`, `portaal`, `uitgereikt`.
    pub sent_how: Option<String>,
}

macro_rules! decision_select {
    () => {
        "SELECT d.id, d.request_id, r.kind, r.pupil_id, p.given_name || ' ' || p.family_name AS pupil_name,
        p.birth_date, p.onderwijsnummer, r.location_id, l.name AS location_name, d.granted, d.placement, d.category,
        d.start_on, d.end_on, d.receiving_location_id, rl.name AS receiving_name, rl.code AS receiving_code,
        d.beschikkingsnummer, d.reasons, u.name AS decided_by_name, d.decided_at, d.letter_on, d.letter_key, r.received_on,
        d.sent_on, d.sent_how
   FROM decisions d JOIN support_requests r ON r.id = d.request_id JOIN pupils p ON p.id = r.pupil_id
   JOIN locations l ON l.id = r.location_id LEFT JOIN locations rl ON rl.id = d.receiving_location_id
   LEFT JOIN users u ON u.id = d.decided_by"
    };
}

/// Takes the decision: hands out the next beschikkingsnummer of the year, stores the decision,
/// moves the request on; all or nothing. `None` when the request was no longer open for it.
pub async fn decide(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    from_status: &str,
    d: &NewDecision,
    what: &str,
    notices: &[Notice],
) -> StoreResult<Option<(i64, String)>> {
    let year = i64::from(d.letter_on.year());
    let out = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let now = Utc::now();
        let n = sqlx::query(
            "UPDATE support_requests SET status = $1, decided_at = $2, updated_at = $2, version = version + 1
             WHERE tenant_id = $3 AND id = $4 AND status = $5",
        )
        .bind(&d.status)
        .bind(now)
        .bind(actor.tenant_id)
        .bind(request.id)
        .bind(from_status)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 1 {
            let (last,): (i64,) = sqlx::query_as(
                "INSERT INTO beschikking_counters (tenant_id, year, last) VALUES ($1, $2, 1)
                 ON CONFLICT (tenant_id, year) DO UPDATE SET last = beschikking_counters.last + 1 RETURNING last",
            )
            .bind(actor.tenant_id)
            .bind(year)
            .fetch_one(&mut *tx)
            .await?;
            let number = passend_domain::tlv::beschikkingsnummer(
                &d.swv_code,
                d.letter_on.year(),
                u32::try_from(last).unwrap_or(u32::MAX),
            );
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO decisions (tenant_id, request_id, granted, placement, category, start_on, end_on, receiving_location_id,
                   beschikkingsnummer, reasons, decided_by, decided_at, letter_on)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            )
            .bind(actor.tenant_id)
            .bind(request.id)
            .bind(d.granted)
            .bind(&d.placement)
            .bind(&d.category)
            .bind(d.start_on)
            .bind(d.end_on)
            .bind(d.receiving_location_id)
            .bind(&number)
            .bind(&d.reasons)
            .bind(actor.user_id)
            .bind(now)
            .bind(d.letter_on)
            .fetch_one(&mut *tx)
            .await?;
            let what = format!("{what} (beschikkingsnummer {number})");
            cancel_meetings_tx!(tx, request.id, now, MEETING_CANCELLED_BY_DECISION);
            record_tx!(tx, actor, request.id, request.pupil_id, "create", &what, &number, notices, true);
            tx.commit().await?;
            Some((id, number))
        } else {
            None
        }
    });
    Ok(out)
}

/// The decision on a request.
pub async fn decision_of(
    db: &Db,
    tenant_id: i64,
    request_id: i64,
) -> StoreResult<Option<DecisionRow>> {
    let sql = concat!(
        decision_select!(),
        " WHERE d.tenant_id = $1 AND d.request_id = $2"
    );
    crate::one_by_ids(db, sql, &[tenant_id, request_id]).await
}

/// A decision by id.
pub async fn decision(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<DecisionRow>> {
    let sql = concat!(decision_select!(), " WHERE d.tenant_id = $1 AND d.id = $2");
    crate::one_by_ids(db, sql, &[tenant_id, id]).await
}

/// Filters of the TLV register.
#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    /// Name, beschikkingsnummer or school contains this (case-insensitive).
    pub text: Option<String>,
    /// `sbo` or `so`.
    pub placement: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Valid on this day (started, not ended).
    pub valid_on: Option<NaiveDate>,
    /// Ending on or before this day (and not before `valid_on`).
    pub ends_by: Option<NaiveDate>,
    /// Only TLVs received by this location.
    pub receiving_location_id: Option<i64>,
    /// Only for receiving locations this user works at, and only decisions made known (their
    /// letter sent): a receiving school learns of a TLV when the parents do.
    pub receiving_staff_id: Option<i64>,
}

/// The TLV register: granted TLVs, newest first.
pub async fn register(
    db: &Db,
    tenant_id: i64,
    f: &RegisterFilter,
) -> StoreResult<Vec<DecisionRow>> {
    let sql = concat!(decision_select!(), " WHERE d.tenant_id = $1 AND d.granted = $2 AND d.placement IS NOT NULL
           AND ($3 IS NULL OR $3 = '')
           AND ($4 IS NULL OR d.placement = $4)
           AND ($5 IS NULL OR d.category = $5)
           AND ($6 IS NULL OR (d.start_on <= $6 AND (d.end_on IS NULL OR d.end_on >= $6)))
           AND ($7 IS NULL OR (d.end_on IS NOT NULL AND d.end_on <= $7))
           AND ($8 IS NULL OR d.receiving_location_id = $8)
           AND ($9 IS NULL OR (d.sent_on IS NOT NULL
                AND d.receiving_location_id IN (SELECT location_id FROM user_locations WHERE user_id = $9)))
         ORDER BY d.id DESC LIMIT 100000");
    // Text is matched below, not in SQL: SQLite's LOWER folds ASCII only.
    let text: Option<String> = None;
    let rows = on_db!(db, pool => sqlx::query_as::<_, DecisionRow>(sql)
        .bind(tenant_id)
        .bind(true)
        .bind(&text)
        .bind(&f.placement)
        .bind(&f.category)
        .bind(f.valid_on)
        .bind(f.ends_by)
        .bind(f.receiving_location_id)
        .bind(f.receiving_staff_id)
        .fetch_all(pool)
        .await)?;
    let rows = match f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => rows,
        Some(t) => {
            let needle = t.to_lowercase();
            rows.into_iter()
                .filter(|d| {
                    format!(
                        "{} {} {}",
                        d.pupil_name, d.beschikkingsnummer, d.location_name
                    )
                    .to_lowercase()
                    .contains(&needle)
                })
                .collect()
        }
    };
    Ok(rows)
}

/// Whether a user works at the receiving location of the granted decision on this request, once
/// the decision was made known (its letter sent).
pub async fn receives_request(db: &Db, user_id: i64, request_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM decisions d JOIN user_locations ul ON ul.location_id = d.receiving_location_id
         WHERE ul.user_id = $1 AND d.request_id = $2 AND d.granted = $3 AND d.sent_on IS NOT NULL",
    )
    .bind(user_id)
    .bind(request_id)
    .bind(true)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// Whether a user works at the receiving location of a granted decision on this pupil that was
/// made known (its letter sent).
pub async fn receives_pupil(db: &Db, user_id: i64, pupil_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM decisions d JOIN support_requests r ON r.id = d.request_id
         JOIN user_locations ul ON ul.location_id = d.receiving_location_id
         WHERE ul.user_id = $1 AND r.pupil_id = $2 AND d.granted = $3 AND d.sent_on IS NOT NULL",
    )
    .bind(user_id)
    .bind(pupil_id)
    .bind(true)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

// ---------------------------------------------------------------------------------------------
// Bezwaar

/// A bezwaar as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BezwaarRow {
    /// Id.
    pub id: i64,
    /// The decision.
    pub decision_id: i64,
    /// Received.
    pub received_on: NaiveDate,
    /// `ouders`, `school`, `anders`.
    pub filed_by: String,
    /// Sent to the LBT.
    pub lbt_sent_on: Option<NaiveDate>,
    /// Outcome.
    pub outcome: Option<String>,
    /// Outcome date.
    pub outcome_on: Option<NaiveDate>,
    /// Notes.
    pub notes: String,
    /// The day the LBT's advice came.
    pub lbt_advice_on: Option<NaiveDate>,
    /// The LBT's advice: `gegrond`, `ongegrond`, `niet-ontvankelijk`.
    pub lbt_advice: Option<String>,
}

/// The bezwaren against a decision.
pub async fn bezwaren(db: &Db, decision_id: i64) -> StoreResult<Vec<BezwaarRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, BezwaarRow>(
        "SELECT id, decision_id, received_on, filed_by, lbt_sent_on, outcome, outcome_on, notes, lbt_advice_on, lbt_advice FROM bezwaren WHERE decision_id = $1 ORDER BY id",
    )
    .bind(decision_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A bezwaar of this tenant.
pub async fn bezwaar(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<BezwaarRow>> {
    let row = on_db!(db, pool => sqlx::query_as::<_, BezwaarRow>(
        "SELECT b.id, b.decision_id, b.received_on, b.filed_by, b.lbt_sent_on, b.outcome, b.outcome_on, b.notes, b.lbt_advice_on, b.lbt_advice
         FROM bezwaren b JOIN decisions d ON d.id = b.decision_id WHERE d.tenant_id = $1 AND b.id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .fetch_optional(pool)
    .await)?;
    Ok(row)
}

/// An open bezwaar with its request and beschikkingsnummer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenBezwaar {
    /// The bezwaar.
    #[sqlx(flatten)]
    pub bezwaar: BezwaarRow,
    /// The request.
    pub request_id: i64,
    /// The decision's number.
    pub beschikkingsnummer: String,
}

/// Open bezwaren of the tenant (no outcome yet): oldest first.
pub async fn open_bezwaren(db: &Db, tenant_id: i64) -> StoreResult<Vec<OpenBezwaar>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, OpenBezwaar>(
        "SELECT b.id, b.decision_id, b.received_on, b.filed_by, b.lbt_sent_on, b.outcome, b.outcome_on, b.notes, b.lbt_advice_on, b.lbt_advice, d.request_id, d.beschikkingsnummer
         FROM bezwaren b JOIN decisions d ON d.id = b.decision_id WHERE d.tenant_id = $1 AND b.outcome IS NULL ORDER BY b.received_on, b.id",
    )
    .bind(tenant_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Registers a bezwaar.
#[allow(clippy::too_many_arguments)]
pub async fn add_bezwaar(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    decision_id: i64,
    received_on: NaiveDate,
    filed_by: &str,
    notes: &str,
    what: &str,
) -> StoreResult<i64> {
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(earlier) = crate::claim_form_tx!(tx, actor) {
            tx.rollback().await?;
            return earlier_id(&earlier);
        }
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO bezwaren (decision_id, received_on, filed_by, notes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(decision_id)
        .bind(received_on)
        .bind(filed_by)
        .bind(notes)
        .bind(actor.user_id)
        .bind(Utc::now())
        .fetch_one(&mut *tx)
        .await?;
        record_tx!(tx, actor, request.id, request.pupil_id, "create", what, "bezwaar", &[], false);
        crate::record_form_outcome_tx!(tx, actor, &id.to_string());
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Records that a bezwaar went to the LBT, the LBT's advice, or that it was withdrawn. The
/// beslissing op bezwaar itself is [`crate::bezwaar::decide`].
#[allow(clippy::too_many_arguments)]
pub async fn update_bezwaar(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    bezwaar_id: i64,
    lbt_sent_on: Option<NaiveDate>,
    lbt_advice: Option<(&str, NaiveDate)>,
    withdrawn_on: Option<NaiveDate>,
    what: &str,
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE bezwaren SET lbt_sent_on = COALESCE(lbt_sent_on, $1), lbt_advice = COALESCE(lbt_advice, $2),
               lbt_advice_on = COALESCE(lbt_advice_on, $3), outcome = COALESCE(outcome, $4), outcome_on = COALESCE(outcome_on, $5)
             WHERE id = $6 AND outcome IS NULL AND decision_id IN (SELECT id FROM decisions WHERE request_id = $7)",
        )
        .bind(lbt_sent_on)
        .bind(lbt_advice.map(|o| o.0))
        .bind(lbt_advice.map(|o| o.1))
        .bind(withdrawn_on.map(|_| "ingetrokken"))
        .bind(withdrawn_on)
        .bind(bezwaar_id)
        .bind(request.id),
        {
            record_tx!(tx, actor, request.id, request.pupil_id, "update", what, "bezwaar", &[], false);
        })
    });
    Ok(done)
}

// ---------------------------------------------------------------------------------------------
// Documents

/// A document with its latest version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentLine {
    /// Id.
    pub id: i64,
    /// The request it belongs to, if any.
    pub request_id: Option<i64>,
    /// Kind code.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Latest version number.
    pub version: i64,
    /// Its file name.
    pub file_name: String,
    /// Its size.
    pub size_bytes: i64,
    /// When uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// By whom.
    pub uploaded_by_name: Option<String>,
}

/// Every version of every document of a pupil, with the request it belongs to and whether that
/// request was submitted, newest version first per document; access is decided on these
/// (`passend_domain::access`).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DocumentVersionLine {
    /// Document id.
    pub id: i64,
    /// The request it belongs to, if any.
    pub request_id: Option<i64>,
    /// Whether that request was submitted.
    pub request_submitted: bool,
    /// Kind code.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Version number.
    pub version: i64,
    /// Its file name.
    pub file_name: String,
    /// Its size.
    pub size_bytes: i64,
    /// When uploaded.
    pub uploaded_at: DateTime<Utc>,
    /// By whom.
    pub uploaded_by_name: Option<String>,
}

impl DocumentVersionLine {
    /// What access needs of this version.
    pub fn facts(&self) -> passend_domain::access::DocumentFacts {
        passend_domain::access::DocumentFacts {
            request: self.request_id.map(|r| (r, self.request_submitted)),
            uploaded_at: self.uploaded_at,
        }
    }
}

/// Every version of a pupil's documents, by kind, title and document, newest version first.
pub async fn document_versions_of_pupil(
    db: &Db,
    tenant_id: i64,
    pupil_id: i64,
) -> StoreResult<Vec<DocumentVersionLine>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, DocumentVersionLine>(
        "SELECT d.id, d.request_id, (r.submitted_at IS NOT NULL) AS request_submitted, d.kind, d.title, v.version,
                v.file_name, v.size_bytes, v.uploaded_at, u.name AS uploaded_by_name
         FROM documents d JOIN document_versions v ON v.document_id = d.id
         LEFT JOIN support_requests r ON r.id = d.request_id
         LEFT JOIN users u ON u.id = v.uploaded_by
         WHERE d.tenant_id = $1 AND d.pupil_id = $2
         ORDER BY d.kind, d.title, d.id, v.version DESC",
    )
    .bind(tenant_id)
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A pupil's documents with their latest versions, by kind and title.
pub async fn documents_of_pupil(
    db: &Db,
    tenant_id: i64,
    pupil_id: i64,
) -> StoreResult<Vec<DocumentLine>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, DocumentLine>(
        "SELECT d.id, d.request_id, d.kind, d.title, v.version, v.file_name, v.size_bytes, v.uploaded_at, u.name AS uploaded_by_name
         FROM documents d JOIN document_versions v ON v.document_id = d.id
         LEFT JOIN users u ON u.id = v.uploaded_by
         WHERE d.tenant_id = $1 AND d.pupil_id = $2
           AND v.version = (SELECT MAX(version) FROM document_versions WHERE document_id = d.id)
         ORDER BY d.kind, d.title, d.id",
    )
    .bind(tenant_id)
    .bind(pupil_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// One stored version.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VersionRow {
    /// Document.
    pub document_id: i64,
    /// Pupil.
    pub pupil_id: i64,
    /// Version number.
    pub version: i64,
    /// Object store key.
    pub storage_key: String,
    /// Name offered on download.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256.
    pub sha256: String,
    /// When.
    pub uploaded_at: DateTime<Utc>,
    /// By whom.
    pub uploaded_by_name: Option<String>,
    /// The request the document belongs to, if any.
    pub request_id: Option<i64>,
    /// Whether that request was submitted.
    pub request_submitted: bool,
}

impl VersionRow {
    /// What access needs of this version.
    pub fn facts(&self) -> passend_domain::access::DocumentFacts {
        passend_domain::access::DocumentFacts {
            request: self.request_id.map(|r| (r, self.request_submitted)),
            uploaded_at: self.uploaded_at,
        }
    }
}

macro_rules! version_select {
    () => {
        "SELECT v.document_id, d.pupil_id, v.version, v.storage_key, v.file_name, v.content_type, v.size_bytes,
        v.sha256, v.uploaded_at, u.name AS uploaded_by_name, d.request_id, (r.submitted_at IS NOT NULL) AS request_submitted
   FROM document_versions v JOIN documents d ON d.id = v.document_id LEFT JOIN users u ON u.id = v.uploaded_by
   LEFT JOIN support_requests r ON r.id = d.request_id"
    };
}

/// A version of a document of this tenant.
pub async fn document_version(
    db: &Db,
    tenant_id: i64,
    document_id: i64,
    version: i64,
) -> StoreResult<Option<VersionRow>> {
    let sql = concat!(
        version_select!(),
        " WHERE d.tenant_id = $1 AND v.document_id = $2 AND v.version = $3"
    );
    crate::one_by_ids(db, sql, &[tenant_id, document_id, version]).await
}

/// Every version of a document, newest first.
pub async fn document_versions(
    db: &Db,
    tenant_id: i64,
    document_id: i64,
) -> StoreResult<Vec<VersionRow>> {
    let sql = concat!(
        version_select!(),
        " WHERE d.tenant_id = $1 AND v.document_id = $2 ORDER BY v.version DESC"
    );
    crate::all_by_ids(db, sql, &[tenant_id, document_id]).await
}

/// A stored file to record.
#[derive(Debug, Clone)]
pub struct StoredFile {
    /// Object store key.
    pub storage_key: String,
    /// Name offered on download.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256 hex.
    pub sha256: String,
}

/// Records an uploaded file: a new document, or a new version of `existing`. Returns the
/// document id and version; `None` when `existing` is not a document of this pupil.
#[allow(clippy::too_many_arguments)]
pub async fn add_document_version(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    request_id: Option<i64>,
    existing: Option<i64>,
    kind: &str,
    title: &str,
    file: &StoredFile,
    notices: &[Notice],
) -> StoreResult<Option<(i64, i64)>> {
    let now = Utc::now();
    let out = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(earlier) = crate::claim_form_tx!(tx, actor) {
            tx.rollback().await?;
            let mut parts = earlier.split('/').map(|x| x.parse::<i64>().ok());
            return Ok(match (parts.next().flatten(), parts.next().flatten()) {
                (Some(d), Some(v)) => Some((d, v)),
                _ => None,
            });
        }
        let document_id = match existing {
            Some(id) => sqlx::query_scalar::<_, i64>(
                "SELECT id FROM documents WHERE id = $1 AND pupil_id = $2 AND tenant_id = $3",
            )
            .bind(id)
            .bind(pupil_id)
            .bind(actor.tenant_id)
            .fetch_optional(&mut *tx)
            .await?,
            None => Some(
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO documents (tenant_id, pupil_id, request_id, kind, title, created_at, created_by)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                )
                .bind(actor.tenant_id)
                .bind(pupil_id)
                .bind(request_id)
                .bind(kind)
                .bind(title)
                .bind(now)
                .bind(actor.user_id)
                .fetch_one(&mut *tx)
                .await?,
            ),
        };
        match document_id {
            None => None,
            Some(document_id) => {
                let version: i64 = sqlx::query_scalar(
                    "SELECT COALESCE(MAX(version), 0) + 1 FROM document_versions WHERE document_id = $1",
                )
                .bind(document_id)
                .fetch_one(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO document_versions (document_id, version, storage_key, file_name, content_type, size_bytes, sha256, uploaded_by, uploaded_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                )
                .bind(document_id)
                .bind(version)
                .bind(&file.storage_key)
                .bind(&file.file_name)
                .bind(&file.content_type)
                .bind(file.size_bytes)
                .bind(&file.sha256)
                .bind(actor.user_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                crate::audit_tx!(tx, actor, "create", "document", format!("{document_id}/{version}"), pupil_id, kind);
                enqueue_notices_tx!(tx, actor.tenant_id, notices);
                // The line goes on the timeline of the request the document belongs to (a new
                // version keeps its document's request, whatever page it was sent from).
                let request_of_doc: Option<i64> =
                    sqlx::query_scalar::<_, Option<i64>>("SELECT request_id FROM documents WHERE id = $1")
                        .bind(document_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if let Some(r) = request_of_doc {
                    let what = if version == 1 {
                        format!("Document toegevoegd: {title}")
                    } else {
                        format!("Nieuwe versie ({version}) van een document: {title}")
                    };
                    sqlx::query(
                        "INSERT INTO request_events (request_id, occurred_at, actor_id, actor_name, what) VALUES ($1, $2, $3, $4, $5)",
                    )
                    .bind(r)
                    .bind(now)
                    .bind(actor.user_id)
                    .bind(actor.name)
                    .bind(&what)
                    .execute(&mut *tx)
                    .await?;
                }
                crate::record_form_outcome_tx!(tx, actor, &format!("{document_id}/{version}"));
                tx.commit().await?;
                Some((document_id, version))
            }
        }
    });
    Ok(out)
}

/// The document kinds present for a request (for the completeness check): the dossier's, this
/// request's and those of the pupil's submitted requests. A concept of another request is the
/// school's own and counts for nothing the SWV cannot see.
pub async fn document_kinds(
    db: &Db,
    tenant_id: i64,
    pupil_id: i64,
    request_id: i64,
) -> StoreResult<Vec<String>> {
    let rows = on_db!(db, pool => sqlx::query_scalar::<_, String>(
        "SELECT DISTINCT d.kind FROM documents d
         LEFT JOIN support_requests r ON r.id = d.request_id
         WHERE d.tenant_id = $1 AND d.pupil_id = $2
           AND (d.request_id IS NULL OR d.request_id = $3 OR r.submitted_at IS NOT NULL)",
    )
    .bind(tenant_id)
    .bind(pupil_id)
    .bind(request_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Reminders

/// Marks a reminder as sent and enqueues its mails, once per key; `false` when it was sent
/// before.
pub async fn remind_once(
    db: &Db,
    tenant_id: i64,
    key: &str,
    notices: &[Notice],
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query("INSERT INTO reminders_sent (key, sent_at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(Utc::now()),
        {
            for n in notices {
                crate::enqueue_in_tx!(
                    tx,
                    &NewMail {
                        tenant_id: Some(tenant_id),
                        idempotency_key: &n.key,
                        to_address: &n.to,
                        subject: &n.subject,
                        body_text: &n.body,
                        attachment: n.attachment.as_ref(),
                        combine: n.combine.as_ref(),
                    }
                );
            }
        })
    });
    Ok(done)
}

/// Every tenant's open requests whose decision is due on or before `by` (for reminders).
pub async fn due_requests(
    db: &Db,
    by: NaiveDate,
) -> StoreResult<Vec<(i64, i64, NaiveDate, Option<String>)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, NaiveDate, Option<String>)>(
        "SELECT r.tenant_id, r.id, r.decision_due, c.email FROM support_requests r LEFT JOIN users c ON c.id = r.contact_id
         WHERE r.status IN ('ingediend', 'in-behandeling', 'advies-gevraagd') AND r.decision_due IS NOT NULL AND r.decision_due <= $1
           AND NOT EXISTS (SELECT 1 FROM request_suspensions s WHERE s.request_id = r.id AND s.until_on IS NULL)",
    )
    .bind(by)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Granted TLVs ending on or before `by` that were not reminded yet: (tenant, decision id, the
/// school to remind: the receiving location once the decision was sent, else the applying one,
/// end).
pub async fn ending_tlvs(
    db: &Db,
    by: NaiveDate,
    today: NaiveDate,
) -> StoreResult<Vec<(i64, i64, i64, NaiveDate)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, i64, NaiveDate)>(
        "SELECT d.tenant_id, d.id,
           CASE WHEN d.sent_on IS NOT NULL AND d.receiving_location_id IS NOT NULL THEN d.receiving_location_id ELSE r.location_id END,
           d.end_on
         FROM decisions d JOIN support_requests r ON r.id = d.request_id
         WHERE d.granted = $1 AND d.end_on IS NOT NULL AND d.end_on <= $2 AND d.end_on >= $3",
    )
    .bind(true)
    .bind(by)
    .bind(today)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Retention

/// What the retention rule needs to know of a pupil's dossier.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DossierActivity {
    /// Samenwerkingsverband.
    pub tenant_id: i64,
    /// Pupil.
    pub pupil_id: i64,
    /// The pupil's last change.
    pub pupil_updated_at: DateTime<Utc>,
    /// The last change of any of its requests.
    pub request_updated_at: Option<DateTime<Utc>>,
    /// The last change of a registration (aanmelding, thuiszitter, sick pupil).
    pub register_updated_at: Option<DateTime<Utc>>,
    /// Requests still open (concept, submitted, in treatment, waiting for advice), plus
    /// registrations still running (an undecided aanmelding, a thuiszitter or a sick pupil).
    pub open_requests: i64,
    /// Bezwaren without an outcome.
    pub open_bezwaren: i64,
    /// The last decision letter.
    pub last_letter_on: Option<NaiveDate>,
    /// The latest end of a granted TLV.
    pub last_tlv_end: Option<NaiveDate>,
    /// A granted TLV without end date.
    pub open_ended_tlvs: i64,
}

/// Every pupil's dossier activity, for the retention rule.
pub async fn dossier_activity(db: &Db) -> StoreResult<Vec<DossierActivity>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, DossierActivity>(
        "SELECT p.tenant_id, p.id AS pupil_id, p.updated_at AS pupil_updated_at,
            (SELECT MAX(r.updated_at) FROM support_requests r WHERE r.pupil_id = p.id) AS request_updated_at,
            (SELECT MAX(x.updated_at) FROM (
                SELECT updated_at FROM aanmeldingen WHERE pupil_id = p.id
                UNION ALL SELECT updated_at FROM thuiszitters WHERE pupil_id = p.id
                UNION ALL SELECT updated_at FROM zieke_leerlingen WHERE pupil_id = p.id) x) AS register_updated_at,
            (SELECT COUNT(*) FROM support_requests r WHERE r.pupil_id = p.id
               AND r.status IN ('concept', 'ingediend', 'in-behandeling', 'advies-gevraagd'))
             + (SELECT COUNT(*) FROM aanmeldingen a WHERE a.pupil_id = p.id AND a.decided_on IS NULL)
             + (SELECT COUNT(*) FROM thuiszitters t WHERE t.pupil_id = p.id AND t.until IS NULL)
             + (SELECT COUNT(*) FROM zieke_leerlingen z WHERE z.pupil_id = p.id AND z.ended_on IS NULL) AS open_requests,
            (SELECT COUNT(*) FROM bezwaren b JOIN decisions d ON d.id = b.decision_id JOIN support_requests r ON r.id = d.request_id
               WHERE r.pupil_id = p.id AND b.outcome IS NULL) AS open_bezwaren,
            (SELECT MAX(x.letter_on) FROM (
                SELECT d.letter_on FROM decisions d JOIN support_requests r ON r.id = d.request_id WHERE r.pupil_id = p.id
                UNION ALL SELECT b.letter_on FROM bezwaar_beslissingen b JOIN decisions d ON d.id = b.decision_id
                  JOIN support_requests r ON r.id = d.request_id WHERE r.pupil_id = p.id) x) AS last_letter_on,
            (SELECT MAX(d.end_on) FROM decisions d JOIN support_requests r ON r.id = d.request_id
               WHERE r.pupil_id = p.id AND d.granted = $1) AS last_tlv_end,
            (SELECT COUNT(*) FROM decisions d JOIN support_requests r ON r.id = d.request_id
               WHERE r.pupil_id = p.id AND d.granted = $1 AND d.placement IS NOT NULL AND d.end_on IS NULL) AS open_ended_tlvs
         FROM pupils p ORDER BY p.id",
    )
    .bind(true)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Removes a pupil's whole dossier in one transaction and records it in the audit trail (which
/// keeps only ids). Returns the object-store keys of its files, to delete after the commit.
pub async fn purge_pupil(
    db: &Db,
    tenant_id: i64,
    pupil_id: i64,
    detail: &str,
) -> StoreResult<Vec<String>> {
    let keys = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let mut keys: Vec<String> = sqlx::query_scalar(
            "SELECT v.storage_key FROM document_versions v JOIN documents d ON d.id = v.document_id WHERE d.pupil_id = $1",
        )
        .bind(pupil_id)
        .fetch_all(&mut *tx)
        .await?;
        let letters: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT d.letter_key FROM decisions d JOIN support_requests r ON r.id = d.request_id WHERE r.pupil_id = $1",
        )
        .bind(pupil_id)
        .fetch_all(&mut *tx)
        .await?;
        keys.extend(letters.into_iter().flatten());
        let bob_letters: Vec<Option<String>> = sqlx::query_scalar(
            "SELECT b.letter_key FROM bezwaar_beslissingen b JOIN decisions d ON d.id = b.decision_id
             JOIN support_requests r ON r.id = d.request_id WHERE r.pupil_id = $1",
        )
        .bind(pupil_id)
        .fetch_all(&mut *tx)
        .await?;
        keys.extend(bob_letters.into_iter().flatten());
        for sql in [
            "DELETE FROM parent_responses WHERE pupil_id = $1",
            "DELETE FROM parent_links WHERE pupil_id = $1",
            "DELETE FROM document_shares WHERE document_id IN (SELECT id FROM documents WHERE pupil_id = $1)",
            "DELETE FROM request_shares WHERE request_id IN (SELECT id FROM support_requests WHERE pupil_id = $1)",
            "DELETE FROM document_versions WHERE document_id IN (SELECT id FROM documents WHERE pupil_id = $1)",
            "DELETE FROM documents WHERE pupil_id = $1",
            "DELETE FROM decision_history WHERE decision_id IN (SELECT d.id FROM decisions d JOIN support_requests r ON r.id = d.request_id WHERE r.pupil_id = $1)",
            "DELETE FROM bezwaar_beslissingen WHERE decision_id IN (SELECT d.id FROM decisions d JOIN support_requests r ON r.id = d.request_id WHERE r.pupil_id = $1)",
            "DELETE FROM bezwaren WHERE decision_id IN (SELECT d.id FROM decisions d JOIN support_requests r ON r.id = d.request_id WHERE r.pupil_id = $1)",
            "DELETE FROM decisions WHERE request_id IN (SELECT id FROM support_requests WHERE pupil_id = $1)",
            "DELETE FROM advices WHERE request_id IN (SELECT id FROM support_requests WHERE pupil_id = $1)",
            "DELETE FROM meetings WHERE request_id IN (SELECT id FROM support_requests WHERE pupil_id = $1)",
            "DELETE FROM request_suspensions WHERE request_id IN (SELECT id FROM support_requests WHERE pupil_id = $1)",
            "DELETE FROM request_events WHERE request_id IN (SELECT id FROM support_requests WHERE pupil_id = $1)",
            "DELETE FROM support_requests WHERE pupil_id = $1",
            "DELETE FROM aanmeldingen WHERE pupil_id = $1",
            "DELETE FROM thuiszitters WHERE pupil_id = $1",
            "DELETE FROM ziekte_evaluaties WHERE sick_id IN (SELECT id FROM zieke_leerlingen WHERE pupil_id = $1)",
            "DELETE FROM zieke_leerlingen WHERE pupil_id = $1",
            "DELETE FROM guardians WHERE pupil_id = $1",
            "DELETE FROM pupils WHERE id = $1",
        ] {
            sqlx::query(sql).bind(pupil_id).execute(&mut *tx).await?;
        }
        let object_id = pupil_id.to_string();
        let mut event = Event::cli(Some(tenant_id), "delete", "leerling", &object_id, detail);
        event.pupil_id = Some(pupil_id);
        crate::append_in_tx!(tx, &event);
        tx.commit().await?;
        keys
    });
    Ok(keys)
}
