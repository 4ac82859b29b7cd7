//! The pupils of a school: the list, a new pupil, editing one.

use crate::AppState;
use crate::access::{actor, record_list, school_pupil};
use crate::auth::Visitor;
use crate::dates::today;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::extract::read_school_pupil;
use crate::forms::FormBody;
use crate::forms::{Field, summary};
use crate::forms::{Opt, date_field, once_token, opts, required, text_limit, val};
use crate::layout::{AppLayout, layout};
use crate::paging::{Pager, page_number, paginate};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::accounts::{normalize_email, valid_email};
use passend_store::casework::{self as cw, GuardianInput, NewPupil, Pupil};
use serde::Deserialize;
use std::collections::HashMap;

pub(crate) struct PupilLine {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) birth: String,
    pub(crate) groep: String,
    pub(crate) school: String,
}

#[derive(Template)]
#[template(path = "casework/pupils/pupils.html")]
pub(crate) struct PupilsView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<PupilLine>,
    pub(crate) q: String,
    pub(crate) pager: Pager,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PupilsQuery {
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default, deserialize_with = "page_number")]
    pub(crate) pagina: Option<usize>,
}

pub(crate) async fn pupils(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<PupilsQuery>,
) -> AppResult<Response> {
    let needle = q.q.trim().to_lowercase();
    let found: Vec<Pupil> = cw::pupils_for_staff(&state.db, p.tenant_id, p.user_id)
        .await?
        .into_iter()
        .filter(|pu| needle.is_empty() || pu.full_name().to_lowercase().contains(&needle))
        .collect();
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &q.q)
        .finish();
    let (found, pager) = paginate(found, q.pagina.unwrap_or(1), "/leerlingen", &query);
    let lines: Vec<PupilLine> = found
        .into_iter()
        .map(|pu| PupilLine {
            id: pu.id,
            name: pu.full_name(),
            birth: pu.birth_date.format("%d-%m-%Y").to_string(),
            groep: pu.groep.clone(),
            school: pu.location_name.clone(),
        })
        .collect();
    let pupils = lines.iter().map(|l| l.id);
    record_list(&state, &visitor, "search", "leerling", pupils).await?;
    Ok(Html(
        PupilsView {
            layout: layout(&state, &visitor, "Leerlingen", "/leerlingen"),
            lines,
            q: q.q,
            pager,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) struct GuardianFields {
    pub(crate) n: usize,
    pub(crate) name: Field,
    pub(crate) relation: Vec<Opt>,
    pub(crate) authority: bool,
    pub(crate) email: Field,
    pub(crate) phone: Field,
}

#[derive(Template)]
#[template(path = "casework/pupils/pupil_form.html")]
pub(crate) struct PupilFormView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) locations: Vec<Opt>,
    pub(crate) location_error: Option<String>,
    pub(crate) given: Field,
    pub(crate) family: Field,
    pub(crate) birth: Field,
    pub(crate) groep: Field,
    pub(crate) onderwijsnummer: Field,
    pub(crate) guardians: Vec<GuardianFields>,
    pub(crate) heading: String,
    pub(crate) action: String,
    pub(crate) button: String,
}

pub(crate) const RELATIONS: [(&str, &str); 5] = [
    ("moeder", "Moeder"),
    ("vader", "Vader"),
    ("ouder", "Ouder"),
    ("voogd", "Voogd"),
    ("pleegouder", "Pleegouder"),
];

pub(crate) async fn pupil_form_view(
    state: &AppState,
    visitor: &Visitor,
    f: &HashMap<String, String>,
) -> AppResult<PupilFormView> {
    let p = visitor.signed_in()?;
    let chosen = val(f, "locatie");
    let locations = passend_store::accounts::user_locations(&state.db, p.user_id)
        .await?
        .into_iter()
        .map(|l| Opt {
            selected: l.id.to_string() == chosen,
            value: l.id.to_string(),
            label: l.name,
        })
        .collect();
    let guardians = (1..=2)
        .map(|n| GuardianFields {
            n,
            name: Field::of(val(f, &format!("ouder{n}-naam"))),
            relation: opts(RELATIONS, &val(f, &format!("ouder{n}-relatie"))),
            authority: f.is_empty() || val(f, &format!("ouder{n}-gezag")) == "ja",
            email: Field::of(val(f, &format!("ouder{n}-email"))),
            phone: Field::of(val(f, &format!("ouder{n}-telefoon"))),
        })
        .collect();
    Ok(PupilFormView {
        layout: layout(state, visitor, "Nieuwe leerling", ""),
        errors: Vec::new(),
        locations,
        location_error: None,
        given: Field::of(val(f, "voornaam")),
        family: Field::of(val(f, "achternaam")),
        birth: Field::of(val(f, "geboortedatum")),
        groep: Field::of(val(f, "groep")),
        onderwijsnummer: Field::of(val(f, "onderwijsnummer")),
        guardians,
        heading: "Leerling toevoegen".to_owned(),
        action: "/leerlingen/nieuw".to_owned(),
        button: "Leerling toevoegen".to_owned(),
    })
}

