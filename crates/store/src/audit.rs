//! The audit trail (NEN 7513, BIO 8.15): append-only events in a hash chain.
//!
//! [`append`] writes one event in its own transaction; [`append_in_tx!`] writes one inside a
//! transaction that also makes the change it records, so the change and its record commit
//! together. [`verify`] walks the whole chain.

use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, SubsecRound, Utc};
use passend_domain::audit::{Fields, GENESIS, hash};

/// How an action ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Done.
    Success,
    /// Refused by the access policy.
    Denied,
    /// Failed.
    Failure,
}

impl Outcome {
    /// Stored code.
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Denied => "denied",
            Outcome::Failure => "failure",
        }
    }
}

/// One event to record. Never put personal data in `detail`; pupils appear as `pupil_id`.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// Tenant, if any.
    pub tenant_id: Option<i64>,
    /// The user who acted; `None` for the system (CLI, worker) or an anonymous visitor.
    pub actor_id: Option<i64>,
    /// The role acted in (`beheerder`, `toeleider`, …) or `systeem` / `anoniem`.
    pub actor_role: &'a str,
    /// The user on whose behalf, if not the actor.
    pub on_behalf_of: Option<i64>,
    /// `read`, `search`, `export`, `download`, `create`, `update`, `delete`, `import`, `login`, …
    pub action: &'a str,
    /// What kind of object.
    pub object_type: &'a str,
    /// Which object.
    pub object_id: &'a str,
    /// The pupil concerned, as an id.
    pub pupil_id: Option<i64>,
    /// How it ended.
    pub outcome: Outcome,
    /// Network address, or `cli`.
    pub origin: &'a str,
    /// Correlation id of the request, or `-`.
    pub request_id: &'a str,
    /// A short technical note without personal data.
    pub detail: &'a str,
}

impl<'a> Event<'a> {
    /// An administrative action from the command line.
    pub fn cli(
        tenant_id: Option<i64>,
        action: &'a str,
        object_type: &'a str,
        object_id: &'a str,
        detail: &'a str,
    ) -> Event<'a> {
        Event {
            tenant_id,
            actor_id: None,
            actor_role: "systeem",
            on_behalf_of: None,
            action,
            object_type,
            object_id,
            pupil_id: None,
            outcome: Outcome::Success,
            origin: "cli",
            request_id: "-",
            detail,
        }
    }
}

impl Event<'_> {
    /// The fields that are hashed, for the event with this id and time.
    pub fn fields<'b>(&'b self, id: i64, occurred_at: &'b str) -> Fields<'b> {
        Fields {
            id,
            tenant_id: self.tenant_id,
            occurred_at,
            actor_id: self.actor_id,
            actor_role: self.actor_role,
            on_behalf_of: self.on_behalf_of,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            pupil_id: self.pupil_id,
            outcome: self.outcome.code(),
            origin: self.origin,
            request_id: self.request_id,
            detail: self.detail,
        }
    }
}

