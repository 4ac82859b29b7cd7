//! The school's registers under its zorgplicht: written registrations (aanmeldingen) with their
//! terms, thuiszitters, and sick pupils with their plan and evaluation moments.
//!
//! Every change is one transaction with its audit event (the pupil's id, never a name). Rows
//! carry a version: an edit names the version it started from and is refused when someone else
//! saved in between. Which rows a user may see is decided in the web layer; the list functions
//! take an optional user to scope them to that user's school locations.

use crate::casework::Actor;
use crate::{BeginWrite, Db, StoreResult, on_db};
use chrono::{NaiveDate, Utc};

// ---------------------------------------------------------------------------------------------
// Aanmeldingen

/// What a school records about a registration.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AanmeldingInput {
    /// Received in writing on.
    pub received_on: Option<NaiveDate>,
    /// The start date the parents want.
    pub desired_start: Option<NaiveDate>,
    /// The support need the parents indicated.
    pub support_need: String,
    /// Other schools the child was registered at.
    pub other_registrations: String,
    /// This school is the parents' first preference.
    pub first_preference: bool,
    /// Extension: weeks and the day the parents were told in writing.
    pub extension: Option<(i64, NaiveDate)>,
    /// `toegelaten`, `andere-school` or `geen-zorgplicht`.
    pub outcome: Option<String>,
    /// Why zorgplicht does not apply.
    pub no_zorgplicht_reason: Option<String>,
    /// The school that will admit the child (outcome `andere-school`).
    pub placed_at: Option<String>,
    /// The decision's date.
    pub decided_on: Option<NaiveDate>,
    /// The child was enrolled at another school on.
    pub enrolled_elsewhere_on: Option<NaiveDate>,
    /// Notes.
    pub notes: String,
}

/// A registration as stored, with its pupil and school.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AanmeldingRow {
    /// Id.
    pub id: i64,
    /// Pupil.
    pub pupil_id: i64,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// School location.
    pub location_id: i64,
    /// Its name.
    pub location_name: String,
    /// Received on.
    pub received_on: NaiveDate,
    /// Desired start.
    pub desired_start: NaiveDate,
    /// Support need.
    pub support_need: String,
    /// Other registrations.
    pub other_registrations: String,
    /// First preference.
    pub first_preference: bool,
    /// Extension weeks.
    pub extension_weeks: Option<i64>,
    /// Parents told of the extension on.
    pub extension_told_on: Option<NaiveDate>,
    /// Outcome code.
    pub outcome: Option<String>,
    /// Reason code.
    pub no_zorgplicht_reason: Option<String>,
    /// Other school.
    pub placed_at: Option<String>,
    /// Decided on.
    pub decided_on: Option<NaiveDate>,
    /// Enrolled elsewhere on.
    pub enrolled_elsewhere_on: Option<NaiveDate>,
    /// Notes.
    pub notes: String,
    /// Version.
    pub version: i64,
}

