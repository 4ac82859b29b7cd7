//! The letters' sending and the beslissing op bezwaar.
//!
//! - A decision is made known by sending it (Awb 3:41): the day its letter was sent or handed
//!   over is recorded, once, and the bezwaar term runs from it.
//! - After the LBT's advice the samenwerkingsverband decides on the bezwaar (Awb 7:11): gegrond,
//!   ongegrond or niet-ontvankelijk. A gegrond bezwaar revokes the decision and puts a new one in
//!   its place: the new content is written into the decision (the TLV register shows what holds)
//!   after what it said before is copied into `decision_history`, and the request's status
//!   follows. The beslissing has its own letter, naming beroep at the rechtbank.
//!
//! Each change is one transaction with its timeline line, audit event and mails.

use crate::casework::{Actor, Notice, Request};
use crate::outbox::NewMail;
use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, NaiveDate, Utc};

/// A beslissing op bezwaar to store.
#[derive(Debug, Clone)]
pub struct NewBeslissing {
    /// `gegrond`, `ongegrond` or `niet-ontvankelijk`.
    pub outcome: String,
    /// Why, in plain Dutch (it goes into the letter).
    pub reasons: String,
    /// The decision is revoked and replaced by the content below.
    pub revokes: bool,
    /// The new decision: granted.
    pub granted: Option<bool>,
    /// `sbo` or `so`.
    pub placement: Option<String>,
    /// Category for SO.
    pub category: Option<String>,
    /// Start.
    pub start_on: Option<NaiveDate>,
    /// End (`None`: no end date).
    pub end_on: Option<NaiveDate>,
    /// Receiving school location.
    pub receiving_location_id: Option<i64>,
    /// The letter's date.
    pub letter_on: NaiveDate,
    /// The request's status after a revocation (`toegekend` or `afgewezen`).
    pub status: Option<String>,
}

/// A beslissing op bezwaar as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BeslissingRow {
    /// Id.
    pub id: i64,
    /// The bezwaar.
    pub bezwaar_id: i64,
    /// The decision objected to.
    pub decision_id: i64,
    /// The request.
    pub request_id: i64,
    /// `gegrond`, `ongegrond`, `niet-ontvankelijk`.
    pub outcome: String,
    /// Why.
    pub reasons: String,
    /// Whether the decision was revoked and replaced.
    pub revokes: bool,
    /// New content: granted.
    pub granted: Option<bool>,
    /// New content: `sbo`, `so`.
    pub placement: Option<String>,
    /// New content: category.
    pub category: Option<String>,
    /// New content: start.
    pub start_on: Option<NaiveDate>,
    /// New content: end.
    pub end_on: Option<NaiveDate>,
    /// New content: receiving location.
    pub receiving_location_id: Option<i64>,
    /// Its name.
    pub receiving_name: Option<String>,
    /// Who decided.
    pub decided_by_name: Option<String>,
    /// When.
    pub decided_at: DateTime<Utc>,
    /// The letter's date.
    pub letter_on: NaiveDate,
    /// The letter in the object store.
    pub letter_key: Option<String>,
    /// Sent or handed over on.
    pub sent_on: Option<NaiveDate>,
    /// How.
    pub sent_how: Option<String>,
    /// The bezwaar's receipt.
    pub bezwaar_received_on: NaiveDate,
    /// Who filed it: `ouders`, `school`, `anders`.
    pub filed_by: String,
    /// The LBT's advice, if any.
    pub lbt_advice: Option<String>,
    /// Its date.
    pub lbt_advice_on: Option<NaiveDate>,
}

macro_rules! beslissing_select {
    () => {
        "SELECT b.id, b.bezwaar_id, b.decision_id, d.request_id, b.outcome, b.reasons, b.revokes, b.granted, b.placement,
        b.category, b.start_on, b.end_on, b.receiving_location_id, rl.name AS receiving_name, u.name AS decided_by_name,
        b.decided_at, b.letter_on, b.letter_key, b.sent_on, b.sent_how, z.received_on AS bezwaar_received_on, z.filed_by,
        z.lbt_advice, z.lbt_advice_on
   FROM bezwaar_beslissingen b JOIN decisions d ON d.id = b.decision_id JOIN bezwaren z ON z.id = b.bezwaar_id
   LEFT JOIN locations rl ON rl.id = b.receiving_location_id LEFT JOIN users u ON u.id = b.decided_by"
    };
}