pub(crate) async fn new_pupil_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> AppResult<Response> {
    let view = pupil_form_view(&state, &visitor, &HashMap::new()).await?;
    Ok(Html(view.render()?).into_response())
}

/// Checks the pupil form: the pupil to store, or `None` with the messages in the view.
pub(crate) fn read_pupil_form(
    view: &mut PupilFormView,
    f: &HashMap<String, String>,
) -> Option<NewPupil> {
    let location_id = view
        .locations
        .iter()
        .find(|o| o.selected)
        .and_then(|o| o.value.parse::<i64>().ok());
    if location_id.is_none() {
        view.location_error = Some("Kies de school van de leerling.".to_owned());
    }
    required(&mut view.given, "Vul de voornaam in.");
    required(&mut view.family, "Vul de achternaam in.");
    text_limit(&mut view.given, 100, "de voornaam");
    text_limit(&mut view.family, 100, "de achternaam");
    let birth = date_field(
        &val(f, "geboortedatum"),
        &mut view.birth,
        true,
        "de geboortedatum",
    );
    if let Some(b) = birth {
        let age_days = (today() - b).num_days();
        if !(365..=365 * 16).contains(&age_days) {
            view.birth.error = Some(
                "Deze geboortedatum past niet bij een leerling in het primair onderwijs. Controleer de datum."
                    .to_owned(),
            );
        }
    }
    required(&mut view.groep, "Vul de groep in, bijvoorbeeld 5.");
    let groep_ok = view
        .groep
        .value
        .split('/')
        .all(|g| matches!(g.trim(), "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8"));
    if !view.groep.value.is_empty() && !groep_ok {
        view.groep.error = Some(
            "Vul de groep in als getal van 1 tot en met 8, of een combinatiegroep zoals 1/2."
                .to_owned(),
        );
    }
    let on = view.onderwijsnummer.value.clone();
    let valid_number = on.len() == 9 && on.chars().all(|c| c.is_ascii_digit());
    if !(on.is_empty() || valid_number) {
        view.onderwijsnummer.error =
            Some("Een onderwijsnummer heeft 9 cijfers. Laat het veld leeg als u het niet heeft. Vul nooit een BSN in.".to_owned());
    }
    let mut guardians = Vec::new();
    for g in &mut view.guardians {
        let any =
            !g.name.value.is_empty() || !g.email.value.is_empty() || !g.phone.value.is_empty();
        if g.n == 2 && !any {
            continue;
        }
        required(&mut g.name, "Vul de naam van de ouder of verzorger in.");
        text_limit(&mut g.name, 150, "de naam");
        let email = normalize_email(&g.email.value);
        if g.email.value.is_empty() && g.phone.value.is_empty() {
            g.email.error = Some("Vul een e-mailadres of telefoonnummer in, zodat het samenwerkingsverband de ouder kan bereiken.".to_owned());
        } else if !g.email.value.is_empty() && !valid_email(&email) {
            g.email.error =
                Some("Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl.".to_owned());
        }
        text_limit(&mut g.phone, 30, "het telefoonnummer");
        let relation = g
            .relation
            .iter()
            .find(|o| o.selected)
            .map(|o| o.value.clone())
            .unwrap_or_else(|| "ouder".to_owned());
        guardians.push(GuardianInput {
            name: g.name.value.clone(),
            relation,
            parental_authority: g.authority,
            email: if g.email.value.is_empty() {
                String::new()
            } else {
                email
            },
            phone: g.phone.value.clone(),
        });
    }
    let mut errors = Vec::new();
    if let Some(e) = &view.location_error {
        errors.push(("locatie".to_owned(), e.clone()));
    }
    errors.extend(summary(&[
        ("voornaam", &view.given),
        ("achternaam", &view.family),
        ("geboortedatum", &view.birth),
        ("groep", &view.groep),
        ("onderwijsnummer", &view.onderwijsnummer),
    ]));
    for g in &view.guardians {
        let n = g.n;
        errors.extend(summary(&[
            (&format!("ouder{n}-naam"), &g.name),
            (&format!("ouder{n}-email"), &g.email),
            (&format!("ouder{n}-telefoon"), &g.phone),
        ]));
    }
    let (Some(location_id), Some(birth), true) = (location_id, birth, errors.is_empty()) else {
        view.errors = errors;
        return None;
    };
    Some(NewPupil {
        location_id,
        given_name: view.given.value.clone(),
        family_name: view.family.value.clone(),
        birth_date: birth,
        groep: view.groep.value.clone(),
        onderwijsnummer: Some(on).filter(|o| !o.is_empty()),
        guardians,
    })
}

