//! The school's zorgplicht registers, and the samenwerkingsverband's view of them.
//!
//! - Aanmeldingen (`/leerlingen/{id}/aanmelding`, `/aanmeldingen/{id}`): the written
//!   registration with its terms from `passend_domain::zorgplicht` (6 weeks, one extension of at
//!   most 4 told in writing, temporary enrolment after 10 weeks) and the outcome.
//! - Thuiszitters (`/leerlingen/{id}/thuiszitten`, `/thuiszitters/{id}`): kind, since, actions,
//!   perspective, leerplicht; toeleiders see and update every one of their samenwerkingsverband
//!   (`/swv/thuiszitters`) and download the Inspectie's anonymised report (CSV and XLSX).
//! - Zieke leerlingen (`/leerlingen/{id}/ziek`, `/ziek/{id}`): expected absence, the OZL
//!   referral after more than three weeks, the plan with contacts and evaluation moments.
//! - `/zorgplicht` is a school's overview; `/swv/zorgplicht` the samenwerkingsverband's, across
//!   schools, in counts, with initials for the terms that passed.
//!
//! Every read of pupil data is recorded in the audit trail, every change in the same transaction
//! as the change.

use crate::AppState;
use crate::access::{actor, record_list, record_read, school_pupil};
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::dates::{long, long_or, today};
use crate::error::{AppError, AppResult};
use crate::exports::csv_response;
use crate::files::attachment;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, form, opts, val};
use crate::layout::{AppLayout, layout};
use crate::texts::{domain_of, state_words};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use passend_domain::accounts::Role;
use passend_domain::thuiszitters::{self as tz, Kind};
use passend_domain::zorgplicht::{
    self as zp, Aanmelding, NoZorgplicht, Outcome, TermPolicy, TermState,
};
use passend_store::audit::Outcome as AuditOutcome;
use passend_store::casework::Pupil;
use passend_store::zorgplicht::{
    self as store, AanmeldingInput, AanmeldingRow, SickInput, SickRow, ThuiszitterInput,
    ThuiszitterRow,
};
use serde::Deserialize;
use std::collections::HashMap;

/// The routes of this area.
pub fn router() -> Routes {
    Routes::new()
        .get("/school/zorgplicht", school_overview)
        .get("/leerlingen/{id}/aanmelding", new_aanmelding)
        .post("/leerlingen/{id}/aanmelding", add_aanmelding)
        .get("/aanmeldingen/{id}", aanmelding_page)
        .post("/aanmeldingen/{id}", save_aanmelding)
        .get("/leerlingen/{id}/thuiszitten", new_thuiszitter)
        .post("/leerlingen/{id}/thuiszitten", add_thuiszitter)
        .get("/thuiszitters/{id}", thuiszitter_page)
        .post("/thuiszitters/{id}", save_thuiszitter)
        .get("/leerlingen/{id}/ziek", new_sick)
        .post("/leerlingen/{id}/ziek", add_sick)
        .get("/ziek/{id}", sick_page)
        .post("/ziek/{id}", save_sick)
        .post("/ziek/{id}/evaluaties", plan_evaluation)
        .post("/ziek/{id}/evaluaties/{evaluation}", hold_evaluation)
        .get("/swv/zorgplicht", swv_overview)
        .get("/swv/thuiszitters", swv_thuiszitters)
        .get("/swv/thuiszitters/inspectie.csv", inspectie_csv)
        .get("/swv/thuiszitters/inspectie.xlsx", inspectie_xlsx)
}

/// How terms are counted: calendar weeks (domain.md §2: holidays do not pause them) unless the
/// samenwerkingsverband set pause periods (`PASSEND_ZORGPLICHT_PAUZES`).
fn term_policy(state: &AppState) -> &TermPolicy {
    &state.casework.zorgplicht_terms
}

/// Records a refusal and answers "not found".
async fn deny<T>(state: &AppState, visitor: &Visitor, object: &str, id: i64) -> AppResult<T> {
    let id = id.to_string();
    let event = visitor.event("read", object, &id, AuditOutcome::Denied, "no relation");
    passend_store::audit::append(&state.db, &event).await?;
    Err(AppError::NotFound)
}

/// Whether a school staff member works at a location.
async fn works_at(state: &AppState, p: &Principal, location_id: i64) -> AppResult<bool> {
    Ok(p.role == Role::Schoolmedewerker
        && passend_store::casework::works_at(&state.db, p.user_id, location_id).await?)
}