/// The reads by key every register has, one SQL text each from the register's select: one
/// registration of the tenant by id, and a pupil's registrations, newest first.
macro_rules! register_reads {
    ($row:ty, $select:ident, $alias:literal, $newest:literal,
     $(#[$one_doc:meta])* fn $one:ident; $(#[$pupil_doc:meta])* fn $of_pupil:ident;) => {
        $(#[$one_doc])*
        pub async fn $one(db: &Db, tenant_id: i64, id: i64) -> StoreResult<Option<$row>> {
            let sql = concat!($select!(), " WHERE ", $alias, ".tenant_id = $1 AND ", $alias, ".id = $2");
            crate::one_by_ids(db, sql, &[tenant_id, id]).await
        }

        $(#[$pupil_doc])*
        pub async fn $of_pupil(db: &Db, pupil_id: i64) -> StoreResult<Vec<$row>> {
            let sql = concat!($select!(), " WHERE ", $alias, ".pupil_id = $1 ORDER BY ", $newest);
            crate::all_by_ids(db, sql, &[pupil_id]).await
        }
    };
}

macro_rules! aanmelding_select {
    () => {
        "SELECT a.id, a.pupil_id, p.given_name, p.family_name, p.birth_date, a.location_id, l.name AS location_name,
           a.received_on, a.desired_start, a.support_need, a.other_registrations, a.first_preference,
           a.extension_weeks, a.extension_told_on, a.outcome, a.no_zorgplicht_reason, a.placed_at,
           a.decided_on, a.enrolled_elsewhere_on, a.notes, a.version
         FROM aanmeldingen a JOIN pupils p ON p.id = a.pupil_id JOIN locations l ON l.id = a.location_id"
    };
}

fn dates_required(input: &AanmeldingInput) -> (NaiveDate, NaiveDate) {
    let fallback = NaiveDate::default();
    (
        input.received_on.unwrap_or(fallback),
        input.desired_start.unwrap_or(fallback),
    )
}

/// Records a registration of a pupil at the pupil's school.
pub async fn add_aanmelding(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    location_id: i64,
    input: &AanmeldingInput,
) -> StoreResult<i64> {
    let (received, desired) = dates_required(input);
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(earlier) = crate::claim_form_tx!(tx, actor) {
            tx.rollback().await?;
            return crate::casework::earlier_id(&earlier);
        }
        let now = Utc::now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO aanmeldingen (tenant_id, pupil_id, location_id, received_on, desired_start, support_need,
               other_registrations, first_preference, extension_weeks, extension_told_on, outcome, no_zorgplicht_reason,
               placed_at, decided_on, enrolled_elsewhere_on, notes, created_by, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18, 1) RETURNING id",
        )
        .bind(actor.tenant_id)
        .bind(pupil_id)
        .bind(location_id)
        .bind(received)
        .bind(desired)
        .bind(&input.support_need)
        .bind(&input.other_registrations)
        .bind(input.first_preference)
        .bind(input.extension.map(|e| e.0))
        .bind(input.extension.map(|e| e.1))
        .bind(input.outcome.as_deref())
        .bind(input.no_zorgplicht_reason.as_deref())
        .bind(input.placed_at.as_deref())
        .bind(input.decided_on)
        .bind(input.enrolled_elsewhere_on)
        .bind(&input.notes)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let object_id = id.to_string();
        let event = actor.event("create", "aanmelding", &object_id, Some(pupil_id), "");
        crate::append_in_tx!(tx, &event);
        crate::record_form_outcome_tx!(tx, actor, &object_id);
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Saves a registration, if nobody saved it since `version`. Returns whether it was saved.
pub async fn save_aanmelding(
    db: &Db,
    actor: &Actor<'_>,
    row: &AanmeldingRow,
    version: i64,
    input: &AanmeldingInput,
) -> StoreResult<bool> {
    let (received, desired) = dates_required(input);
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE aanmeldingen SET received_on = $1, desired_start = $2, support_need = $3, other_registrations = $4,
               first_preference = $5, extension_weeks = $6, extension_told_on = $7, outcome = $8, no_zorgplicht_reason = $9,
               placed_at = $10, decided_on = $11, enrolled_elsewhere_on = $12, notes = $13, updated_at = $14, version = version + 1
             WHERE id = $15 AND tenant_id = $16 AND version = $17",
        )
        .bind(received)
        .bind(desired)
        .bind(&input.support_need)
        .bind(&input.other_registrations)
        .bind(input.first_preference)
        .bind(input.extension.map(|e| e.0))
        .bind(input.extension.map(|e| e.1))
        .bind(input.outcome.as_deref())
        .bind(input.no_zorgplicht_reason.as_deref())
        .bind(input.placed_at.as_deref())
        .bind(input.decided_on)
        .bind(input.enrolled_elsewhere_on)
        .bind(&input.notes)
        .bind(Utc::now())
        .bind(row.id)
        .bind(actor.tenant_id)
        .bind(version),
        {
            crate::audit_tx!(tx, actor, "update", "aanmelding", row.id, row.pupil_id, "");
        })
    });
    Ok(done)
}

