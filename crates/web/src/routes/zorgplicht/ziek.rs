//! Sick pupils: the plan, the OZL consulent, evaluation moments.

use crate::AppState;
use crate::access::{actor, record_read, school_pupil};
use crate::auth::{Principal, Visitor};
use crate::dates::{long, today};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::extract::read_school_pupil;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{date_field, form, val};
use crate::layout::{AppLayout, layout};
use crate::routes::zorgplicht::*;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::zorgplicht::{self as zp};
use passend_store::casework::Pupil;
use passend_store::zorgplicht::{self as store, SickInput, SickRow};

#[derive(Default, Clone)]
pub(crate) struct SickForm {
    pub(crate) since: Field,
    pub(crate) until: Field,
    pub(crate) referred: Field,
    pub(crate) consulent: Field,
    pub(crate) plan: Field,
    pub(crate) contacts: Field,
    pub(crate) ended: Field,
    pub(crate) version: i64,
    pub(crate) evaluation: Field,
}

impl SickForm {
    pub(crate) fn of(z: &SickRow) -> SickForm {
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

    pub(crate) fn errors(&self) -> Vec<(String, String)> {
        summary(&[
            ("sinds", &self.since),
            ("verwacht-tot", &self.until),
            ("ozl-verwezen", &self.referred),
            ("beter", &self.ended),
            ("evaluatie", &self.evaluation),
        ])
    }
}

pub(crate) fn read_sick(body: &str) -> (SickForm, Option<SickInput>) {
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

pub(crate) struct EvaluationLine {
    pub(crate) id: i64,
    pub(crate) planned: String,
    pub(crate) held: Option<String>,
    pub(crate) notes: String,
    /// "vandaag", "verlopen" or "" (still to come).
    pub(crate) when: &'static str,
}

#[derive(Template)]
#[template(path = "zorgplicht/ziek/sick.html")]
pub(crate) struct SickView {
    pub(crate) layout: AppLayout,
    pub(crate) pupil_id: i64,
    pub(crate) pupil_name: String,
    pub(crate) school: String,
    pub(crate) action: String,
    pub(crate) f: SickForm,
    pub(crate) referral_needed: bool,
    pub(crate) ozl_days: u32,
    pub(crate) evaluations: Vec<EvaluationLine>,
    pub(crate) sick_id: Option<i64>,
    pub(crate) errors: Vec<(String, String)>,
}

pub(crate) async fn sick_view(
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

pub(crate) async fn new_sick(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pupil = read_school_pupil(&state, &visitor, &p, id).await?;
    let view = sick_view(&state, &visitor, &pupil, None, SickForm::default(), None).await?;
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn add_sick(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let (f, input) = read_sick(&body);
    let Some(input) = input else {
        let view = sick_view(&state, &visitor, &pupil, None, f, None).await?;
        return Ok(unprocessable(view.render()?));
    };
    let once = crate::forms::once_token(&form(&body));
    let who = crate::access::actor_once(&p, &visitor, &once);
    let new_id = store::add_sick(&state.db, &who, pupil.id, pupil.location_id, &input).await?;
    Ok(Redirect::to(&format!("/ziek/{new_id}?gedaan=opgeslagen")).into_response())
}

pub(crate) async fn sick_for(
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

pub(crate) async fn sick_page(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let (z, pupil) = sick_for(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "zieke-leerling", id, z.pupil_id, "read").await?;
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

pub(crate) async fn save_sick(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
    let (z, pupil) = sick_for(&state, &visitor, &p, id).await?;
    let (f, input) = read_sick(&body);
    let Some(input) = input else {
        let view = sick_view(&state, &visitor, &pupil, Some(&z), f, None).await?;
        return Ok(unprocessable(view.render()?));
    };
    let done = store::save_sick(&state.db, &actor(&p, &visitor), &z, f.version, &input).await?;
    Ok(after_save(&format!("/ziek/{id}"), done))
}

pub(crate) async fn plan_evaluation(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (z, pupil) = sick_for(&state, &visitor, &p, id).await?;
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

pub(crate) async fn hold_evaluation(
    SignedIn { state, visitor, p }: SignedIn,
    Path((id, evaluation)): Path<(i64, i64)>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let (z, _) = sick_for(&state, &visitor, &p, id).await?;
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