fn date_value(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

fn text(f: &HashMap<String, String>, k: &str, max: usize) -> Field {
    Field::of(
        f.get(k)
            .map(|v| v.trim().chars().take(max).collect::<String>())
            .unwrap_or_default(),
    )
}

// ---------------------------------------------------------------------------------------------
// Aanmeldingen

#[derive(Default, Clone)]
struct AanmeldingForm {
    received: Field,
    start: Field,
    support: Field,
    others: Field,
    first_preference: String,
    first_preference_error: String,
    ext_weeks: String,
    ext_told: Field,
    outcome: String,
    outcome_error: String,
    reason: String,
    placed_at: Field,
    decided: Field,
    elsewhere: Field,
    notes: Field,
    version: i64,
}

impl AanmeldingForm {
    fn of(a: &AanmeldingRow) -> AanmeldingForm {
        AanmeldingForm {
            received: Field::of(date_value(Some(a.received_on))),
            start: Field::of(date_value(Some(a.desired_start))),
            support: Field::of(a.support_need.clone()),
            others: Field::of(a.other_registrations.clone()),
            first_preference: if a.first_preference { "ja" } else { "nee" }.to_owned(),
            ext_weeks: a.extension_weeks.map(|w| w.to_string()).unwrap_or_default(),
            ext_told: Field::of(date_value(a.extension_told_on)),
            outcome: a.outcome.clone().unwrap_or_default(),
            reason: a.no_zorgplicht_reason.clone().unwrap_or_default(),
            placed_at: Field::of(a.placed_at.clone().unwrap_or_default()),
            decided: Field::of(date_value(a.decided_on)),
            elsewhere: Field::of(date_value(a.enrolled_elsewhere_on)),
            notes: Field::of(a.notes.clone()),
            version: a.version,
            ..AanmeldingForm::default()
        }
    }

    fn errors(&self) -> Vec<(String, String)> {
        let mut e = Vec::new();
        let push = |e: &mut Vec<(String, String)>, id: &str, f: &Field| {
            if let Some(m) = &f.error {
                e.push((id.to_owned(), m.clone()));
            }
        };
        push(&mut e, "ontvangen", &self.received);
        push(&mut e, "start", &self.start);
        if !self.first_preference_error.is_empty() {
            e.push((
                "voorkeur-ja".to_owned(),
                self.first_preference_error.clone(),
            ));
        }
        push(&mut e, "verlenging-gemeld", &self.ext_told);
        if !self.outcome_error.is_empty() {
            e.push(("uitkomst-open".to_owned(), self.outcome_error.clone()));
        }
        push(&mut e, "andere-school", &self.placed_at);
        push(&mut e, "besluitdatum", &self.decided);
        push(&mut e, "elders", &self.elsewhere);
        e
    }
}

/// Where the terms stand, in words for the page.
struct Terms {
    due: String,
    extended_due: Option<String>,
    ten_weeks: String,
    in_time: bool,
    state: String,
    state_class: &'static str,
    extension_until: String,
}

fn terms_of(p: &TermPolicy, a: &Aanmelding) -> Terms {
    let base = Aanmelding {
        extension: None,
        ..a.clone()
    };
    let (state, class) = match a.state(p, today()) {
        TermState::Decided => ("Er is een besluit.".to_owned(), "passend-status--done"),
        TermState::Open { due } => (
            format!("Open. Beslis uiterlijk {}.", long(due)),
            "passend-status--open",
        ),
        TermState::Overdue { due } => (
            format!(
                "De beslistermijn is verlopen op {}. Neem zo snel mogelijk een besluit.",
                long(due)
            ),
            "passend-status--late",
        ),
        TermState::TemporaryEnrolment { since } => (
            format!(
                "Tien weken zonder besluit: de leerling moet vanaf {} tijdelijk worden ingeschreven en geplaatst, tot er een besluit is.",
                long(since)
            ),
            "passend-status--late",
        ),
    };
    Terms {
        due: long(base.decision_due(p)),
        extended_due: a.extension.map(|_| long(a.decision_due(p))),
        ten_weeks: long(a.ten_weeks(p)),
        in_time: a.in_time(),
        state,
        state_class: class,
        extension_until: long(base.first_term_end(p)),
    }
}

#[derive(Template)]
#[template(path = "zorgplicht/aanmelding.html")]
struct AanmeldingView {
    layout: AppLayout,
    pupil_id: i64,
    pupil_name: String,
    school: String,
    action: String,
    f: AanmeldingForm,
    preference: Vec<Opt>,
    weeks: Vec<Opt>,
    outcomes: Vec<Opt>,
    reasons: Vec<Opt>,
    terms: Option<Terms>,
    outcome_label: Option<String>,
    errors: Vec<(String, String)>,
    is_new: bool,
}

fn aanmelding_view(
    state: &AppState,
    visitor: &Visitor,
    pupil: &Pupil,
    row: Option<&AanmeldingRow>,
    f: AanmeldingForm,
    notice: Option<String>,
) -> AanmeldingView {
    let title = if row.is_some() {
        "Aanmelding"
    } else {
        "Aanmelding registreren"
    };
    let policy = term_policy(state);
    let mut l = layout(state, visitor, title, "/school/zorgplicht");
    l.notice = notice;
    let mut weeks = opts([("", "Niet verlengd")], &f.ext_weeks);
    weeks.extend(opts(
        [
            ("1", "1 week"),
            ("2", "2 weken"),
            ("3", "3 weken"),
            ("4", "4 weken"),
        ],
        &f.ext_weeks,
    ));
    let mut reasons = opts([("", "Kies een reden")], &f.reason);
    reasons.extend(opts(
        NoZorgplicht::ALL.iter().map(|r| (r.code(), r.label_nl())),
        &f.reason,
    ));
    AanmeldingView {
        layout: l,
        pupil_id: pupil.id,
        pupil_name: pupil.full_name(),
        school: pupil.location_name.clone(),
        action: match row {
            Some(r) => format!("/aanmeldingen/{}", r.id),
            None => format!("/leerlingen/{}/aanmelding", pupil.id),
        },
        preference: opts(
            [
                ("ja", "Ja, deze school is de eerste voorkeur"),
                (
                    "nee",
                    "Nee, de ouders hebben een andere school als eerste voorkeur",
                ),
            ],
            &f.first_preference,
        ),
        weeks,
        outcomes: opts(
            [
                ("", "Nog geen besluit"),
                (
                    "toegelaten",
                    "Toegelaten, met de ondersteuning die nodig is",
                ),
                (
                    "andere-school",
                    "Geplaatst op een andere school die de ondersteuning biedt en de leerling toelaat",
                ),
                ("geen-zorgplicht", "Geen zorgplicht"),
            ],
            &f.outcome,
        ),
        reasons,
        terms: row.map(|r| terms_of(policy, &domain_of(r))),
        outcome_label: row.and_then(|r| {
            r.outcome
                .as_deref()
                .and_then(|o| Outcome::from_codes(o, r.no_zorgplicht_reason.as_deref()))
                .map(Outcome::label_nl)
        }),
        errors: f.errors(),
        f,
        is_new: row.is_none(),
    }
}

/// Reads and checks the form. `existing` is the stored registration (for the extension rule).
fn read_aanmelding(
    policy: &TermPolicy,
    body: &str,
    existing: Option<&AanmeldingRow>,
) -> (AanmeldingForm, Option<AanmeldingInput>) {
    let f = form(body);
    let mut a = AanmeldingForm {
        received: text(&f, "ontvangen", 20),
        start: text(&f, "start", 20),
        support: text(&f, "ondersteuning", 5000),
        others: text(&f, "andere", 2000),
        first_preference: val(&f, "voorkeur"),
        ext_weeks: val(&f, "verlenging"),
        ext_told: text(&f, "verlenging-gemeld", 20),
        outcome: val(&f, "uitkomst"),
        reason: val(&f, "reden"),
        placed_at: text(&f, "andere-school", 200),
        decided: text(&f, "besluitdatum", 20),
        elsewhere: text(&f, "elders", 20),
        notes: text(&f, "notities", 5000),
        version: val(&f, "versie").parse().unwrap_or(0),
        ..AanmeldingForm::default()
    };
    let t = today();
    let received = date_field(
        &a.received.value.clone(),
        &mut a.received,
        true,
        "de datum waarop de school de schriftelijke aanmelding ontving",
    );
    if received.is_some_and(|d| d > t) {
        a.received.error =
            Some("De datum van ontvangst kan niet in de toekomst liggen.".to_owned());
    }
    let start = date_field(
        &a.start.value.clone(),
        &mut a.start,
        true,
        "de gewenste startdatum",
    );
    if let (Some(r), Some(s)) = (received, start)
        && s < r
    {
        a.start.error =
            Some("De gewenste startdatum moet op of na de datum van ontvangst liggen.".to_owned());
    }
    let first = match a.first_preference.as_str() {
        "ja" => Some(true),
        "nee" => Some(false),
        _ => {
            a.first_preference_error =
                "Kies of deze school de eerste voorkeur van de ouders is.".to_owned();
            None
        }
    };
    let weeks: Option<u8> = match a.ext_weeks.as_str() {
        "" => None,
        w => w
            .parse()
            .ok()
            .filter(|w| (1..=zp::MAX_EXTENSION_WEEKS).contains(w)),
    };
    if !a.ext_weeks.is_empty() && weeks.is_none() {
        a.ext_weeks.clear();
    }
    let told = date_field(
        &a.ext_told.value.clone(),
        &mut a.ext_told,
        weeks.is_some(),
        "de datum waarop de ouders de verlenging schriftelijk kregen",
    );
    if weeks.is_none() && told.is_some() {
        a.ext_told.error = Some(
            "Kies met hoeveel weken de termijn is verlengd, of maak deze datum leeg.".to_owned(),
        );
    }
    let extension = weeks.zip(told);
    if let (Some((w, d)), Some(r), Some(s)) = (extension, received, start) {
        let previous = existing.and_then(|e| e.extension_weeks.zip(e.extension_told_on));
        // An extension that was already recorded stands; a new one must meet the rules.
        if previous != Some((i64::from(w), d)) {
            let draft = Aanmelding {
                received_on: r,
                desired_start: s,
                extension: None,
                decided_on: None,
                enrolled_elsewhere: false,
            };
            if let Err(problem) = draft.check_extension(policy, w, d) {
                a.ext_told.error = Some(problem.message_nl().to_owned());
            }
            if d > t {
                a.ext_told.error = Some(
                    "Registreer de verlenging pas als de ouders haar schriftelijk kregen."
                        .to_owned(),
                );
            }
        }
    }
    let outcome = match a.outcome.as_str() {
        "" => None,
        o @ ("toegelaten" | "andere-school" | "geen-zorgplicht") => Some(o.to_owned()),
        _ => {
            a.outcome_error = "Kies een uitkomst.".to_owned();
            None
        }
    };
    let reason = NoZorgplicht::from_code(&a.reason).map(|r| r.code().to_owned());
    if outcome.as_deref() == Some("geen-zorgplicht") && reason.is_none() {
        a.outcome_error = "Kies waarom de zorgplicht niet geldt.".to_owned();
    }
    if outcome.as_deref() == Some("andere-school") && a.placed_at.value.is_empty() {
        a.placed_at.error = Some(
            "Vul in welke school de ondersteuning kan bieden en de leerling toelaat.".to_owned(),
        );
    }
    let decided = date_field(
        &a.decided.value.clone(),
        &mut a.decided,
        outcome.is_some(),
        "de datum van het besluit",
    );
    if outcome.is_none() && decided.is_some() {
        a.decided.error =
            Some("Kies de uitkomst van het besluit, of maak de datum leeg.".to_owned());
    }
    if decided.is_some_and(|d| d > t || received.is_some_and(|r| d < r)) {
        a.decided.error = Some(
            "De datum van het besluit moet tussen de ontvangst van de aanmelding en vandaag liggen."
                .to_owned(),
        );
    }
    let elsewhere = date_field(
        &a.elsewhere.value.clone(),
        &mut a.elsewhere,
        false,
        "de datum van inschrijving op een andere school",
    );
    let ok = a.errors().is_empty();
    let input = (ok && first.is_some()).then(|| AanmeldingInput {
        received_on: received,
        desired_start: start,
        support_need: a.support.value.clone(),
        other_registrations: a.others.value.clone(),
        first_preference: first.unwrap_or(true),
        extension: extension.map(|(w, d)| (i64::from(w), d)),
        outcome: outcome.clone(),
        no_zorgplicht_reason: if outcome.as_deref() == Some("geen-zorgplicht") {
            reason
        } else {
            None
        },
        placed_at: (outcome.as_deref() == Some("andere-school")).then(|| a.placed_at.value.clone()),
        decided_on: decided,
        enrolled_elsewhere_on: elsewhere,
        notes: a.notes.value.clone(),
    });
    (a, input)
}

async fn new_aanmelding(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let pupil = school_pupil(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "leerling",
        &id.to_string(),
        pupil.id,
        "read",
    )
    .await?;
    let f = AanmeldingForm {
        first_preference: "ja".to_owned(),
        ..AanmeldingForm::default()
    };
    let view = aanmelding_view(&state, &visitor, &pupil, None, f, None);
    Ok(Html(view.render()?).into_response())
}

async fn add_aanmelding(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let (f, input) = read_aanmelding(term_policy(&state), &body, None);
    let Some(input) = input else {
        let view = aanmelding_view(&state, &visitor, &pupil, None, f, None);
        return Ok(unprocessable(view.render()?));
    };
    let once = crate::forms::once_token(&form(&body));
    let who = passend_store::casework::Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    let new_id =
        store::add_aanmelding(&state.db, &who, pupil.id, pupil.location_id, &input).await?;
    Ok(Redirect::to(&format!("/aanmeldingen/{new_id}?gedaan=opgeslagen")).into_response())
}

/// The registration, if the visitor works at its school.
async fn aanmelding_for(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<(AanmeldingRow, Pupil)> {
    let row = store::aanmelding(&state.db, p.tenant_id, id).await?;
    at_own_school(
        state,
        visitor,
        p,
        row,
        |a| (a.location_id, a.pupil_id),
        "aanmelding",
        id,
    )
    .await
}

/// A registration with its pupil, if the visitor works at the registration's school;
/// otherwise "not found", recorded as refused.
async fn at_own_school<T>(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    row: Option<T>,
    place: impl Fn(&T) -> (i64, i64),
    object: &str,
    id: i64,
) -> AppResult<(T, Pupil)> {
    if let Some(r) = row {
        let (location, pupil_id) = place(&r);
        if works_at(state, p, location).await?
            && let Some(pupil) =
                passend_store::casework::pupil(&state.db, p.tenant_id, pupil_id).await?
        {
            return Ok((r, pupil));
        }
    }
    deny(state, visitor, object, id).await
}

/// The form again, with its messages.
fn unprocessable(html: String) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response()
}

/// Back to the registration: saved, or someone else saved first.
fn after_save(path: &str, done: bool) -> Response {
    let what = if done { "opgeslagen" } else { "gewijzigd" };
    Redirect::to(&format!("{path}?gedaan={what}")).into_response()
}

#[derive(Debug, Deserialize, Default)]
struct DoneQuery {
    #[serde(default)]
    gedaan: String,
}

fn done_notice(q: &DoneQuery) -> Option<String> {
    match q.gedaan.as_str() {
        "opgeslagen" => Some("Opgeslagen.".to_owned()),
        "gewijzigd" => Some(
            "Iemand anders heeft dit intussen gewijzigd. Hieronder staat de nieuwste versie; voer uw wijziging opnieuw in."
                .to_owned(),
        ),
        "evaluatie" => Some("Het evaluatiemoment is opgeslagen.".to_owned()),
        "uitkomst-leeg" => Some(
            "Het evaluatiemoment is niet opgeslagen: schrijf eerst wat eruit kwam.".to_owned(),
        ),
        _ => None,
    }
}

async fn aanmelding_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let (a, pupil) = aanmelding_for(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "aanmelding",
        &id.to_string(),
        a.pupil_id,
        "read",
    )
    .await?;
    let f = AanmeldingForm::of(&a);
    let view = aanmelding_view(&state, &visitor, &pupil, Some(&a), f, done_notice(&q));
    Ok(Html(view.render()?).into_response())
}

