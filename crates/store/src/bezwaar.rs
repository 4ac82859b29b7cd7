//! The letters' sending and the beslissing op bezwaar.
//!
//! - A decision is made known by sending it (Awb 3:41): the day its letter was sent or handed
//!   over is recorded, once, and the bezwaar term runs from it.
//! - After the LBT's advice the samenwerkingsverband decides on the bezwaar (Awb 7:11): gegrond,
//!   ongegrond or niet-ontvankelijk. A gegrond bezwaar revokes the decision and puts a new one in
//!   its place. The beslissing has its own letter, naming beroep at the rechtbank; it holds once
//!   made known (Awb 3:40), so only when its letter is recorded as sent is the new content
//!   written into the decision (the TLV register shows what holds), after what it said before
//!   is copied into `decision_history`, and does the request's status follow. The decision's
//!   own reasons stay as they were: the original letter can always be made again.
//!
//! Each change is one transaction with its timeline line, audit event and mails.

use crate::casework::{Actor, Notice, Request};
use crate::outbox::NewMail;
use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{DateTime, NaiveDate, Utc};

/// A beslissing op bezwaar to store.
#[derive(Debug, Clone, Default)]
pub struct NewBeslissing {
    /// `gegrond`, `ongegrond` or `niet-ontvankelijk`.
    pub outcome: String,
    /// Why, in plain Dutch (it goes into the letter).
    pub reasons: String,
    /// Why it deviates from the LBT's advice, when it does (Awb 7:13 lid 7); else empty.
    pub deviation: String,
    /// The decision is revoked and replaced by the content below (always when gegrond).
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
    /// Why it deviates from the LBT's advice; empty when it does not.
    pub deviation: String,
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
    /// The day the bezwaar was put to the LBT, if it was.
    pub lbt_sent_on: Option<NaiveDate>,
    /// The LBT's advice, if any.
    pub lbt_advice: Option<String>,
    /// Its date.
    pub lbt_advice_on: Option<NaiveDate>,
}