register_reads! {
    AanmeldingRow, aanmelding_select, "a", "a.received_on DESC, a.id DESC",
    /// One registration of the tenant.
    fn aanmelding;
    /// A pupil's registrations, newest first.
    fn aanmeldingen_of_pupil;
}

/// Registrations of the tenant, oldest receipt first: all (`open_only` false) or those without
/// a decision; scoped to a school staff member's locations when `staff` is given.
pub async fn aanmeldingen(
    db: &Db,
    tenant_id: i64,
    staff: Option<i64>,
    open_only: bool,
) -> StoreResult<Vec<AanmeldingRow>> {
    let sql = concat!(
        aanmelding_select!(),
        " WHERE a.tenant_id = $1
           AND ($2 IS NULL OR a.location_id IN (SELECT location_id FROM user_locations WHERE user_id = $2))
           AND ($3 = FALSE OR a.decided_on IS NULL)
         ORDER BY a.received_on, a.id"
    );
    crate::scoped_list(db, sql, tenant_id, staff, open_only).await
}

// ---------------------------------------------------------------------------------------------
// Thuiszitters

/// What a school records about a thuiszitter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThuiszitterInput {
    /// Kind code.
    pub kind: String,
    /// At home since.
    pub since: Option<NaiveDate>,
    /// Back at school on (or the registration ended).
    pub until: Option<NaiveDate>,
    /// What was and is being done.
    pub actions: String,
    /// The perspective: where the child goes, and when.
    pub perspective: String,
    /// There is an education or care offer.
    pub has_offer: bool,
    /// The leerplichtambtenaar involved (name, how to reach them).
    pub leerplicht_contact: String,
    /// Leerplicht informed on.
    pub leerplicht_informed_on: Option<NaiveDate>,
}

/// A thuiszitter as stored, with pupil and school.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ThuiszitterRow {
    /// Id.
    pub id: i64,
    /// Pupil.
    pub pupil_id: i64,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// Date of birth.
    pub birth_date: NaiveDate,
    /// School location.
    pub location_id: i64,
    /// Its name.
    pub location_name: String,
    /// Its vestigingscode.
    pub location_code: String,
    /// Kind code.
    pub kind: String,
    /// Since.
    pub since: NaiveDate,
    /// Until.
    pub until: Option<NaiveDate>,
    /// Actions.
    pub actions: String,
    /// Perspective.
    pub perspective: String,
    /// Offer.
    pub has_offer: bool,
    /// Leerplicht contact.
    pub leerplicht_contact: String,
    /// Leerplicht informed on.
    pub leerplicht_informed_on: Option<NaiveDate>,
    /// Version.
    pub version: i64,
}

macro_rules! thuiszitter_select {
    () => {
        "SELECT t.id, t.pupil_id, p.given_name, p.family_name, p.birth_date, t.location_id, l.name AS location_name,
           l.code AS location_code, t.kind, t.since, t.until, t.actions, t.perspective, t.has_offer,
           t.leerplicht_contact, t.leerplicht_informed_on, t.version
         FROM thuiszitters t JOIN pupils p ON p.id = t.pupil_id JOIN locations l ON l.id = t.location_id"
    };
}