async fn save_aanmelding(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (a, pupil) = aanmelding_for(&state, &visitor, &p, id).await?;
    let (f, input) = read_aanmelding(term_policy(&state), &body, Some(&a));
    let Some(input) = input else {
        let view = aanmelding_view(&state, &visitor, &pupil, Some(&a), f, None);
        return Ok(unprocessable(view.render()?));
    };
    let done =
        store::save_aanmelding(&state.db, &actor(&p, &visitor), &a, f.version, &input).await?;
    Ok(after_save(&format!("/aanmeldingen/{id}"), done))
}

// ---------------------------------------------------------------------------------------------
// Thuiszitters

#[derive(Default, Clone)]
struct ThuiszitterForm {
    kind: String,
    kind_error: String,
    since: Field,
    until: Field,
    actions: Field,
    perspective: Field,
    offer: bool,
    leerplicht: Field,
    informed: Field,
    version: i64,
}

impl ThuiszitterForm {
    fn of(t: &ThuiszitterRow) -> ThuiszitterForm {
        ThuiszitterForm {
            kind: t.kind.clone(),
            since: Field::of(date_value(Some(t.since))),
            until: Field::of(date_value(t.until)),
            actions: Field::of(t.actions.clone()),
            perspective: Field::of(t.perspective.clone()),
            offer: t.has_offer,
            leerplicht: Field::of(t.leerplicht_contact.clone()),
            informed: Field::of(date_value(t.leerplicht_informed_on)),
            version: t.version,
            ..ThuiszitterForm::default()
        }
    }