macro_rules! beslissing_select {
    () => {
        "SELECT b.id, b.bezwaar_id, b.decision_id, d.request_id, b.outcome, b.reasons, b.deviation, b.revokes, b.granted, b.placement,
        b.category, b.start_on, b.end_on, b.receiving_location_id, rl.name AS receiving_name, u.name AS decided_by_name,
        b.decided_at, b.letter_on, b.letter_key, b.sent_on, b.sent_how, z.received_on AS bezwaar_received_on, z.filed_by,
        z.lbt_sent_on, z.lbt_advice, z.lbt_advice_on
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
    crate::all_by_ids(db, sql, &[decision_id]).await
}

/// A beslissing op bezwaar of this tenant.
pub async fn beslissing(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<BeslissingRow>> {
    let sql = concat!(
        beslissing_select!(),
        " WHERE d.tenant_id = $1 AND b.id = $2"
    );
    crate::one_by_ids(db, sql, &[tenant_id, id]).await
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
    crate::one_by_ids(db, sql, &[tenant_id, bezwaar_id]).await
}

/// What a decision said before a beslissing op bezwaar replaced it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    /// Granted.
    pub granted: bool,
    /// Receiving school location.
    pub receiving_location_id: Option<i64>,
    /// Its name.
    pub receiving_name: Option<String>,
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

/// Whether a decision was revoked and replaced by a beslissing op bezwaar (it has history).
pub async fn was_replaced(db: &Db, decision_id: i64) -> StoreResult<bool> {
    let n: i64 = on_db!(db, pool => sqlx::query_scalar(
        "SELECT COUNT(*) FROM decision_history WHERE decision_id = $1",
    )
    .bind(decision_id)
    .fetch_one(pool)
    .await)?;
    Ok(n > 0)
}

/// The earlier contents of a decision, oldest first.
pub async fn history(db: &Db, decision_id: i64) -> StoreResult<Vec<HistoryRow>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, HistoryRow>(
        "SELECT h.granted, h.receiving_location_id, l.name AS receiving_name, h.placement, h.category, h.start_on, h.end_on,
           h.replaced_at, h.replaced_by
         FROM decision_history h LEFT JOIN locations l ON l.id = h.receiving_location_id
         WHERE h.decision_id = $1 ORDER BY h.id",
    )
    .bind(decision_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Takes the beslissing op bezwaar: the bezwaar gets its outcome and the beslissing is stored,
/// all or nothing (a revocation takes effect when its letter is sent: [`record_sent`]). `None`
/// when the bezwaar already had an outcome (another toeleider was first) or is not of this
/// request.
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
                    "INSERT INTO bezwaar_beslissingen (bezwaar_id, decision_id, outcome, reasons, deviation, revokes, granted, placement,
                       category, start_on, end_on, receiving_location_id, decided_by, decided_at, letter_on)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
                )
                .bind(bezwaar_id)
                .bind(decision_id)
                .bind(&b.outcome)
                .bind(&b.reasons)
                .bind(&b.deviation)
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
/// mails go with it. A revoking beslissing op bezwaar takes effect with it: what the decision
/// said is copied into `decision_history`, the new content written into the decision and the
/// request's status moved, in the same transaction. `false` when it was recorded before.
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
        if let (1, Letter::Beslissing(id)) = (n, letter) {
            let now = Utc::now();
            let revoking: Option<(i64, Option<bool>)> = sqlx::query_as(
                "SELECT decision_id, granted FROM bezwaar_beslissingen WHERE id = $1 AND revokes = $2",
            )
            .bind(id)
            .bind(true)
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((decision_id, granted)) = revoking {
                // The decision's row first, so two revocations sent at once follow each other
                // and each keeps what the decision said just before it.
                sqlx::query("UPDATE decisions SET id = id WHERE id = $1")
                    .bind(decision_id)
                    .execute(&mut *tx)
                    .await?;
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
                    "UPDATE decisions SET granted = COALESCE(b.granted, FALSE), placement = b.placement, category = b.category,
                       start_on = b.start_on, end_on = b.end_on, receiving_location_id = b.receiving_location_id,
                       expiry_reminded_at = NULL
                     FROM (SELECT granted, placement, category, start_on, end_on, receiving_location_id
                           FROM bezwaar_beslissingen WHERE id = $1) AS b
                     WHERE decisions.id = $2",
                )
                .bind(id)
                .bind(decision_id)
                .execute(&mut *tx)
                .await?;
                let status = if granted == Some(true) { "toegekend" } else { "afgewezen" };
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

/// A letter decided but not recorded as sent: (tenant, request id, `besluit` or `beslissing`,
/// its id, the e-mail of who decided, if known).
pub type UnsentLetter = (i64, i64, String, i64, Option<String>);

/// TLV decision letters and letters of beslissingen op bezwaar dated on or before `by` whose
/// sending was not recorded: until it is, no term runs and nobody was told.
pub async fn unsent_letters(db: &Db, by: NaiveDate) -> StoreResult<Vec<UnsentLetter>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, UnsentLetter>(
        "SELECT d.tenant_id, d.request_id, 'besluit', d.id, u.email FROM decisions d
           JOIN support_requests r ON r.id = d.request_id LEFT JOIN users u ON u.id = d.decided_by
         WHERE d.sent_on IS NULL AND d.letter_on <= $1 AND r.kind LIKE 'tlv-%'
         UNION ALL
         SELECT d.tenant_id, d.request_id, 'beslissing', b.id, u.email FROM bezwaar_beslissingen b
           JOIN decisions d ON d.id = b.decision_id LEFT JOIN users u ON u.id = b.decided_by
         WHERE b.sent_on IS NULL AND b.letter_on <= $1",
    )
    .bind(by)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// The bezwaar term of a decision sent on `sent_on`, and whether a bezwaar received on
/// `received` came in time (a bezwaar before the sending is early, not late: Awb 6:10).
pub fn in_time(sent_on: Option<NaiveDate>, received: NaiveDate) -> bool {
    sent_on.is_none_or(|s| received <= passend_domain::tlv::bezwaar_deadline(s))
}