/// Records a thuiszitter.
pub async fn add_thuiszitter(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    location_id: i64,
    input: &ThuiszitterInput,
) -> StoreResult<i64> {
    let since = input.since.unwrap_or_default();
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(earlier) = crate::claim_form_tx!(tx, actor) {
            tx.rollback().await?;
            return crate::casework::earlier_id(&earlier);
        }
        let now = Utc::now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO thuiszitters (tenant_id, pupil_id, location_id, kind, since, until, actions, perspective, has_offer,
               leerplicht_contact, leerplicht_informed_on, created_by, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1) RETURNING id",
        )
        .bind(actor.tenant_id)
        .bind(pupil_id)
        .bind(location_id)
        .bind(&input.kind)
        .bind(since)
        .bind(input.until)
        .bind(&input.actions)
        .bind(&input.perspective)
        .bind(input.has_offer)
        .bind(&input.leerplicht_contact)
        .bind(input.leerplicht_informed_on)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let object_id = id.to_string();
        let event = actor.event("create", "thuiszitter", &object_id, Some(pupil_id), "");
        crate::append_in_tx!(tx, &event);
        crate::record_form_outcome_tx!(tx, actor, &object_id);
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Saves a thuiszitter, if nobody saved it since `version`.
pub async fn save_thuiszitter(
    db: &Db,
    actor: &Actor<'_>,
    row: &ThuiszitterRow,
    version: i64,
    input: &ThuiszitterInput,
) -> StoreResult<bool> {
    let since = input.since.unwrap_or(row.since);
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE thuiszitters SET kind = $1, since = $2, until = $3, actions = $4, perspective = $5, has_offer = $6,
               leerplicht_contact = $7, leerplicht_informed_on = $8, updated_at = $9, version = version + 1
             WHERE id = $10 AND tenant_id = $11 AND version = $12",
        )
        .bind(&input.kind)
        .bind(since)
        .bind(input.until)
        .bind(&input.actions)
        .bind(&input.perspective)
        .bind(input.has_offer)
        .bind(&input.leerplicht_contact)
        .bind(input.leerplicht_informed_on)
        .bind(Utc::now())
        .bind(row.id)
        .bind(actor.tenant_id)
        .bind(version),
        {
            crate::audit_tx!(tx, actor, "update", "thuiszitter", row.id, row.pupil_id, "");
        })
    });
    Ok(done)
}

register_reads! {
    ThuiszitterRow, thuiszitter_select, "t", "t.since DESC, t.id DESC",
    /// One thuiszitter registration of the tenant.
    fn thuiszitter;
    /// A pupil's thuiszitter registrations, newest first.
    fn thuiszitters_of_pupil;
}

/// Thuiszitter registrations of the tenant, longest at home first: all, or only those still
/// running; scoped to a school staff member's locations when `staff` is given.
pub async fn thuiszitters(
    db: &Db,
    tenant_id: i64,
    staff: Option<i64>,
    current_only: bool,
) -> StoreResult<Vec<ThuiszitterRow>> {
    let sql = concat!(
        thuiszitter_select!(),
        " WHERE t.tenant_id = $1
           AND ($2 IS NULL OR t.location_id IN (SELECT location_id FROM user_locations WHERE user_id = $2))
           AND ($3 = FALSE OR t.until IS NULL)
         ORDER BY t.since, t.id"
    );
    let rows =
        crate::scoped_list::<ThuiszitterRow>(db, sql, tenant_id, staff, current_only).await?;
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// Zieke leerlingen

/// What a school records about a sick pupil.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SickInput {
    /// Ill since.
    pub since: Option<NaiveDate>,
    /// Expected back on.
    pub expected_until: Option<NaiveDate>,
    /// Referred to the OZL consulent on.
    pub ozl_referred_on: Option<NaiveDate>,
    /// The OZL consulent (name, organisation, how to reach them).
    pub ozl_consulent: String,
    /// The plan: how the pupil keeps learning.
    pub plan: String,
    /// Who is involved and how to reach them.
    pub contacts: String,
    /// Back at school (or the registration ended) on.
    pub ended_on: Option<NaiveDate>,
}

/// A sick pupil as stored, with pupil and school.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SickRow {
    /// Id.
    pub id: i64,
    /// Pupil.
    pub pupil_id: i64,
    /// Given name.
    pub given_name: String,
    /// Family name.
    pub family_name: String,
    /// School location.
    pub location_id: i64,
    /// Its name.
    pub location_name: String,
    /// Since.
    pub since: NaiveDate,
    /// Expected until.
    pub expected_until: NaiveDate,
    /// Referred on.
    pub ozl_referred_on: Option<NaiveDate>,
    /// Consulent.
    pub ozl_consulent: String,
    /// Plan.
    pub plan: String,
    /// Contacts.
    pub contacts: String,
    /// Ended on.
    pub ended_on: Option<NaiveDate>,
    /// Version.
    pub version: i64,
}

