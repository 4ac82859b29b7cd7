//! What the start pages ("Vandaag") ask of the database: for each role the work that waits,
//! scoped exactly as that role's own lists are (a school staff member's locations, the tenant of
//! a toeleider, an expert's own advices). The counting and wording is done by the web layer.

use crate::casework::Request;
use crate::{Db, StoreResult, on_db};
use chrono::{DateTime, NaiveDate, Utc};

/// Requests of the pupils at a school staff member's locations that wait for the school:
/// concepts, and open requests whose term stands still because the samenwerkingsverband asked for
/// information. Oldest first.
pub async fn waiting_for_school(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
) -> StoreResult<Vec<Request>> {
    let sql = concat!(
        request_select!(),
        " WHERE r.tenant_id = $1
           AND p.location_id IN (SELECT location_id FROM user_locations WHERE user_id = $2)
           AND (r.status = 'concept'
                OR (r.status IN ('ingediend', 'in-behandeling', 'advies-gevraagd')
                    AND EXISTS (SELECT 1 FROM request_suspensions s WHERE s.request_id = r.id AND s.until_on IS NULL)))
         ORDER BY r.created_at, r.id LIMIT 500"
    );
    crate::all_by_ids(db, sql, &[tenant_id, user_id]).await
}

/// A parent's answer that came in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ResponseNews {
    /// The pupil.
    pub pupil_id: i64,
    /// Their name.
    pub pupil_name: String,
    /// `gelezen`, `zienswijze`, `toestemming` or `ondertekening`.
    pub kind: String,
    /// The answer (`eens`, `oneens`, `gegeven`, `geweigerd`, …).
    pub answer: String,
    /// The request it answers, for an answer on a shared request.
    pub request_id: Option<i64>,
    /// When.
    pub responded_at: DateTime<Utc>,
}

/// Parents' answers since `since` about the pupils at a school staff member's locations, newest
/// first.
pub async fn responses_for_school(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    since: DateTime<Utc>,
) -> StoreResult<Vec<ResponseNews>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, ResponseNews>(
        "SELECT pr.pupil_id, p.given_name || ' ' || p.family_name AS pupil_name, pr.kind, pr.answer,
           s.request_id, pr.responded_at
         FROM parent_responses pr JOIN pupils p ON p.id = pr.pupil_id
         LEFT JOIN request_shares s ON s.id = pr.request_share_id
         WHERE pr.tenant_id = $1 AND p.tenant_id = $1
           AND p.location_id IN (SELECT location_id FROM user_locations WHERE user_id = $2)
           AND pr.responded_at >= $3
         ORDER BY pr.responded_at DESC, pr.id DESC LIMIT 200",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(since)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// An evaluation of a sick pupil's plan that is due.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EvaluationDue {
    /// The sick pupil's registration.
    pub sick_id: i64,
    /// The pupil.
    pub pupil_id: i64,
    /// Their name.
    pub pupil_name: String,
    /// Planned on.
    pub planned_on: NaiveDate,
}

/// Evaluations of running plans at a school staff member's locations planned on or before `by`
/// and not held yet, earliest first.
pub async fn evaluations_due(
    db: &Db,
    tenant_id: i64,
    user_id: i64,
    by: NaiveDate,
) -> StoreResult<Vec<EvaluationDue>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, EvaluationDue>(
        "SELECT z.id AS sick_id, z.pupil_id, p.given_name || ' ' || p.family_name AS pupil_name, e.planned_on
         FROM ziekte_evaluaties e JOIN zieke_leerlingen z ON z.id = e.sick_id JOIN pupils p ON p.id = z.pupil_id
         WHERE z.tenant_id = $1 AND z.ended_on IS NULL AND e.held_on IS NULL AND e.planned_on <= $3
           AND z.location_id IN (SELECT location_id FROM user_locations WHERE user_id = $2)
         ORDER BY e.planned_on, e.id LIMIT 200",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(by)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// An advice asked and not given yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenAdvice {
    /// The advice.
    pub id: i64,
    /// Its request.
    pub request_id: i64,
    /// The pupil.
    pub pupil_id: i64,
    /// Their name.
    pub pupil_name: String,
    /// The expert.
    pub expert_name: String,
    /// Asked at.
    pub requested_at: DateTime<Utc>,
    /// Due on.
    pub due_on: NaiveDate,
}

/// Advices of the tenant's open requests asked at or before `asked_by`, or due on or before
/// `due_by`, and not given; the earliest due first.
pub async fn open_advices(
    db: &Db,
    tenant_id: i64,
    asked_by: DateTime<Utc>,
    due_by: NaiveDate,
) -> StoreResult<Vec<OpenAdvice>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, OpenAdvice>(
        "SELECT a.id, a.request_id, r.pupil_id, p.given_name || ' ' || p.family_name AS pupil_name,
           u.name AS expert_name, a.requested_at, a.due_on
         FROM advices a JOIN users u ON u.id = a.expert_id JOIN support_requests r ON r.id = a.request_id
         JOIN pupils p ON p.id = r.pupil_id
         WHERE r.tenant_id = $1 AND a.submitted_at IS NULL
           AND r.status IN ('ingediend', 'in-behandeling', 'advies-gevraagd')
           AND (a.requested_at <= $2 OR a.due_on <= $3)
         ORDER BY a.due_on, a.id LIMIT 200",
    )
    .bind(tenant_id)
    .bind(asked_by)
    .bind(due_by)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// A planned meeting.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MeetingNews {
    /// The meeting.
    pub id: i64,
    /// Its request.
    pub request_id: i64,
    /// The pupil.
    pub pupil_id: i64,
    /// Their name.
    pub pupil_name: String,
    /// `tlo` or `mdo`.
    pub kind: String,
    /// When.
    pub starts_at: DateTime<Utc>,
    /// Where.
    pub place: String,
}

/// The tenant's meetings (not cancelled) from `from` up to `until`, by time.
pub async fn meetings_between(
    db: &Db,
    tenant_id: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<Vec<MeetingNews>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, MeetingNews>(
        "SELECT m.id, m.request_id, r.pupil_id, p.given_name || ' ' || p.family_name AS pupil_name, m.kind,
           m.starts_at, m.place
         FROM meetings m JOIN support_requests r ON r.id = m.request_id JOIN pupils p ON p.id = r.pupil_id
         WHERE r.tenant_id = $1 AND m.cancelled_at IS NULL AND m.starts_at >= $2 AND m.starts_at < $3
         ORDER BY m.starts_at, m.id LIMIT 200",
    )
    .bind(tenant_id)
    .bind(from)
    .bind(until)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}
