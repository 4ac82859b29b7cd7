//! Aanmeldingen under the zorgplicht: registered, their terms, the outcome.

use crate::AppState;
use crate::access::{actor, record_read, school_pupil};
use crate::auth::{Principal, Visitor};
use crate::dates::{long, today};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::extract::read_school_pupil;
use crate::forms::Field;
use crate::forms::{Opt, date_field, form, opts, val};
use crate::layout::{AppLayout, layout};
use crate::routes::zorgplicht::*;
use crate::texts::domain_of;
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::zorgplicht::{
    self as zp, Aanmelding, NoZorgplicht, Outcome, TermPolicy, TermState,
};
use passend_store::casework::Pupil;
use passend_store::zorgplicht::{self as store, AanmeldingInput, AanmeldingRow};
use serde::Deserialize;

#[derive(Default, Clone)]
pub(crate) struct AanmeldingForm {
    pub(crate) received: Field,
    pub(crate) start: Field,
    pub(crate) support: Field,
    pub(crate) others: Field,
    pub(crate) first_preference: String,
    pub(crate) first_preference_error: String,
    pub(crate) ext_weeks: String,
    pub(crate) ext_told: Field,
    pub(crate) outcome: String,
    pub(crate) outcome_error: String,
    pub(crate) reason: String,
    pub(crate) placed_at: Field,
    pub(crate) decided: Field,
    pub(crate) elsewhere: Field,
    pub(crate) notes: Field,
    pub(crate) version: i64,
}

impl AanmeldingForm {
    pub(crate) fn of(a: &AanmeldingRow) -> AanmeldingForm {
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

    pub(crate) fn errors(&self) -> Vec<(String, String)> {
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
            e.push(("uitkomst-toegelaten".to_owned(), self.outcome_error.clone()));
        }
        push(&mut e, "andere-school", &self.placed_at);
        push(&mut e, "besluitdatum", &self.decided);
        push(&mut e, "elders", &self.elsewhere);
        e
    }
}

/// Where the terms stand, in words for the page.
pub(crate) struct Terms {
    pub(crate) due: String,
    pub(crate) extended_due: Option<String>,
    pub(crate) ten_weeks: String,
    pub(crate) in_time: bool,
    pub(crate) state: String,
    pub(crate) state_class: &'static str,
    pub(crate) extension_until: String,
}

pub(crate) fn terms_of(p: &TermPolicy, a: &Aanmelding) -> Terms {
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
#[template(path = "zorgplicht/aanmeldingen/aanmelding.html")]
pub(crate) struct AanmeldingView {
    pub(crate) layout: AppLayout,
    pub(crate) pupil_id: i64,
    pub(crate) pupil_name: String,
    pub(crate) school: String,
    pub(crate) action: String,
    pub(crate) f: AanmeldingForm,
    pub(crate) preference: Vec<Opt>,
    pub(crate) weeks: Vec<Opt>,
    pub(crate) outcomes: Vec<Opt>,
    pub(crate) reasons: Vec<Opt>,
    pub(crate) terms: Option<Terms>,
    pub(crate) outcome_label: Option<String>,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) is_new: bool,
}

pub(crate) fn aanmelding_view(
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
pub(crate) fn read_aanmelding(
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

pub(crate) async fn new_aanmelding(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pupil = read_school_pupil(&state, &visitor, &p, id).await?;
    let f = AanmeldingForm {
        first_preference: "ja".to_owned(),
        ..AanmeldingForm::default()
    };
    let view = aanmelding_view(&state, &visitor, &pupil, None, f, None);
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn add_aanmelding(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let (f, input) = read_aanmelding(term_policy(&state), &body, None);
    let Some(input) = input else {
        let view = aanmelding_view(&state, &visitor, &pupil, None, f, None);
        return Ok(unprocessable(view.render()?));
    };
    let once = crate::forms::once_token(&form(&body));
    let who = crate::access::actor_once(&p, &visitor, &once);
    let new_id =
        store::add_aanmelding(&state.db, &who, pupil.id, pupil.location_id, &input).await?;
    Ok(Redirect::to(&format!("/aanmeldingen/{new_id}?gedaan=opgeslagen")).into_response())
}

/// The registration, if the visitor works at its school.
pub(crate) async fn aanmelding_for(
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
pub(crate) async fn at_own_school<T>(
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
pub(crate) fn unprocessable(html: String) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, Html(html)).into_response()
}

/// Back to the registration: saved, or someone else saved first.
pub(crate) fn after_save(path: &str, done: bool) -> Response {
    let what = if done { "opgeslagen" } else { "gewijzigd" };
    Redirect::to(&format!("{path}?gedaan={what}")).into_response()
}

#[derive(Debug, Deserialize, Default)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) fn done_notice(q: &DoneQuery) -> Option<String> {
    staff::notice(staff::REGISTER, &q.gedaan)
}

pub(crate) async fn aanmelding_page(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let (a, pupil) = aanmelding_for(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "aanmelding", id, a.pupil_id, "read").await?;
    let f = AanmeldingForm::of(&a);
    let view = aanmelding_view(&state, &visitor, &pupil, Some(&a), f, done_notice(&q));
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn save_aanmelding(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
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