macro_rules! sick_select {
    () => {
        "SELECT z.id, z.pupil_id, p.given_name, p.family_name, z.location_id, l.name AS location_name, z.since,
           z.expected_until, z.ozl_referred_on, z.ozl_consulent, z.plan, z.contacts, z.ended_on, z.version
         FROM zieke_leerlingen z JOIN pupils p ON p.id = z.pupil_id JOIN locations l ON l.id = z.location_id"
    };
}

/// An evaluation moment of a plan.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Evaluation {
    /// Id.
    pub id: i64,
    /// Planned on.
    pub planned_on: NaiveDate,
    /// Held on.
    pub held_on: Option<NaiveDate>,
    /// What came out of it.
    pub notes: String,
}

/// Records a sick pupil.
pub async fn add_sick(
    db: &Db,
    actor: &Actor<'_>,
    pupil_id: i64,
    location_id: i64,
    input: &SickInput,
) -> StoreResult<i64> {
    let since = input.since.unwrap_or_default();
    let until = input.expected_until.unwrap_or(since);
    let id = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        if let Some(earlier) = crate::claim_form_tx!(tx, actor) {
            tx.rollback().await?;
            return crate::casework::earlier_id(&earlier);
        }
        let now = Utc::now();
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO zieke_leerlingen (tenant_id, pupil_id, location_id, since, expected_until, ozl_referred_on,
               ozl_consulent, plan, contacts, ended_on, created_by, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1) RETURNING id",
        )
        .bind(actor.tenant_id)
        .bind(pupil_id)
        .bind(location_id)
        .bind(since)
        .bind(until)
        .bind(input.ozl_referred_on)
        .bind(&input.ozl_consulent)
        .bind(&input.plan)
        .bind(&input.contacts)
        .bind(input.ended_on)
        .bind(actor.user_id)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let object_id = id.to_string();
        let event = actor.event("create", "zieke-leerling", &object_id, Some(pupil_id), "");
        crate::append_in_tx!(tx, &event);
        crate::record_form_outcome_tx!(tx, actor, &object_id);
        tx.commit().await?;
        id
    });
    Ok(id)
}

/// Saves a sick pupil's registration, if nobody saved it since `version`.
pub async fn save_sick(
    db: &Db,
    actor: &Actor<'_>,
    row: &SickRow,
    version: i64,
    input: &SickInput,
) -> StoreResult<bool> {
    let since = input.since.unwrap_or(row.since);
    let until = input.expected_until.unwrap_or(row.expected_until);
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE zieke_leerlingen SET since = $1, expected_until = $2, ozl_referred_on = $3, ozl_consulent = $4, plan = $5,
               contacts = $6, ended_on = $7, updated_at = $8, version = version + 1
             WHERE id = $9 AND tenant_id = $10 AND version = $11",
        )
        .bind(since)
        .bind(until)
        .bind(input.ozl_referred_on)
        .bind(&input.ozl_consulent)
        .bind(&input.plan)
        .bind(&input.contacts)
        .bind(input.ended_on)
        .bind(Utc::now())
        .bind(row.id)
        .bind(actor.tenant_id)
        .bind(version),
        {
            crate::audit_tx!(tx, actor, "update", "zieke-leerling", row.id, row.pupil_id, "");
        })
    });
    Ok(done)
}

register_reads! {
    SickRow, sick_select, "z", "z.since DESC, z.id DESC",
    /// One sick pupil's registration.
    fn sick;
    /// A pupil's sickness registrations, newest first.
    fn sick_of_pupil;
}