/// The beslissingen op bezwaar on a decision, oldest first.
pub async fn beslissingen(db: &Db, decision_id: i64) -> StoreResult<Vec<BeslissingRow>> {
    let sql = concat!(
        beslissing_select!(),
        " WHERE b.decision_id = $1 ORDER BY b.id"
    );
    let rows = on_db!(db, pool => sqlx::query_as::<_, BeslissingRow>(sql)
        .bind(decision_id)
        .fetch_all(pool)
        .await)?;
    Ok(rows)
}

/// A beslissing op bezwaar of this tenant.
pub async fn beslissing(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<BeslissingRow>> {
    let sql = concat!(
        beslissing_select!(),
        " WHERE d.tenant_id = $1 AND b.id = $2"
    );
    let row = on_db!(db, pool => sqlx::query_as::<_, BeslissingRow>(sql)
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    Ok(row)
}

/// The beslissing on a bezwaar, if it was taken.
pub async fn beslissing_of_bezwaar(
    db: &Db,
    tenant_id: i64,
    bezwaar_id: i64,
) -> StoreResult<Option<BeslissingRow>> {
    let sql = concat!(
        beslissing_select!(),
        " WHERE d.tenant_id = $1 AND b.bezwaar_id = $2"
    );
    let row = on_db!(db, pool => sqlx::query_as::<_, BeslissingRow>(sql)
        .bind(tenant_id)
        .bind(bezwaar_id)
        .fetch_optional(pool)
        .await)?;
    Ok(row)
}

/// What a decision said before a beslissing op bezwaar replaced it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
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
    /// When it was replaced.
    pub replaced_at: DateTime<Utc>,
    /// By which beslissing.
    pub replaced_by: i64,
}

/// The earlier contents of a decision, oldest first.
pub async fn history(db: &Db, decision_id: i64) -> StoreResult<Vec<HistoryRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, HistoryRow>(
        "SELECT granted, placement, category, start_on, end_on, replaced_at, replaced_by
         FROM decision_history WHERE decision_id = $1 ORDER BY id",
    )
    .bind(decision_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Takes the beslissing op bezwaar: the bezwaar gets its outcome, the beslissing is stored, and a
/// revocation writes the new content into the decision (after keeping the old) and moves the
/// request's status; all or nothing. `None` when the bezwaar already had an outcome (another
/// toeleider was first) or is not of this request.
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    bezwaar_id: i64,
    b: &NewBeslissing,
    what: &str,
    notices: &[Notice],
) -> StoreResult<Option<i64>> {
    let now = Utc::now();
    let out = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let decision_id: Option<i64> = sqlx::query_scalar(
            "SELECT z.decision_id FROM bezwaren z JOIN decisions d ON d.id = z.decision_id
             WHERE z.id = $1 AND d.request_id = $2 AND d.tenant_id = $3",
        )
        .bind(bezwaar_id)
        .bind(request.id)
        .bind(actor.tenant_id)
        .fetch_optional(&mut *tx)
        .await?;
        let taken = match decision_id {
            None => 0,
            Some(_) => sqlx::query(
                "UPDATE bezwaren SET outcome = $1, outcome_on = $2 WHERE id = $3 AND outcome IS NULL",
            )
            .bind(&b.outcome)
            .bind(b.letter_on)
            .bind(bezwaar_id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        match (decision_id, taken) {
            (Some(decision_id), 1) => {
                let (id,): (i64,) = sqlx::query_as(
                    "INSERT INTO bezwaar_beslissingen (bezwaar_id, decision_id, outcome, reasons, revokes, granted, placement, category,
                       start_on, end_on, receiving_location_id, decided_by, decided_at, letter_on)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                )
                .bind(bezwaar_id)
                .bind(decision_id)
                .bind(&b.outcome)
                .bind(&b.reasons)
                .bind(b.revokes)
                .bind(b.granted)
                .bind(&b.placement)
                .bind(&b.category)
                .bind(b.start_on)
                .bind(b.end_on)
                .bind(b.receiving_location_id)
                .bind(actor.user_id)
                .bind(now)
                .bind(b.letter_on)
                .fetch_one(&mut *tx)
                .await?;
                if b.revokes {
                    sqlx::query(
                        "INSERT INTO decision_history (decision_id, granted, placement, category, start_on, end_on, receiving_location_id,
                           reasons, replaced_at, replaced_by)
                         SELECT id, granted, placement, category, start_on, end_on, receiving_location_id, reasons, $1, $2
                         FROM decisions WHERE id = $3",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(decision_id)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query(
                        "UPDATE decisions SET granted = $1, placement = $2, category = $3, start_on = $4, end_on = $5,
                           receiving_location_id = $6, reasons = $7, expiry_reminded_at = NULL WHERE id = $8",
                    )
                    .bind(b.granted.unwrap_or(false))
                    .bind(&b.placement)
                    .bind(&b.category)
                    .bind(b.start_on)
                    .bind(b.end_on)
                    .bind(b.receiving_location_id)
                    .bind(&b.reasons)
                    .bind(decision_id)
                    .execute(&mut *tx)
                    .await?;
                    if let Some(status) = &b.status {
                        sqlx::query(
                            "UPDATE support_requests SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3",
                        )
                        .bind(status)
                        .bind(now)
                        .bind(request.id)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                record_tx!(tx, actor, request.id, request.pupil_id, "create", what, "beslissing-op-bezwaar", notices, true);
                tx.commit().await?;
                Some(id)
            }
            _ => None,
        }
    });
    Ok(out)
}

/// Which letter was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Letter {
    /// The decision's.
    Decision(i64),
    /// A beslissing op bezwaar's.
    Beslissing(i64),
}