    fn errors(&self) -> Vec<(String, String)> {
        let mut e = Vec::new();
        if !self.kind_error.is_empty() {
            e.push((
                format!("soort-{}", Kind::ALL[0].code()),
                self.kind_error.clone(),
            ));
        }
        e.extend(summary(&[
            ("sinds", &self.since),
            ("tot", &self.until),
            ("acties", &self.actions),
            ("leerplicht-gemeld", &self.informed),
        ]));
        e
    }
}

fn read_thuiszitter(body: &str) -> (ThuiszitterForm, Option<ThuiszitterInput>) {
    let f = form(body);
    let mut t = ThuiszitterForm {
        kind: val(&f, "soort"),
        since: text(&f, "sinds", 20),
        until: text(&f, "tot", 20),
        actions: text(&f, "acties", 5000),
        perspective: text(&f, "perspectief", 5000),
        offer: val(&f, "aanbod") == "ja",
        leerplicht: text(&f, "leerplicht", 300),
        informed: text(&f, "leerplicht-gemeld", 20),
        version: val(&f, "versie").parse().unwrap_or(0),
        ..ThuiszitterForm::default()
    };
    let kind = Kind::from_code(&t.kind);
    if kind.is_none() {
        t.kind_error = "Kies om welk soort verzuim of vrijstelling het gaat.".to_owned();
    }
    let today = today();
    let since = date_field(
        &t.since.value.clone(),
        &mut t.since,
        true,
        "de datum vanaf wanneer de leerling thuis zit",
    );
    if since.is_some_and(|d| d > today) {
        t.since.error = Some("De datum kan niet in de toekomst liggen.".to_owned());
    } else if kind == Some(Kind::LangdurigRelatiefVerzuim)
        && since.is_some_and(|d| today - d < chrono::Duration::weeks(4))
        && t.until.value.is_empty()
    {
        t.since.error = Some(
            "Langdurig relatief verzuim is meer dan 4 weken afwezig zonder geldige reden. Registreer de leerling als thuiszitter als de afwezigheid langer dan 4 weken duurt; meld verzuim eerder bij leerplicht."
                .to_owned(),
        );
    }
    let until = date_field(
        &t.until.value.clone(),
        &mut t.until,
        false,
        "de datum waarop de leerling weer naar school ging",
    );
    if let (Some(s), Some(u)) = (since, until)
        && u < s
    {
        t.until.error =
            Some("‘Weer naar school op’ moet op of na ‘Thuis sinds’ liggen.".to_owned());
    }
    if t.actions.value.is_empty() {
        t.actions.error = Some(
            "Schrijf op wat de school en anderen doen om de leerling weer onderwijs te laten volgen."
                .to_owned(),
        );
    }
    let informed = date_field(
        &t.informed.value.clone(),
        &mut t.informed,
        false,
        "de datum waarop leerplicht is geïnformeerd",
    );
    if informed.is_some_and(|d| d > today) {
        t.informed.error = Some("De datum kan niet in de toekomst liggen.".to_owned());
    }
    let input = t.errors().is_empty().then(|| ThuiszitterInput {
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        since,
        until,
        actions: t.actions.value.clone(),
        perspective: t.perspective.value.clone(),
        has_offer: t.offer,
        leerplicht_contact: t.leerplicht.value.clone(),
        leerplicht_informed_on: informed,
    });
    (t, input)
}

#[derive(Template)]
#[template(path = "zorgplicht/thuiszitter.html")]
struct ThuiszitterView {
    layout: AppLayout,
    pupil_id: Option<i64>,
    pupil_name: String,
    school: String,
    action: String,
    f: ThuiszitterForm,
    kinds: Vec<Opt>,
    weeks: Option<i64>,
    errors: Vec<(String, String)>,
    is_new: bool,
}