/// Sick pupils of the tenant (running ones, or all), scoped like the other lists.
pub async fn sick_pupils(
    db: &Db,
    tenant_id: i64,
    staff: Option<i64>,
    current_only: bool,
) -> StoreResult<Vec<SickRow>> {
    let sql = concat!(
        sick_select!(),
        " WHERE z.tenant_id = $1
           AND ($2 IS NULL OR z.location_id IN (SELECT location_id FROM user_locations WHERE user_id = $2))
           AND ($3 = FALSE OR z.ended_on IS NULL)
         ORDER BY z.since, z.id"
    );
    crate::scoped_list(db, sql, tenant_id, staff, current_only).await
}

/// The evaluation moments of a plan, by date.
pub async fn evaluations(db: &Db, sick_id: i64) -> StoreResult<Vec<Evaluation>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, Evaluation>(
        "SELECT id, planned_on, held_on, notes FROM ziekte_evaluaties WHERE sick_id = $1 ORDER BY planned_on, id",
    )
    .bind(sick_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Plans an evaluation moment.
pub async fn add_evaluation(
    db: &Db,
    actor: &Actor<'_>,
    row: &SickRow,
    planned_on: NaiveDate,
) -> StoreResult<()> {
    on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        sqlx::query("INSERT INTO ziekte_evaluaties (sick_id, planned_on, notes) VALUES ($1, $2, '')")
            .bind(row.id)
            .bind(planned_on)
            .execute(&mut *tx)
            .await?;
        crate::audit_tx!(tx, actor, "update", "zieke-leerling", row.id, row.pupil_id, "evaluatie gepland");
        tx.commit().await?;
    });
    Ok(())
}

/// Records that an evaluation was held, with what came out of it (once).
pub async fn hold_evaluation(
    db: &Db,
    actor: &Actor<'_>,
    row: &SickRow,
    evaluation_id: i64,
    held_on: NaiveDate,
    notes: &str,
) -> StoreResult<bool> {
    let done = on_db!(db, pool => {
        let mut tx = pool.begin_write().await?;
        crate::update_one_tx!(tx, sqlx::query(
            "UPDATE ziekte_evaluaties SET held_on = $1, notes = $2 WHERE id = $3 AND sick_id = $4 AND held_on IS NULL",
        )
        .bind(held_on)
        .bind(notes)
        .bind(evaluation_id)
        .bind(row.id),
        {
            crate::audit_tx!(tx, actor, "update", "zieke-leerling", row.id, row.pupil_id, "evaluatie gehouden");
        })
    });
    Ok(done)
}

// ---------------------------------------------------------------------------------------------
// Reminders

/// Open registrations of every tenant (for the hourly reminders): (tenant, id, location,
/// received, desired start, extension weeks).
pub async fn open_aanmeldingen_all(
    db: &Db,
) -> StoreResult<
    Vec<(
        i64,
        i64,
        i64,
        NaiveDate,
        NaiveDate,
        Option<i64>,
        Option<NaiveDate>,
    )>,
> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, i64, NaiveDate, NaiveDate, Option<i64>, Option<NaiveDate>)>(
        "SELECT tenant_id, id, location_id, received_on, desired_start, extension_weeks, enrolled_elsewhere_on
         FROM aanmeldingen WHERE decided_on IS NULL ORDER BY id",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}

/// Evaluation moments on a day, of plans still running: (tenant, sick id, location).
pub async fn evaluations_on(db: &Db, day: NaiveDate) -> StoreResult<Vec<(i64, i64, i64)>> {
    let rows = on_db!(db, pool => sqlx::query_as::<_, (i64, i64, i64)>(
        "SELECT z.tenant_id, z.id, z.location_id FROM ziekte_evaluaties e JOIN zieke_leerlingen z ON z.id = e.sick_id
         WHERE e.planned_on = $1 AND e.held_on IS NULL AND z.ended_on IS NULL ORDER BY z.id",
    )
    .bind(day)
    .fetch_all(pool)
    .await)?;
    Ok(rows)
}
