//! Thuiszitters: registered per pupil, followed until back at school.

use crate::AppState;
use crate::access::{actor, record_read, school_pupil};
use crate::auth::{Principal, Visitor};
use crate::dates::today;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::extract::read_school_pupil;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, form, opts, val};
use crate::layout::{AppLayout, layout};
use crate::routes::zorgplicht::*;
use askama::Template;
use axum::extract::{Path, Query};
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::accounts::Role;
use passend_domain::thuiszitters::Kind;
use passend_store::zorgplicht::{self as store, ThuiszitterInput, ThuiszitterRow};

#[derive(Default, Clone)]
pub(crate) struct ThuiszitterForm {
    pub(crate) kind: String,
    pub(crate) kind_error: String,
    pub(crate) since: Field,
    pub(crate) until: Field,
    pub(crate) actions: Field,
    pub(crate) perspective: Field,
    pub(crate) offer: bool,
    pub(crate) leerplicht: Field,
    pub(crate) informed: Field,
    pub(crate) version: i64,
}

impl ThuiszitterForm {
    pub(crate) fn of(t: &ThuiszitterRow) -> ThuiszitterForm {
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

    pub(crate) fn errors(&self) -> Vec<(String, String)> {
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

pub(crate) fn read_thuiszitter(body: &str) -> (ThuiszitterForm, Option<ThuiszitterInput>) {
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
#[template(path = "zorgplicht/thuiszitters/thuiszitter.html")]
pub(crate) struct ThuiszitterView {
    pub(crate) layout: AppLayout,
    pub(crate) pupil_id: Option<i64>,
    pub(crate) pupil_name: String,
    pub(crate) school: String,
    pub(crate) action: String,
    pub(crate) f: ThuiszitterForm,
    pub(crate) kinds: Vec<Opt>,
    pub(crate) weeks: Option<i64>,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) is_new: bool,
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn thuiszitter_view(
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

pub(crate) async fn new_thuiszitter(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pupil = read_school_pupil(&state, &visitor, &p, id).await?;
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

pub(crate) async fn add_thuiszitter(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
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
    let who = crate::access::actor_once(&p, &visitor, &once);
    let new_id =
        store::add_thuiszitter(&state.db, &who, pupil.id, pupil.location_id, &input).await?;
    Ok(Redirect::to(&format!("/thuiszitters/{new_id}?gedaan=opgeslagen")).into_response())
}

/// The registration, if the visitor works at its school or is a toeleider.
pub(crate) async fn thuiszitter_for(
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

pub(crate) async fn thuiszitter_page(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let t = thuiszitter_for(&state, &visitor, &p, id).await?;
    record_read(&state, &visitor, "thuiszitter", id, t.pupil_id, "read").await?;
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

pub(crate) async fn save_thuiszitter(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    body: String,
) -> AppResult<Response> {
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