/// The time as stored and hashed: UTC, whole microseconds (what both databases keep exactly).
pub fn timestamp(t: DateTime<Utc>) -> (DateTime<Utc>, String) {
    let t = t.trunc_subsecs(6);
    (t, t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
}

/// Writes one row of the chain inside an open transaction (used by [`append_in_tx!`] and
/// [`append_many`]).
#[macro_export]
macro_rules! insert_audit_row {
    ($tx:expr, $event:expr, $id:expr, $at:expr, $prev:expr, $hash:expr) => {{
        let event: &$crate::audit::Event<'_> = $event;
        sqlx::query(
            "INSERT INTO audit_events (id, tenant_id, occurred_at, actor_id, actor_role, on_behalf_of, action, object_type,
               object_id, pupil_id, outcome, origin, request_id, detail, prev_hash, hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        )
        .bind($id)
        .bind(event.tenant_id)
        .bind($at)
        .bind(event.actor_id)
        .bind(event.actor_role)
        .bind(event.on_behalf_of)
        .bind(event.action)
        .bind(event.object_type)
        .bind(event.object_id)
        .bind(event.pupil_id)
        .bind(event.outcome.code())
        .bind(event.origin)
        .bind(event.request_id)
        .bind(event.detail)
        .bind($prev)
        .bind($hash)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// The conditional update with its audit, the one shape every "save if nobody saved since"
/// takes: runs `$query` (an UPDATE or DELETE with its binds, whose WHERE holds the condition)
/// in the open transaction `$tx`. When it changed exactly one row, it runs `$then` (the audit
/// event and whatever else belongs to the change) and commits; otherwise the transaction is
/// dropped, which rolls it back. Evaluates to whether the change was made.
#[macro_export]
macro_rules! update_one_tx {
    ($tx:ident, $query:expr, $then:block) => {{
        let n = $query.execute(&mut *$tx).await?.rows_affected();
        if n == 1 {
            $then
            $tx.commit().await?;
        }
        n == 1
    }};
}

/// Records `$action` on an object of a pupil inside the open transaction `$tx`: the actor's audit
/// event, with the object's id as text.
#[macro_export]
macro_rules! audit_tx {
    ($tx:ident, $actor:expr, $action:expr, $object_type:expr, $object_id:expr, $pupil_id:expr, $detail:expr) => {{
        let object_id = $object_id.to_string();
        let event = $actor.event($action, $object_type, &object_id, Some($pupil_id), $detail);
        $crate::append_in_tx!($tx, &event)
    }};
}

/// Appends an event inside an open transaction `$tx` of either backend; evaluates to the new id.
/// Takes the chain head first, which serialises concurrent appends on SQLite and PostgreSQL.
#[macro_export]
macro_rules! append_in_tx {
    ($tx:expr, $event:expr) => {{
        let event: &$crate::audit::Event<'_> = $event;
        let (last_id, last_hash): (i64, String) = sqlx::query_as(
            "UPDATE audit_head SET last_id = last_id WHERE id = 1 RETURNING last_id, last_hash",
        )
        .fetch_one(&mut *$tx)
        .await?;
        let id = last_id + 1;
        let (at, at_text) = $crate::audit::timestamp(chrono::Utc::now());
        let fields = event.fields(id, &at_text);
        let new_hash = passend_domain::audit::hash(&last_hash, &fields);
        $crate::insert_audit_row!($tx, event, id, at, &last_hash, &new_hash);
        sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1")
            .bind(id)
            .bind(&new_hash)
            .execute(&mut *$tx)
            .await?;
        id
    }};
}

/// Appends one event in its own transaction; returns its id.
pub async fn append(db: &Db, event: &Event<'_>) -> StoreResult<i64> {
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let id = append_in_tx!(tx, event);
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Appends several events in one transaction (a list or an export: one event per pupil shown).
/// Takes the chain head once, hashes the events in order and moves the head once.
pub async fn append_many(db: &Db, events: &[Event<'_>]) -> StoreResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let (mut last_id, mut last_hash): (i64, String) =
            sqlx::query_as("UPDATE audit_head SET last_id = last_id WHERE id = 1 RETURNING last_id, last_hash")
                .fetch_one(&mut *tx)
                .await?;
        let (at, at_text) = timestamp(Utc::now());
        for event in events {
            let id = last_id + 1;
            let new_hash = hash(&last_hash, &event.fields(id, &at_text));
            crate::insert_audit_row!(tx, event, id, at, &last_hash, &new_hash);
            last_id = id;
            last_hash = new_hash;
        }
        sqlx::query("UPDATE audit_head SET last_id = $1, last_hash = $2 WHERE id = 1")
            .bind(last_id)
            .bind(&last_hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
    });
    Ok(())
}

/// A stored event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredEvent {
    /// Sequence number.
    pub id: i64,
    /// Tenant.
    pub tenant_id: Option<i64>,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Who.
    pub actor_id: Option<i64>,
    /// In which role.
    pub actor_role: String,
    /// On whose behalf.
    pub on_behalf_of: Option<i64>,
    /// What.
    pub action: String,
    /// Object type.
    pub object_type: String,
    /// Object id.
    pub object_id: String,
    /// Pupil.
    pub pupil_id: Option<i64>,
    /// Outcome.
    pub outcome: String,
    /// Origin.
    pub origin: String,
    /// Correlation id.
    pub request_id: String,
    /// Detail.
    pub detail: String,
    /// Previous hash as stored.
    pub prev_hash: String,
    /// Hash as stored.
    pub hash: String,
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Events checked.
    pub checked: u64,
    /// The first problem: (event id, what is wrong), if any.
    pub problem: Option<(i64, String)>,
}

const PAGE: i64 = 1_000;

/// Walks the whole chain in order: every hash recomputed, every link checked, no gaps, and the
/// head matching the last event (so a removed tail shows too).
pub async fn verify(db: &Db) -> StoreResult<Verification> {
    // The head first: events appended while we read are checked next time, not reported.
    let (last_id, last_hash): (i64, String) = on_db!(db, pool => sqlx::query_as(
        "SELECT last_id, last_hash FROM audit_head WHERE id = 1",
    )
    .fetch_one(pool)
    .await)?;
    let mut checked = 0u64;
    let mut expected_prev = GENESIS.to_owned();
    let mut expected_id = 1i64;
    loop {
        let page = on_db!(db, pool => sqlx::query_as::<_, StoredEvent>(
            "SELECT id, tenant_id, occurred_at, actor_id, actor_role, on_behalf_of, action, object_type, object_id,
                    pupil_id, outcome, origin, request_id, detail, prev_hash, hash
             FROM audit_events WHERE id >= $1 AND id <= $3 ORDER BY id LIMIT $2",
        )
        .bind(expected_id)
        .bind(PAGE)
        .bind(last_id)
        .fetch_all(pool)
        .await)?;
        let done = (page.len() as i64) < PAGE;
        for e in page {
            if e.id != expected_id {
                return Ok(Verification {
                    checked,
                    problem: Some((expected_id, format!("ontbreekt (volgende is {})", e.id))),
                });
            }
            if e.prev_hash != expected_prev {
                return Ok(Verification {
                    checked,
                    problem: Some((
                        e.id,
                        "de koppeling met de vorige gebeurtenis klopt niet".to_owned(),
                    )),
                });
            }
            let (_, at) = timestamp(e.occurred_at);
            let fields = Fields {
                id: e.id,
                tenant_id: e.tenant_id,
                occurred_at: &at,
                actor_id: e.actor_id,
                actor_role: &e.actor_role,
                on_behalf_of: e.on_behalf_of,
                action: &e.action,
                object_type: &e.object_type,
                object_id: &e.object_id,
                pupil_id: e.pupil_id,
                outcome: &e.outcome,
                origin: &e.origin,
                request_id: &e.request_id,
                detail: &e.detail,
            };
            if hash(&e.prev_hash, &fields) != e.hash {
                return Ok(Verification {
                    checked,
                    problem: Some((e.id, "de inhoud is gewijzigd".to_owned())),
                });
            }
            checked += 1;
            expected_prev = e.hash;
            expected_id += 1;
        }
        if done {
            break;
        }
    }
    if last_id != expected_id - 1 || last_hash != expected_prev {
        return Ok(Verification {
            checked,
            problem: Some((
                last_id,
                format!(
                    "het einde van de keten ontbreekt: laatste gebeurtenis hoort {last_id} te zijn"
                ),
            )),
        });
    }
    Ok(Verification {
        checked,
        problem: None,
    })
}

/// The newest events first, for the viewer and tests.
pub async fn recent(db: &Db, limit: i64) -> StoreResult<Vec<StoredEvent>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, StoredEvent>(
        "SELECT id, tenant_id, occurred_at, actor_id, actor_role, on_behalf_of, action, object_type, object_id,
                pupil_id, outcome, origin, request_id, detail, prev_hash, hash
         FROM audit_events ORDER BY id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Filters of the audit viewer. Every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Events by this user.
    pub actor_id: Option<i64>,
    /// Of this action.
    pub action: Option<String>,
    /// On this kind of object.
    pub object_type: Option<String>,
    /// On this object.
    pub object_id: Option<String>,
    /// About this pupil.
    pub pupil_id: Option<i64>,
    /// With this outcome.
    pub outcome: Option<String>,
    /// From this moment.
    pub from: Option<DateTime<Utc>>,
    /// Before this moment.
    pub until: Option<DateTime<Utc>>,
    /// Only events with an id below this (paging back).
    pub before_id: Option<i64>,
}

/// The events of a tenant matching a filter, newest first, at most `limit`.
pub async fn search(
    db: &Db,
    tenant_id: i64,
    filter: &Filter,
    limit: i64,
) -> StoreResult<Vec<StoredEvent>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, StoredEvent>(
        "SELECT id, tenant_id, occurred_at, actor_id, actor_role, on_behalf_of, action, object_type, object_id,
                pupil_id, outcome, origin, request_id, detail, prev_hash, hash
         FROM audit_events
         WHERE (tenant_id = $1 OR tenant_id IS NULL)
           AND ($2 IS NULL OR actor_id = $2) AND ($3 IS NULL OR action = $3) AND ($4 IS NULL OR object_type = $4)
           AND ($5 IS NULL OR object_id = $5) AND ($6 IS NULL OR pupil_id = $6) AND ($7 IS NULL OR outcome = $7)
           AND ($8 IS NULL OR occurred_at >= $8) AND ($9 IS NULL OR occurred_at < $9) AND ($10 IS NULL OR id < $10)
         ORDER BY id DESC LIMIT $11",
    )
    .bind(tenant_id)
    .bind(filter.actor_id)
    .bind(filter.action.as_deref())
    .bind(filter.object_type.as_deref())
    .bind(filter.object_id.as_deref())
    .bind(filter.pupil_id)
    .bind(filter.outcome.as_deref())
    .bind(filter.from)
    .bind(filter.until)
    .bind(filter.before_id)
    .bind(limit)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}