pub(crate) async fn create_pupil(
    SignedIn { state, visitor, p }: SignedIn,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let mut view = pupil_form_view(&state, &visitor, &f).await?;
    let Some(pupil) = read_pupil_form(&mut view, &f) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    let once = once_token(&f);
    let who = crate::access::actor_once(&p, &visitor, &once);
    let id = cw::create_pupil(&state.db, &who, &pupil).await?;
    Ok(Redirect::to(&format!("/leerlingen/{id}?gedaan=aangemaakt")).into_response())
}

/// The form filled in with a stored pupil.
pub(crate) async fn stored_pupil_form(
    state: &AppState,
    pupil: &Pupil,
) -> AppResult<HashMap<String, String>> {
    let mut f = HashMap::new();
    f.insert("locatie".to_owned(), pupil.location_id.to_string());
    f.insert("voornaam".to_owned(), pupil.given_name.clone());
    f.insert("achternaam".to_owned(), pupil.family_name.clone());
    f.insert(
        "geboortedatum".to_owned(),
        pupil.birth_date.format("%Y-%m-%d").to_string(),
    );
    f.insert("groep".to_owned(), pupil.groep.clone());
    f.insert(
        "onderwijsnummer".to_owned(),
        pupil.onderwijsnummer.clone().unwrap_or_default(),
    );
    for (i, g) in cw::guardians(&state.db, pupil.id)
        .await?
        .into_iter()
        .enumerate()
        .take(2)
    {
        let n = i + 1;
        f.insert(format!("ouder{n}-naam"), g.name);
        f.insert(format!("ouder{n}-relatie"), g.relation);
        if g.parental_authority {
            f.insert(format!("ouder{n}-gezag"), "ja".to_owned());
        }
        f.insert(format!("ouder{n}-email"), g.email);
        f.insert(format!("ouder{n}-telefoon"), g.phone);
    }
    Ok(f)
}

pub(crate) fn edit_view(
    mut view: PupilFormView,
    state: &AppState,
    visitor: &Visitor,
    pupil: &Pupil,
) -> PupilFormView {
    view.layout = layout(
        state,
        visitor,
        &format!("Gegevens van {}", pupil.full_name()),
        "",
    );
    view.heading = "Gegevens van de leerling wijzigen".to_owned();
    view.action = format!("/leerlingen/{}/bewerken", pupil.id);
    view.button = "Wijzigingen opslaan".to_owned();
    view
}

pub(crate) async fn edit_pupil_form(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pupil = read_school_pupil(&state, &visitor, &p, id).await?;
    let f = stored_pupil_form(&state, &pupil).await?;
    let view = edit_view(
        pupil_form_view(&state, &visitor, &f).await?,
        &state,
        &visitor,
        &pupil,
    );
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn update_pupil(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<i64>,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let pupil = school_pupil(&state, &visitor, &p, id).await?;
    let mut view = edit_view(
        pupil_form_view(&state, &visitor, &f).await?,
        &state,
        &visitor,
        &pupil,
    );
    let Some(changed) = read_pupil_form(&mut view, &f) else {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    cw::update_pupil(&state.db, &actor(&p, &visitor), pupil.id, &changed).await?;
    Ok(Redirect::to(&format!("/leerlingen/{}?gedaan=gewijzigd", pupil.id)).into_response())
}