/// Records the day a letter was sent or handed over, once; its timeline line, audit event and
/// mails go with it. `false` when it was recorded before.
#[allow(clippy::too_many_arguments)]
pub async fn record_sent(
    db: &Db,
    actor: &Actor<'_>,
    request: &Request,
    letter: Letter,
    sent_on: NaiveDate,
    how: &str,
    what: &str,
    notices: &[Notice],
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        let n = match letter {
            Letter::Decision(id) => sqlx::query(
                "UPDATE decisions SET sent_on = $1, sent_how = $2, sent_by = $3
                 WHERE id = $4 AND request_id = $5 AND sent_on IS NULL",
            )
            .bind(sent_on)
            .bind(how)
            .bind(actor.user_id)
            .bind(id)
            .bind(request.id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            Letter::Beslissing(id) => sqlx::query(
                "UPDATE bezwaar_beslissingen SET sent_on = $1, sent_how = $2
                 WHERE id = $3 AND sent_on IS NULL AND decision_id IN (SELECT id FROM decisions WHERE request_id = $4)",
            )
            .bind(sent_on)
            .bind(how)
            .bind(id)
            .bind(request.id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if n == 1 {
            let detail = match letter {
                Letter::Decision(_) => "besluit verzonden",
                Letter::Beslissing(_) => "beslissing op bezwaar verzonden",
            };
            record_tx!(tx, actor, request.id, request.pupil_id, "update", what, detail, notices, true);
            tx.commit().await?;
        }
        n == 1
    });
    Ok(done)
}

/// Puts a (new) letter in place: `old` is the key it replaces (`None`: there was none yet).
/// `false` when another letter was put in place first (the one kept).
pub async fn set_letter(
    db: &Db,
    letter: Letter,
    old: Option<&str>,
    new: &str,
) -> StoreResult<bool> {
    let (sql, id) = match letter {
        Letter::Decision(id) => (
            "UPDATE decisions SET letter_key = $1 WHERE id = $2 AND (letter_key = $3 OR (letter_key IS NULL AND $3 IS NULL))",
            id,
        ),
        Letter::Beslissing(id) => (
            "UPDATE bezwaar_beslissingen SET letter_key = $1 WHERE id = $2 AND (letter_key = $3 OR (letter_key IS NULL AND $3 IS NULL))",
            id,
        ),
    };
    let n = on_db!(db, pool => sqlx::query(sql)
        .bind(new)
        .bind(id)
        .bind(old)
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(n == 1)
}

/// The bezwaar term of a decision sent on `sent_on`, and whether a bezwaar received on
/// `received` came in time (a bezwaar before the sending is early, not late: Awb 6:10).
pub fn in_time(sent_on: Option<NaiveDate>, received: NaiveDate) -> bool {
    sent_on.is_none_or(|s| received <= passend_domain::tlv::bezwaar_deadline(s))
}