#[allow(clippy::too_many_arguments)]
fn thuiszitter_view(
    state: &AppState,
    visitor: &Visitor,
    name: String,
    school: String,
    pupil_id: Option<i64>,
    row: Option<&ThuiszitterRow>,
    f: ThuiszitterForm,
    notice: Option<String>,
) -> ThuiszitterView {
    let current = if visitor.principal.as_ref().map(|p| p.role) == Some(Role::Toeleider) {
        "/swv/thuiszitters"
    } else {
        "/school/zorgplicht"
    };
    let mut l = layout(
        state,
        visitor,
        if row.is_some() {
            "Thuiszitter"
        } else {
            "Thuiszitter registreren"
        },
        current,
    );
    l.notice = notice;
    ThuiszitterView {
        layout: l,
        pupil_id,
        pupil_name: name,
        school,
        action: match (row, pupil_id) {
            (Some(r), _) => format!("/thuiszitters/{}", r.id),
            (None, Some(p)) => format!("/leerlingen/{p}/thuiszitten"),
            (None, None) => String::new(),
        },
        kinds: opts(Kind::ALL.iter().map(|k| (k.code(), k.label_nl())), &f.kind),
        weeks: row.map(|r| (r.until.unwrap_or_else(today) - r.since).num_days().max(0) / 7),
        errors: f.errors(),
        f,
        is_new: row.is_none(),
    }
}

async fn new_thuiszitter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let pupil = school_pupil(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "leerling",
        &id.to_string(),
        pupil.id,
        "read",
    )
    .await?;
    let view = thuiszitter_view(
        &state,
        &visitor,
        pupil.full_name(),
        pupil.location_name.clone(),
        Some(pupil.id),
        None,
        ThuiszitterForm::default(),
        None,
    );
    Ok(Html(view.render()?).into_response())
}

async fn add_thuiszitter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let (f, input) = read_thuiszitter(&body);
    let Some(input) = input else {
        let view = thuiszitter_view(
            &state,
            &visitor,
            pupil.full_name(),
            pupil.location_name.clone(),
            Some(pupil.id),
            None,
            f,
            None,
        );
        return Ok(unprocessable(view.render()?));
    };
    let once = crate::forms::once_token(&form(&body));
    let who = passend_store::casework::Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    let new_id =
        store::add_thuiszitter(&state.db, &who, pupil.id, pupil.location_id, &input).await?;
    Ok(Redirect::to(&format!("/thuiszitters/{new_id}?gedaan=opgeslagen")).into_response())
}

/// The registration, if the visitor works at its school or is a toeleider.
async fn thuiszitter_for(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<ThuiszitterRow> {
    if let Some(t) = store::thuiszitter(&state.db, p.tenant_id, id).await?
        && (p.role == Role::Toeleider || works_at(state, p, t.location_id).await?)
    {
        return Ok(t);
    }
    deny(state, visitor, "thuiszitter", id).await
}

async fn thuiszitter_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let t = thuiszitter_for(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "thuiszitter",
        &id.to_string(),
        t.pupil_id,
        "read",
    )
    .await?;
    let school_staff = p.role == Role::Schoolmedewerker;
    let view = thuiszitter_view(
        &state,
        &visitor,
        format!("{} {}", t.given_name, t.family_name),
        t.location_name.clone(),
        school_staff.then_some(t.pupil_id),
        Some(&t),
        ThuiszitterForm::of(&t),
        done_notice(&q),
    );
    Ok(Html(view.render()?).into_response())
}

async fn save_thuiszitter(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let t = thuiszitter_for(&state, &visitor, &p, id).await?;
    let (f, input) = read_thuiszitter(&body);
    let Some(input) = input else {
        let school_staff = p.role == Role::Schoolmedewerker;
        let view = thuiszitter_view(
            &state,
            &visitor,
            format!("{} {}", t.given_name, t.family_name),
            t.location_name.clone(),
            school_staff.then_some(t.pupil_id),
            Some(&t),
            f,
            None,
        );
        return Ok(unprocessable(view.render()?));
    };
    let done =
        store::save_thuiszitter(&state.db, &actor(&p, &visitor), &t, f.version, &input).await?;
    Ok(after_save(&format!("/thuiszitters/{id}"), done))
}

// ---------------------------------------------------------------------------------------------
// Zieke leerlingen

#[derive(Default, Clone)]
struct SickForm {
    since: Field,
    until: Field,
    referred: Field,
    consulent: Field,
    plan: Field,
    contacts: Field,
    ended: Field,
    version: i64,
    evaluation: Field,
}

impl SickForm {
    fn of(z: &SickRow) -> SickForm {
        SickForm {
            since: Field::of(date_value(Some(z.since))),
            until: Field::of(date_value(Some(z.expected_until))),
            referred: Field::of(date_value(z.ozl_referred_on)),
            consulent: Field::of(z.ozl_consulent.clone()),
            plan: Field::of(z.plan.clone()),
            contacts: Field::of(z.contacts.clone()),
            ended: Field::of(date_value(z.ended_on)),
            version: z.version,
            ..SickForm::default()
        }
    }

    fn errors(&self) -> Vec<(String, String)> {
        summary(&[
            ("sinds", &self.since),
            ("verwacht-tot", &self.until),
            ("ozl-verwezen", &self.referred),
            ("beter", &self.ended),
            ("evaluatie", &self.evaluation),
        ])
    }
}

fn read_sick(body: &str) -> (SickForm, Option<SickInput>) {
    let f = form(body);
    let mut z = SickForm {
        since: text(&f, "sinds", 20),
        until: text(&f, "verwacht-tot", 20),
        referred: text(&f, "ozl-verwezen", 20),
        consulent: text(&f, "ozl-consulent", 300),
        plan: text(&f, "plan", 5000),
        contacts: text(&f, "contacten", 2000),
        ended: text(&f, "beter", 20),
        version: val(&f, "versie").parse().unwrap_or(0),
        ..SickForm::default()
    };
    let t = today();
    let since = date_field(
        &z.since.value.clone(),
        &mut z.since,
        true,
        "de datum vanaf wanneer de leerling ziek is",
    );
    if since.is_some_and(|d| d > t) {
        z.since.error = Some("De datum kan niet in de toekomst liggen.".to_owned());
    }
    let until = date_field(
        &z.until.value.clone(),
        &mut z.until,
        true,
        "tot wanneer de leerling naar verwachting afwezig is",
    );
    if let (Some(s), Some(u)) = (since, until)
        && u < s
    {
        z.until.error = Some(
            "‘Naar verwachting afwezig tot en met’ moet op of na ‘Ziek sinds’ liggen.".to_owned(),
        );
    }
    let referred = date_field(
        &z.referred.value.clone(),
        &mut z.referred,
        false,
        "de datum van de verwijzing naar de consulent",
    );
    if referred.is_some_and(|d| d > t) {
        z.referred.error = Some("De datum kan niet in de toekomst liggen.".to_owned());
    }
    let ended = date_field(
        &z.ended.value.clone(),
        &mut z.ended,
        false,
        "de datum waarop de leerling weer naar school ging",
    );
    if let (Some(s), Some(e)) = (since, ended)
        && e < s
    {
        z.ended.error = Some("‘Weer op school op’ moet op of na ‘Ziek sinds’ liggen.".to_owned());
    }
    let input = z.errors().is_empty().then(|| SickInput {
        since,
        expected_until: until,
        ozl_referred_on: referred,
        ozl_consulent: z.consulent.value.clone(),
        plan: z.plan.value.clone(),
        contacts: z.contacts.value.clone(),
        ended_on: ended,
    });
    (z, input)
}

struct EvaluationLine {
    id: i64,
    planned: String,
    held: Option<String>,
    notes: String,
    /// "vandaag", "verlopen" or "" (still to come).
    when: &'static str,
}

#[derive(Template)]
#[template(path = "zorgplicht/ziek.html")]
struct SickView {
    layout: AppLayout,
    pupil_id: i64,
    pupil_name: String,
    school: String,
    action: String,
    f: SickForm,
    referral_needed: bool,
    ozl_days: u32,
    evaluations: Vec<EvaluationLine>,
    sick_id: Option<i64>,
    errors: Vec<(String, String)>,
}

async fn sick_view(
    state: &AppState,
    visitor: &Visitor,
    pupil: &Pupil,
    row: Option<&SickRow>,
    f: SickForm,
    notice: Option<String>,
) -> AppResult<SickView> {
    let mut l = layout(
        state,
        visitor,
        if row.is_some() {
            "Zieke leerling"
        } else {
            "Zieke leerling registreren"
        },
        "/school/zorgplicht",
    );
    l.notice = notice;
    let days = state.casework.ozl_after_days;
    let evaluations = match row {
        Some(r) => store::evaluations(&state.db, r.id)
            .await?
            .into_iter()
            .map(|e| EvaluationLine {
                id: e.id,
                planned: long(e.planned_on),
                held: e.held_on.map(long),
                when: match (e.held_on, e.planned_on.cmp(&today())) {
                    (Some(_), _) | (None, std::cmp::Ordering::Greater) => "",
                    (None, std::cmp::Ordering::Equal) => "vandaag",
                    (None, std::cmp::Ordering::Less) => "verlopen",
                },
                notes: e.notes,
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(SickView {
        layout: l,
        pupil_id: pupil.id,
        pupil_name: pupil.full_name(),
        school: pupil.location_name.clone(),
        action: match row {
            Some(r) => format!("/ziek/{}", r.id),
            None => format!("/leerlingen/{}/ziek", pupil.id),
        },
        referral_needed: row.is_some_and(|r| {
            r.ozl_referred_on.is_none()
                && r.ended_on.is_none()
                && zp::ozl_referral_needed(r.since, r.expected_until, days)
        }),
        ozl_days: days,
        evaluations,
        sick_id: row.map(|r| r.id),
        errors: f.errors(),
        f,
    })
}

async fn new_sick(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let pupil = school_pupil(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "leerling",
        &id.to_string(),
        pupil.id,
        "read",
    )
    .await?;
    let view = sick_view(&state, &visitor, &pupil, None, SickForm::default(), None).await?;
    Ok(Html(view.render()?).into_response())
}

async fn add_sick(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let (f, input) = read_sick(&body);
    let Some(input) = input else {
        let view = sick_view(&state, &visitor, &pupil, None, f, None).await?;
        return Ok(unprocessable(view.render()?));
    };
    let once = crate::forms::once_token(&form(&body));
    let who = passend_store::casework::Actor {
        form_token: &once,
        ..actor(&p, &visitor)
    };
    let new_id = store::add_sick(&state.db, &who, pupil.id, pupil.location_id, &input).await?;
    Ok(Redirect::to(&format!("/ziek/{new_id}?gedaan=opgeslagen")).into_response())
}

async fn sick_for(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    id: i64,
) -> AppResult<(SickRow, Pupil)> {
    let row = store::sick(&state.db, p.tenant_id, id).await?;
    at_own_school(
        state,
        visitor,
        p,
        row,
        |z| (z.location_id, z.pupil_id),
        "zieke-leerling",
        id,
    )
    .await
}

async fn sick_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let (z, pupil) = sick_for(&state, &visitor, p, id).await?;
    record_read(
        &state,
        &visitor,
        "zieke-leerling",
        &id.to_string(),
        z.pupil_id,
        "read",
    )
    .await?;
    let view = sick_view(
        &state,
        &visitor,
        &pupil,
        Some(&z),
        SickForm::of(&z),
        done_notice(&q),
    )
    .await?;
    Ok(Html(view.render()?).into_response())
}

async fn save_sick(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (z, pupil) = sick_for(&state, &visitor, &p, id).await?;
    let (f, input) = read_sick(&body);
    let Some(input) = input else {
        let view = sick_view(&state, &visitor, &pupil, Some(&z), f, None).await?;
        return Ok(unprocessable(view.render()?));
    };
    let done = store::save_sick(&state.db, &actor(&p, &visitor), &z, f.version, &input).await?;
    Ok(after_save(&format!("/ziek/{id}"), done))
}

async fn plan_evaluation(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (z, pupil) = sick_for(&state, &visitor, &p, id).await?;
    let f = form(&body);
    let mut field = text(&f, "evaluatie", 20);
    let date = date_field(
        &field.value.clone(),
        &mut field,
        true,
        "de datum van het evaluatiemoment",
    );
    if date.is_some_and(|d| d < z.since) {
        field.error = Some(format!(
            "Een evaluatiemoment ligt op of na ‘Ziek sinds’ ({}).",
            long(z.since)
        ));
    }
    let date = date.filter(|_| field.error.is_none());
    let Some(date) = date else {
        let form = SickForm {
            evaluation: field,
            ..SickForm::of(&z)
        };
        let view = sick_view(&state, &visitor, &pupil, Some(&z), form, None).await?;
        return Ok(unprocessable(view.render()?));
    };
    store::add_evaluation(&state.db, &actor(&p, &visitor), &z, date).await?;
    Ok(Redirect::to(&format!("/ziek/{id}?gedaan=evaluatie#evaluaties")).into_response())
}

async fn hold_evaluation(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((id, evaluation)): Path<(i64, i64)>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let (z, _) = sick_for(&state, &visitor, &p, id).await?;
    let f = form(&body);
    let notes: String = f
        .get("uitkomst")
        .map(|s| s.trim().chars().take(5000).collect())
        .unwrap_or_default();
    if notes.is_empty() {
        return Ok(
            Redirect::to(&format!("/ziek/{id}?gedaan=uitkomst-leeg#evaluaties")).into_response(),
        );
    }
    let done = store::hold_evaluation(
        &state.db,
        &actor(&p, &visitor),
        &z,
        evaluation,
        today(),
        &notes,
    )
    .await?;
    let what = if done { "evaluatie" } else { "gewijzigd" };
    Ok(Redirect::to(&format!("/ziek/{id}?gedaan={what}#evaluaties")).into_response())
}

// ---------------------------------------------------------------------------------------------
// Overviews

struct AanmeldingLine {
    id: i64,
    pupil: String,
    school: String,
    received: String,
    due: String,
    state: String,
    late: bool,
}

struct ThuiszitterLine {
    id: i64,
    pupil: String,
    school: String,
    kind: String,
    since: String,
    weeks: i64,
    offer: bool,
    leerplicht: bool,
    until: String,
}

struct SickLine {
    id: i64,
    pupil: String,
    since: String,
    until: String,
    referral_needed: bool,
    referred: bool,
}

fn aanmelding_line(policy: &TermPolicy, a: &AanmeldingRow, name: String) -> AanmeldingLine {
    let d = domain_of(a);
    let (state, late) = state_words(policy, &d);
    AanmeldingLine {
        id: a.id,
        pupil: name,
        school: a.location_name.clone(),
        received: long(a.received_on),
        due: long(d.decision_due(policy)),
        state,
        late,
    }
}

fn thuiszitter_line(t: &ThuiszitterRow) -> ThuiszitterLine {
    ThuiszitterLine {
        id: t.id,
        pupil: format!("{} {}", t.given_name, t.family_name),
        school: t.location_name.clone(),
        kind: Kind::from_code(&t.kind)
            .map(|k| k.label_nl().to_owned())
            .unwrap_or_else(|| t.kind.clone()),
        since: long(t.since),
        weeks: (t.until.unwrap_or_else(today) - t.since).num_days().max(0) / 7,
        offer: t.has_offer,
        leerplicht: t.leerplicht_informed_on.is_some() || !t.leerplicht_contact.is_empty(),
        until: long_or(t.until, "nog thuis"),
    }
}

#[derive(Template)]
#[template(path = "zorgplicht/school.html")]
struct SchoolView {
    layout: AppLayout,
    aanmeldingen: Vec<AanmeldingLine>,
    thuiszitters: Vec<ThuiszitterLine>,
    sick: Vec<SickLine>,
    all: bool,
}

#[derive(Debug, Deserialize, Default)]
struct ListQuery {
    #[serde(default)]
    weergave: String,
    #[serde(default)]
    peildatum: String,
    #[serde(default, deserialize_with = "crate::paging::page_number")]
    pagina: Option<usize>,
}

async fn school_overview(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let all = q.weergave == "alle";
    let a = store::aanmeldingen(&state.db, p.tenant_id, Some(p.user_id), !all).await?;
    let t = store::thuiszitters(&state.db, p.tenant_id, Some(p.user_id), !all).await?;
    let z = store::sick_pupils(&state.db, p.tenant_id, Some(p.user_id), !all).await?;
    record_list(
        &state,
        &visitor,
        "search",
        "zorgplicht",
        a.iter()
            .map(|x| x.pupil_id)
            .chain(t.iter().map(|x| x.pupil_id))
            .chain(z.iter().map(|x| x.pupil_id)),
    )
    .await?;
    let days = state.casework.ozl_after_days;
    Ok(Html(
        SchoolView {
            layout: layout(
                &state,
                &visitor,
                "Zorgplicht en verzuim",
                "/school/zorgplicht",
            ),
            aanmeldingen: a
                .iter()
                .map(|x| {
                    aanmelding_line(
                        term_policy(&state),
                        x,
                        format!("{} {}", x.given_name, x.family_name),
                    )
                })
                .collect(),
            thuiszitters: t.iter().map(thuiszitter_line).collect(),
            sick: z
                .iter()
                .map(|x| SickLine {
                    id: x.id,
                    pupil: format!("{} {}", x.given_name, x.family_name),
                    since: long(x.since),
                    until: long(x.expected_until),
                    referral_needed: x.ozl_referred_on.is_none()
                        && x.ended_on.is_none()
                        && zp::ozl_referral_needed(x.since, x.expected_until, days),
                    referred: x.ozl_referred_on.is_some(),
                })
                .collect(),
            all,
        }
        .render()?,
    )
    .into_response())
}

struct SchoolCounts {
    name: String,
    open: usize,
    late: usize,
    temporary: usize,
    thuiszitters: usize,
    sick: usize,
}

struct LateLine {
    initials: String,
    birth_year: i32,
    school: String,
    received: String,
    state: String,
}

#[derive(Template)]
#[template(path = "zorgplicht/swv.html")]
struct SwvView {
    layout: AppLayout,
    schools: Vec<SchoolCounts>,
    late: Vec<LateLine>,
    totals: (usize, usize, usize, usize, usize),
}

async fn swv_overview(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let a = store::aanmeldingen(&state.db, p.tenant_id, None, true).await?;
    let t = store::thuiszitters(&state.db, p.tenant_id, None, true).await?;
    let z = store::sick_pupils(&state.db, p.tenant_id, None, true).await?;
    let mut schools: Vec<SchoolCounts> = Vec::new();
    let mut entry = |name: &str| -> usize {
        if let Some(i) = schools.iter().position(|s| s.name == name) {
            i
        } else {
            schools.push(SchoolCounts {
                name: name.to_owned(),
                open: 0,
                late: 0,
                temporary: 0,
                thuiszitters: 0,
                sick: 0,
            });
            schools.len() - 1
        }
    };
    let mut late = Vec::new();
    let mut late_pupils = Vec::new();
    let policy = term_policy(&state).clone();
    let mut indexes = Vec::new();
    for x in &a {
        indexes.push(entry(&x.location_name));
    }
    let mut t_idx = Vec::new();
    for x in &t {
        t_idx.push(entry(&x.location_name));
    }
    let mut z_idx = Vec::new();
    for x in &z {
        z_idx.push(entry(&x.location_name));
    }
    for (x, i) in a.iter().zip(indexes) {
        let d = domain_of(x);
        schools[i].open += 1;
        let st = d.state(&policy, today());
        match st {
            TermState::Overdue { .. } => schools[i].late += 1,
            TermState::TemporaryEnrolment { .. } => schools[i].temporary += 1,
            _ => {}
        }
        if matches!(
            st,
            TermState::Overdue { .. } | TermState::TemporaryEnrolment { .. }
        ) {
            late_pupils.push(x.pupil_id);
            late.push(LateLine {
                initials: tz::initials(&x.given_name, &x.family_name),
                birth_year: x.birth_date.year(),
                school: x.location_name.clone(),
                received: long(x.received_on),
                state: state_words(&policy, &d).0,
            });
        }
    }
    for i in t_idx {
        schools[i].thuiszitters += 1;
    }
    for i in z_idx {
        schools[i].sick += 1;
    }
    schools.sort_by(|a, b| a.name.cmp(&b.name));
    record_list(
        &state,
        &visitor,
        "search",
        "zorgplicht-overzicht",
        late_pupils,
    )
    .await?;
    let totals = schools.iter().fold((0, 0, 0, 0, 0), |acc, s| {
        (
            acc.0 + s.open,
            acc.1 + s.late,
            acc.2 + s.temporary,
            acc.3 + s.thuiszitters,
            acc.4 + s.sick,
        )
    });
    Ok(Html(
        SwvView {
            layout: layout(
                &state,
                &visitor,
                "Zorgplicht in het samenwerkingsverband",
                "/swv/zorgplicht",
            ),
            schools,
            late,
            totals,
        }
        .render()?,
    )
    .into_response())
}

#[derive(Template)]
#[template(path = "zorgplicht/swv_thuiszitters.html")]
struct SwvThuiszittersView {
    layout: AppLayout,
    lines: Vec<ThuiszitterLine>,
    pager: crate::paging::Pager,
    all: bool,
    peildatum: String,
    peildatum_error: String,
}

fn peildatum_of(raw: &str) -> Result<NaiveDate, String> {
    if raw.trim().is_empty() {
        return Ok(tz::last_peildatum(today()));
    }
    let mut f = Field::of(raw);
    match date_field(raw, &mut f, true, "de peildatum") {
        Some(d) if d > today() => Err("De peildatum kan niet in de toekomst liggen.".to_owned()),
        Some(d) if d.day() != 1 || ![2, 5, 8, 11].contains(&d.month()) => Err(
            "Kies de eerste dag van een kwartaal: 1 november, 1 februari, 1 mei of 1 augustus."
                .to_owned(),
        ),
        Some(d) => Ok(d),
        None => Err(f.error.unwrap_or_default()),
    }
}

async fn swv_thuiszitters(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let all = q.weergave == "alle";
    let rows = store::thuiszitters(&state.db, p.tenant_id, None, !all).await?;
    // 100 a page: every row shown is an audit event.
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("weergave", &q.weergave)
        .finish();
    let (rows, pager) =
        crate::paging::paginate(rows, q.pagina.unwrap_or(1), "/swv/thuiszitters", &query);
    record_list(
        &state,
        &visitor,
        "search",
        "thuiszitters",
        rows.iter().map(|t| t.pupil_id),
    )
    .await?;
    let (peildatum, peildatum_error) = match peildatum_of(&q.peildatum) {
        Ok(d) => (date_value(Some(d)), String::new()),
        Err(e) => (q.peildatum.clone(), e),
    };
    let status = if peildatum_error.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((
        status,
        Html(
            SwvThuiszittersView {
                layout: layout(&state, &visitor, "Thuiszitters", "/swv/thuiszitters"),
                lines: rows.iter().map(thuiszitter_line).collect(),
                pager,
                all,
                peildatum,
                peildatum_error,
            }
            .render()?,
        ),
    )
        .into_response())
}

/// The Inspectie report's lines up to a peildatum, recorded as an export of those pupils.
async fn inspectie_lines(
    state: &AppState,
    visitor: &Visitor,
    q: &ListQuery,
) -> AppResult<Option<(NaiveDate, Vec<tz::ReportLine>)>> {
    let p = visitor.signed_in()?;
    let Ok(peildatum) = peildatum_of(&q.peildatum) else {
        return Ok(None);
    };
    let rows = store::thuiszitters(&state.db, p.tenant_id, None, false).await?;
    let regs: Vec<(i64, tz::Registration)> = rows
        .iter()
        .filter_map(|t| {
            Some((
                t.pupil_id,
                tz::Registration {
                    given_name: t.given_name.clone(),
                    family_name: t.family_name.clone(),
                    birth_date: t.birth_date,
                    school_code: t.location_code.clone(),
                    kind: Kind::from_code(&t.kind)?,
                    since: t.since,
                    until: t.until,
                    has_offer: t.has_offer,
                    leerplicht_informed: t.leerplicht_informed_on.is_some(),
                    perspective: t.perspective.clone(),
                },
            ))
        })
        .collect();
    let last = peildatum.pred_opt().unwrap_or(peildatum);
    let start = tz::school_year_start(last);
    let included = regs
        .iter()
        .filter(|(_, r)| {
            r.kind.in_inspectie_report() && r.since <= last && r.until.is_none_or(|u| u >= start)
        })
        .map(|(id, _)| *id);
    record_list(state, visitor, "export", "thuiszitters-inspectie", included).await?;
    let plain: Vec<tz::Registration> = regs.into_iter().map(|(_, r)| r).collect();
    Ok(Some((peildatum, tz::report(&plain, peildatum))))
}

/// Back to the register, where the peildatum as typed gets its message.
fn bad_peildatum(q: &ListQuery) -> Response {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("peildatum", &q.peildatum)
        .finish();
    Redirect::to(&format!("/swv/thuiszitters?{query}#inspectie")).into_response()
}

async fn inspectie_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let Some((peildatum, lines)) = inspectie_lines(&state, &visitor, &q).await? else {
        return Ok(bad_peildatum(&q));
    };
    Ok(csv_response(
        &format!(
            "thuiszitters-inspectie-{}.csv",
            peildatum.format("%Y-%m-%d")
        ),
        &tz::REPORT_COLUMNS,
        lines.iter().map(tz::ReportLine::cells).collect(),
    ))
}

async fn inspectie_xlsx(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let Some((peildatum, lines)) = inspectie_lines(&state, &visitor, &q).await? else {
        return Ok(bad_peildatum(&q));
    };
    let mut rows: Vec<Vec<String>> =
        vec![tz::REPORT_COLUMNS.iter().map(|c| (*c).to_owned()).collect()];
    rows.extend(lines.iter().map(tz::ReportLine::cells));
    let sheet = format!("Peildatum {}", peildatum.format("%d-%m-%Y"));
    Ok(attachment(
        crate::xlsx::workbook(&sheet, &rows),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &format!(
            "thuiszitters-inspectie-{}.xlsx",
            peildatum.format("%Y-%m-%d")
        ),
    ))
}
