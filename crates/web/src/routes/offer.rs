//! The support offer on the voorzieningenkaart, as staff keep it: school staff edit their own
//! locations' support profiles (each save renews the last-verified date and lands in the change
//! log); SWV staff see every profile, mark profiles as checked and manage the voorzieningen.

use crate::AppState;
use crate::app::Routes;
use crate::auth::{Principal, Visitor};
use crate::dates::when;
use crate::error::{AppError, AppResult};
use crate::forms::{Field, summary};
use crate::i18n::map_texts;
use crate::layout::MessageView;
use crate::layout::{AppLayout, layout};
use crate::map::title_case;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use passend_domain::Lang;
use passend_domain::accounts::Role;
use passend_domain::support::{Admission, Level, THEMES, check_offer, theme};
use passend_domain::text::slugify;
use passend_store::accounts as users;
use passend_store::audit::Outcome;
use passend_store::locations::{
    self, LocationChoice, NewVoorziening, ProfileInput, VoorzieningError,
};
use serde::Deserialize;

/// The routes of this area.
pub fn router() -> Routes {
    Routes::new()
        .get("/school", school)
        .get("/profiel/{code}", profile_form)
        .post("/profiel/{code}", save_profile)
        .get("/swv/profielen", profiles)
        .post("/swv/profielen/{code}/gecontroleerd", mark_checked)
        .get("/swv/voorzieningen", voorzieningen)
        .post("/swv/voorzieningen", |s, v, b| {
            save_voorziening(s, v, None, b)
        })
        .get("/swv/voorzieningen/{slug}", edit_voorziening_form)
        .post("/swv/voorzieningen/{slug}", |s, v, p: Path<String>, b| {
            save_voorziening(s, v, Some(p.0), b)
        })
        .post("/swv/voorzieningen/{slug}/verwijderen", remove_voorziening)
}

/// A profile older than this many days is flagged (as on the map).
const STALE_DAYS: i64 = 365;

fn stale(d: Option<NaiveDate>) -> bool {
    d.is_none_or(|d| {
        (passend_domain::time::to_local(chrono::Utc::now()).date() - d).num_days() > STALE_DAYS
    })
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(|d| d.format("%d-%m-%Y").to_string())
        .unwrap_or_else(|| "nooit".to_owned())
}

fn admission_label(code: &str) -> &'static str {
    let t = map_texts(Lang::Nl);
    match Admission::from_code(code) {
        Some(Admission::Direct) => t.admissions[0],
        Some(Admission::Tlv) => t.admissions[1],
        Some(Admission::Plaatsingsoverleg) => t.admissions[2],
        Some(Admission::EigenToelating) => t.admissions[3],
        None => "onbekend",
    }
}

fn themes_label(ids: &str) -> String {
    ids.split(',')
        .filter_map(theme)
        .map(|t| t.nl)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The location, if this user may edit its profile: school staff only their own locations,
/// SWV staff every location. Anything else is "not found" and recorded as refused.
async fn editable_location(
    state: &AppState,
    visitor: &Visitor,
    p: &Principal,
    code: &str,
) -> AppResult<LocationChoice> {
    let code = code.trim().to_ascii_uppercase();
    let location = locations::location_by_code(&state.db, &code).await?;
    let allowed = match (&location, p.role) {
        (None, _) => false,
        (Some(_), Role::Toeleider | Role::Beheerder) => true,
        (Some(l), Role::Schoolmedewerker) => users::user_locations(&state.db, p.user_id)
            .await?
            .iter()
            .any(|m| m.id == l.id),
        _ => false,
    };
    match location {
        Some(l) if allowed => Ok(l),
        _ => {
            let event = visitor.event(
                "read",
                "ondersteuningsprofiel",
                &code,
                Outcome::Denied,
                "not linked",
            );
            passend_store::audit::append(&state.db, &event).await?;
            Err(AppError::NotFound)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// School

struct SchoolLine {
    code: String,
    name: String,
    place: String,
    filled_in: bool,
    verified: String,
    stale: bool,
}

#[derive(Template)]
#[template(path = "app/school.html")]
struct SchoolView {
    layout: AppLayout,
    lines: Vec<SchoolLine>,
}

async fn school(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let mut lines = Vec::new();
    for l in users::user_locations(&state.db, p.user_id).await? {
        let profile = locations::profile(&state.db, state.tenant_id, l.id).await?;
        let verified = profile.as_ref().and_then(|p| p.last_verified_on);
        lines.push(SchoolLine {
            code: l.code,
            name: l.name,
            place: title_case(&l.place),
            filled_in: profile.is_some(),
            verified: date(verified),
            stale: stale(verified),
        });
    }
    Ok(Html(
        SchoolView {
            layout: layout(&state, &visitor, "Mijn school", "/school"),
            lines,
        }
        .render()?,
    )
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Profile form

struct Check {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

struct HistoryLine {
    saved_at: String,
    by: String,
    themes: String,
    level: &'static str,
    admission: &'static str,
}

#[derive(Template)]
#[template(path = "app/profile.html")]
struct ProfileView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    code: String,
    name: String,
    map_href: String,
    themes: Vec<Check>,
    themes_error: Option<String>,
    levels: Vec<Check>,
    admissions: Vec<Check>,
    description: Field,
    capacity: Field,
    waiting_list: Field,
    contact: Field,
    last_verified: String,
    checked: String,
    history: Vec<HistoryLine>,
}

#[derive(Debug, Default, Deserialize)]
struct ProfileForm {
    #[serde(default)]
    niveau: String,
    #[serde(default)]
    toelating: String,
    #[serde(default)]
    omschrijving: String,
    #[serde(default)]
    plaatsen: String,
    #[serde(default)]
    wachtlijst: String,
    #[serde(default)]
    contact: String,
}

#[allow(clippy::too_many_arguments)]
async fn profile_view(
    state: &AppState,
    visitor: &Visitor,
    location: &LocationChoice,
    form: &ProfileForm,
    chosen: &[String],
    fields: [Field; 4],
    themes_error: Option<String>,
) -> AppResult<ProfileView> {
    let profile = locations::profile(&state.db, state.tenant_id, location.id).await?;
    let history = locations::profile_history(&state.db, state.tenant_id, location.id)
        .await?
        .into_iter()
        .map(|h| HistoryLine {
            saved_at: when(h.saved_at),
            by: h.saved_by_name.unwrap_or_else(|| {
                if h.set_by == "school" {
                    "de school".to_owned()
                } else {
                    "het samenwerkingsverband".to_owned()
                }
            }),
            themes: themes_label(&h.themes),
            level: if h.level == "basis" {
                "basisondersteuning"
            } else {
                "extra ondersteuning"
            },
            admission: admission_label(&h.admission),
        })
        .collect();
    let [description, capacity, waiting_list, contact] = fields;
    let mut errors = Vec::new();
    if let Some(e) = &themes_error {
        errors.push(("thema-leren".to_owned(), e.clone()));
    }
    errors.extend(summary(&[
        ("omschrijving", &description),
        ("plaatsen", &capacity),
        ("wachtlijst", &waiting_list),
        ("contact", &contact),
    ]));
    Ok(ProfileView {
        layout: layout(
            state,
            visitor,
            &format!("Ondersteuningsprofiel {}", location.name),
            "",
        ),
        errors,
        code: location.code.clone(),
        name: location.name.clone(),
        map_href: format!("/kaart/{}", location.code),
        themes: THEMES
            .iter()
            .map(|t| Check {
                value: t.id,
                label: t.nl,
                checked: chosen.iter().any(|c| c == t.id),
            })
            .collect(),
        themes_error,
        levels: [
            ("basis", "Basisondersteuning: wat elke school biedt"),
            ("extra", "Extra ondersteuning"),
        ]
        .into_iter()
        .map(|(v, l)| Check {
            value: v,
            label: l,
            checked: form.niveau == v,
        })
        .collect(),
        admissions: ["direct", "tlv", "plaatsingsoverleg", "eigen-toelating"]
            .into_iter()
            .map(|v| Check {
                value: v,
                label: admission_label(v),
                checked: form.toelating == v,
            })
            .collect(),
        description,
        capacity,
        waiting_list,
        contact,
        last_verified: date(profile.as_ref().and_then(|p| p.last_verified_on)),
        checked: date(profile.as_ref().and_then(|p| p.checked_on)),
        history,
    })
}

async fn profile_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let location = editable_location(&state, &visitor, p, &code).await?;
    let profile = locations::profile(&state.db, state.tenant_id, location.id).await?;
    let (form, chosen) = match &profile {
        Some(pr) => (
            ProfileForm {
                niveau: pr.level.clone(),
                toelating: pr.admission.clone(),
                omschrijving: pr.description.clone(),
                plaatsen: pr.capacity.map(|n| n.to_string()).unwrap_or_default(),
                wachtlijst: pr.waiting_list.map(|n| n.to_string()).unwrap_or_default(),
                contact: pr.contact.clone(),
            },
            pr.themes
                .split(',')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect(),
        ),
        None => (
            ProfileForm {
                niveau: "basis".to_owned(),
                toelating: "direct".to_owned(),
                ..ProfileForm::default()
            },
            Vec::new(),
        ),
    };
    let fields = [
        Field::of(form.omschrijving.clone()),
        Field::of(form.plaatsen.clone()),
        Field::of(form.wachtlijst.clone()),
        Field::of(form.contact.clone()),
    ];
    let view = profile_view(&state, &visitor, &location, &form, &chosen, fields, None).await?;
    Ok(Html(view.render()?).into_response())
}

/// Reads a whole number field: empty is `None`; anything else must be 0 or more.
fn count_field(raw: &str, field: &mut Field, label: &str) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=100_000).contains(&n) => Some(n),
        _ => {
            field.error = Some(format!(
                "Vul bij {label} een heel getal in (0 of meer), of laat het veld leeg."
            ));
            None
        }
    }
}

/// The repeated `thema` fields of a form body.
fn themes_of(body: &str) -> Vec<String> {
    form_urlencoded::parse(body.as_bytes())
        .filter(|(k, _)| k == "thema")
        .map(|(_, v)| v.into_owned())
        .collect()
}

async fn save_profile(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let location = editable_location(&state, &visitor, &p, &code).await?;
    let form: ProfileForm = serde_urlencoded_lenient(&body);
    let chosen = themes_of(&body);
    let mut description = Field::of(form.omschrijving.trim());
    let mut capacity = Field::of(form.plaatsen.trim());
    let mut waiting = Field::of(form.wachtlijst.trim());
    let mut contact = Field::of(form.contact.trim());
    let places = count_field(&form.plaatsen, &mut capacity, "aantal plaatsen");
    let waiting_n = count_field(&form.wachtlijst, &mut waiting, "wachtlijst");
    let mut themes_error = None;
    if chosen.is_empty() {
        themes_error = Some("Kies minstens één soort ondersteuning.".to_owned());
    }
    if description.value.chars().count() > 2000 {
        description.error = Some("Maak de omschrijving korter: hooguit 2000 tekens.".to_owned());
    }
    if contact.value.is_empty() {
        contact.error = Some("Vul in hoe ouders de school bereiken over ondersteuning, bijvoorbeeld de intern begeleider en een telefoonnummer.".to_owned());
    } else if contact.value.chars().count() > 300 {
        contact.error = Some("Maak de contactgegevens korter: hooguit 300 tekens.".to_owned());
    }
    let level_ok = Level::from_code(&form.niveau).is_some();
    let offer = check_offer(&chosen, &form.toelating, places, waiting_n);
    if let Err(problem) = &offer
        && themes_error.is_none()
    {
        themes_error = Some(problem.message_nl());
    }
    let invalid = themes_error.is_some()
        || !level_ok
        || [&description, &capacity, &waiting, &contact]
            .iter()
            .any(|f| f.has_error());
    if invalid {
        let view = profile_view(
            &state,
            &visitor,
            &location,
            &form,
            &chosen,
            [description, capacity, waiting, contact],
            themes_error,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let set_by = if p.role == Role::Schoolmedewerker {
        "school"
    } else {
        "swv"
    };
    let themes = chosen.join(",");
    let event = visitor.event(
        "update",
        "ondersteuningsprofiel",
        &location.code,
        Outcome::Success,
        set_by,
    );
    locations::save_profile(
        &state.db,
        &ProfileInput {
            tenant_id: state.tenant_id,
            location_code: &location.code,
            themes: &themes,
            level: &form.niveau,
            admission: &form.toelating,
            description: &description.value,
            capacity: places,
            waiting_list: waiting_n,
            contact: &contact.value,
            set_by,
            source_url: None,
            last_verified_on: Some(passend_domain::time::to_local(chrono::Utc::now()).date()),
            origin: &visitor.origin,
            saved_by: Some(p.user_id),
        },
        Some(&event),
    )
    .await?;
    let view = MessageView {
        layout: layout(&state, &visitor, "Profiel opgeslagen", ""),
        heading: "Het profiel is opgeslagen".to_owned(),
        paragraphs: vec![format!(
            "Het ondersteuningsprofiel van {} staat nu op de voorzieningenkaart, met de datum van vandaag als laatst bijgewerkt.",
            location.name
        )],
        link: Some((
            format!("/kaart/{}", location.code),
            "Bekijk het op de kaart".to_owned(),
        )),
    };
    Ok(Html(view.render()?).into_response())
}

/// Reads a URL-encoded body into a form struct, ignoring repeated and unknown fields.
fn serde_urlencoded_lenient(body: &str) -> ProfileForm {
    let mut f = ProfileForm::default();
    for (k, v) in form_urlencoded::parse(body.as_bytes()) {
        let v = v.into_owned();
        match k.as_ref() {
            "niveau" => f.niveau = v,
            "toelating" => f.toelating = v,
            "omschrijving" => f.omschrijving = v,
            "plaatsen" => f.plaatsen = v,
            "wachtlijst" => f.wachtlijst = v,
            "contact" => f.contact = v,
            _ => {}
        }
    }
    f
}

// ---------------------------------------------------------------------------------------------
// SWV: profiles

struct ProfileLine {
    code: String,
    name: String,
    place: String,
    school_type: String,
    filled_in: bool,
    set_by: &'static str,
    verified: String,
    stale: bool,
    checked: String,
}

#[derive(Template)]
#[template(path = "app/profiles.html")]
struct ProfilesView {
    layout: AppLayout,
    lines: Vec<ProfileLine>,
    total: usize,
    filled: usize,
    stale_count: usize,
    filter: String,
}

#[derive(Debug, Deserialize)]
struct ProfilesQuery {
    #[serde(default)]
    toon: String,
    #[serde(default)]
    gedaan: String,
}

async fn profiles(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<ProfilesQuery>,
) -> AppResult<Response> {
    let all = locations::profiles(&state.db, state.tenant_id).await?;
    let mut lines = Vec::new();
    for l in locations::location_choices(&state.db).await? {
        let p = all.iter().find(|p| p.location_id == l.id);
        let verified = p.and_then(|p| p.last_verified_on);
        lines.push(ProfileLine {
            code: l.code,
            name: l.name,
            place: title_case(&l.place),
            school_type: l.school_type.to_uppercase(),
            filled_in: p.is_some(),
            set_by: match p.map(|p| p.set_by.as_str()) {
                Some("school") => "school",
                Some(_) => "samenwerkingsverband",
                None => "",
            },
            verified: date(verified),
            stale: p.is_some() && stale(verified),
            checked: date(p.and_then(|p| p.checked_on)),
        });
    }
    let total = lines.len();
    let filled = lines.iter().filter(|l| l.filled_in).count();
    let stale_count = lines.iter().filter(|l| l.stale).count();
    match q.toon.as_str() {
        "leeg" => lines.retain(|l| !l.filled_in),
        "verouderd" => lines.retain(|l| l.stale),
        "ingevuld" => lines.retain(|l| l.filled_in),
        _ => {}
    }
    let mut l = layout(
        &state,
        &visitor,
        "Ondersteuningsprofielen",
        "/swv/profielen",
    );
    if q.gedaan == "gecontroleerd" {
        l.notice = Some("Het profiel is gemarkeerd als gecontroleerd.".to_owned());
    }
    Ok(Html(
        ProfilesView {
            layout: l,
            lines,
            total,
            filled,
            stale_count,
            filter: q.toon,
        }
        .render()?,
    )
    .into_response())
}

async fn mark_checked(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let code = code.trim().to_ascii_uppercase();
    let Some(location) = locations::location_by_code(&state.db, &code).await? else {
        return Err(AppError::NotFound);
    };
    let event = visitor.event(
        "check",
        "ondersteuningsprofiel",
        &code,
        Outcome::Success,
        "",
    );
    if !locations::mark_profile_checked(
        &state.db,
        state.tenant_id,
        location.id,
        p.user_id,
        passend_domain::time::to_local(chrono::Utc::now()).date(),
        &event,
    )
    .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/swv/profielen?gedaan=gecontroleerd").into_response())
}

// ---------------------------------------------------------------------------------------------
// SWV: voorzieningen

struct VoorzieningLine {
    slug: String,
    name: String,
    kind: &'static str,
    location: String,
    themes: String,
    admission: &'static str,
    verified: String,
}

#[derive(Template)]
#[template(path = "app/voorzieningen.html")]
struct VoorzieningenView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    lines: Vec<VoorzieningLine>,
    /// The slug being changed; `None` when adding.
    editing: Option<String>,
    name: Field,
    location: Field,
    kinds: Vec<Check>,
    themes: Vec<Check>,
    themes_error: Option<String>,
    admissions: Vec<Check>,
    description: Field,
    capacity: Field,
    waiting_list: Field,
    contact: Field,
}

#[derive(Debug, Default)]
struct VoorzieningForm {
    naam: String,
    locatie: String,
    soort: String,
    toelating: String,
    omschrijving: String,
    plaatsen: String,
    wachtlijst: String,
    contact: String,
    themas: Vec<String>,
}

impl VoorzieningForm {
    fn parse(body: &str) -> VoorzieningForm {
        let mut f = VoorzieningForm::default();
        for (k, v) in form_urlencoded::parse(body.as_bytes()) {
            let v = v.into_owned();
            match k.as_ref() {
                "naam" => f.naam = v,
                "locatie" => f.locatie = v,
                "soort" => f.soort = v,
                "toelating" => f.toelating = v,
                "omschrijving" => f.omschrijving = v,
                "plaatsen" => f.plaatsen = v,
                "wachtlijst" => f.wachtlijst = v,
                "contact" => f.contact = v,
                "thema" => f.themas.push(v),
                _ => {}
            }
        }
        f
    }
}

#[derive(Debug, Deserialize)]
struct DoneQuery {
    #[serde(default)]
    gedaan: String,
}

async fn voorzieningen_view(
    state: &AppState,
    visitor: &Visitor,
    form: &VoorzieningForm,
    fields: [Field; 6],
    themes_error: Option<String>,
) -> AppResult<VoorzieningenView> {
    let lines = locations::voorzieningen(&state.db, state.tenant_id)
        .await?
        .into_iter()
        .map(|v| VoorzieningLine {
            kind: if v.kind == "arrangement" {
                "Arrangement"
            } else {
                "Stedelijke voorziening"
            },
            admission: admission_label(&v.admission),
            themes: themes_label(&v.themes),
            verified: date(v.last_verified_on),
            location: v.location_code,
            slug: v.slug,
            name: v.name,
        })
        .collect();
    let [name, location, description, capacity, waiting_list, contact] = fields;
    let mut errors = summary(&[("naam", &name), ("locatie", &location)]);
    if let Some(e) = &themes_error {
        errors.push(("thema-leren".to_owned(), e.clone()));
    }
    errors.extend(summary(&[
        ("omschrijving", &description),
        ("plaatsen", &capacity),
        ("wachtlijst", &waiting_list),
        ("contact", &contact),
    ]));
    let soort = if form.soort.is_empty() {
        "stedelijke-voorziening"
    } else {
        form.soort.as_str()
    };
    let toelating = if form.toelating.is_empty() {
        "tlv"
    } else {
        form.toelating.as_str()
    };
    Ok(VoorzieningenView {
        layout: layout(state, visitor, "Voorzieningen", "/swv/voorzieningen"),
        errors,
        lines,
        editing: None,
        name,
        location,
        kinds: [
            ("stedelijke-voorziening", "Stedelijke voorziening"),
            ("arrangement", "Arrangement"),
        ]
        .into_iter()
        .map(|(v, l)| Check {
            value: v,
            label: l,
            checked: soort == v,
        })
        .collect(),
        themes: THEMES
            .iter()
            .map(|t| Check {
                value: t.id,
                label: t.nl,
                checked: form.themas.iter().any(|c| c == t.id),
            })
            .collect(),
        themes_error,
        admissions: ["direct", "tlv", "plaatsingsoverleg", "eigen-toelating"]
            .into_iter()
            .map(|v| Check {
                value: v,
                label: admission_label(v),
                checked: toelating == v,
            })
            .collect(),
        description,
        capacity,
        waiting_list,
        contact,
    })
}

async fn voorzieningen(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let fields = std::array::from_fn(|_| Field::default());
    let mut view =
        voorzieningen_view(&state, &visitor, &VoorzieningForm::default(), fields, None).await?;
    view.layout.notice = match q.gedaan.as_str() {
        "toegevoegd" => Some("De voorziening is toegevoegd en staat op de kaart.".to_owned()),
        "verwijderd" => Some("De voorziening is verwijderd van de kaart.".to_owned()),
        "gewijzigd" => Some("De wijzigingen staan op de kaart.".to_owned()),
        _ => None,
    };
    Ok(Html(view.render()?).into_response())
}

/// The tenant's voorziening with this slug; another tenant's or an unknown one is "not found"
/// and the refusal recorded.
async fn own_voorziening(
    state: &AppState,
    visitor: &Visitor,
    slug: &str,
    action: &str,
) -> AppResult<locations::Voorziening> {
    let found = locations::voorzieningen(&state.db, state.tenant_id)
        .await?
        .into_iter()
        .find(|v| v.slug == slug);
    match found {
        Some(v) => Ok(v),
        None => {
            let event = visitor.event(
                action,
                "voorziening",
                slug,
                Outcome::Denied,
                "not in tenant",
            );
            passend_store::audit::append(&state.db, &event).await?;
            Err(AppError::NotFound)
        }
    }
}

async fn edit_voorziening_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
) -> AppResult<Response> {
    let v = own_voorziening(&state, &visitor, &slug, "read").await?;
    let form = VoorzieningForm {
        naam: v.name.clone(),
        locatie: v.location_code.clone(),
        soort: v.kind.clone(),
        toelating: v.admission.clone(),
        omschrijving: v.description.clone(),
        plaatsen: v.capacity.map(|n| n.to_string()).unwrap_or_default(),
        wachtlijst: v.waiting_list.map(|n| n.to_string()).unwrap_or_default(),
        contact: v.contact.clone(),
        themas: v
            .themes
            .split(',')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    let fields = [
        Field::of(form.naam.clone()),
        Field::of(form.locatie.clone()),
        Field::of(form.omschrijving.clone()),
        Field::of(form.plaatsen.clone()),
        Field::of(form.wachtlijst.clone()),
        Field::of(form.contact.clone()),
    ];
    let mut view = voorzieningen_view(&state, &visitor, &form, fields, None).await?;
    view.editing = Some(v.slug);
    view.layout.title = format!("Voorziening wijzigen: {}", v.name);
    Ok(Html(view.render()?).into_response())
}

/// Adds a voorziening (`editing` is `None`) or changes one; the same checks for both.
async fn save_voorziening(
    State(state): State<AppState>,
    visitor: Visitor,
    editing: Option<String>,
    body: String,
) -> AppResult<Response> {
    if let Some(slug) = &editing {
        own_voorziening(&state, &visitor, slug, "update").await?;
    }
    let form = VoorzieningForm::parse(&body);
    let mut name = Field::of(form.naam.trim());
    let mut location = Field::of(form.locatie.trim().to_ascii_uppercase());
    let mut description = Field::of(form.omschrijving.trim());
    let mut capacity = Field::of(form.plaatsen.trim());
    let mut waiting = Field::of(form.wachtlijst.trim());
    let mut contact = Field::of(form.contact.trim());
    let places = count_field(&form.plaatsen, &mut capacity, "aantal plaatsen");
    let waiting_n = count_field(&form.wachtlijst, &mut waiting, "wachtlijst");
    let slug = editing.clone().unwrap_or_else(|| slugify(&name.value));
    if name.value.is_empty() || slugify(&name.value).is_empty() {
        name.error = Some("Vul de naam van de voorziening in.".to_owned());
    } else if name.value.chars().count() > 120 {
        name.error = Some("Maak de naam korter: hooguit 120 tekens.".to_owned());
    }
    if location.value.is_empty() {
        location.error = Some(
            "Vul de vestigingscode van de school in waar de voorziening zit, bijvoorbeeld 12AB00."
                .to_owned(),
        );
    } else if locations::location_by_code(&state.db, &location.value)
        .await?
        .is_none()
    {
        location.error = Some("Deze vestigingscode is niet bekend. Zoek de school op de kaart: de code staat op de pagina van de school.".to_owned());
    }
    if description.value.chars().count() > 2000 {
        description.error = Some("Maak de omschrijving korter: hooguit 2000 tekens.".to_owned());
    }
    if contact.value.is_empty() {
        contact.error = Some("Vul in hoe ouders en scholen de voorziening bereiken.".to_owned());
    }
    let mut themes_error = None;
    if form.themas.is_empty() {
        themes_error = Some("Kies minstens één soort ondersteuning.".to_owned());
    } else if let Err(p) = check_offer(&form.themas, &form.toelating, places, waiting_n) {
        themes_error = Some(p.message_nl());
    }
    let kind_ok = matches!(
        form.soort.as_str(),
        "stedelijke-voorziening" | "arrangement"
    );
    let fields_bad = [
        &name,
        &location,
        &description,
        &capacity,
        &waiting,
        &contact,
    ]
    .iter()
    .any(|f| f.has_error());
    if fields_bad || themes_error.is_some() || !kind_ok {
        let mut view = voorzieningen_view(
            &state,
            &visitor,
            &form,
            [name, location, description, capacity, waiting, contact],
            themes_error,
        )
        .await?;
        if editing.is_some() {
            view.layout.title = "Voorziening wijzigen".to_owned();
        }
        view.editing = editing;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let themes = form.themas.join(",");
    let event = visitor.event(
        if editing.is_some() {
            "update"
        } else {
            "create"
        },
        "voorziening",
        &slug,
        Outcome::Success,
        &location.value,
    );
    let record = NewVoorziening {
        tenant_id: state.tenant_id,
        location_code: &location.value,
        slug: &slug,
        name: &name.value,
        kind: &form.soort,
        description: &description.value,
        themes: &themes,
        admission: &form.toelating,
        capacity: places,
        waiting_list: waiting_n,
        contact: &contact.value,
        last_verified_on: Some(passend_domain::time::to_local(chrono::Utc::now()).date()),
    };
    let saved = match &editing {
        None => locations::add_voorziening(&state.db, &record, Some(&event))
            .await
            .map(|_| true),
        Some(_) => locations::update_voorziening(&state.db, &record, &event).await,
    };
    match saved {
        Ok(false) => Err(AppError::NotFound),
        Ok(true) if editing.is_some() => {
            Ok(Redirect::to("/swv/voorzieningen?gedaan=gewijzigd").into_response())
        }
        Ok(true) => Ok(Redirect::to("/swv/voorzieningen?gedaan=toegevoegd").into_response()),
        Err(VoorzieningError::Store(e)) => Err(e.into()),
        Err(e) => {
            match e {
                VoorzieningError::DuplicateSlug(_) => {
                    name.error = Some(
                        "Er is al een voorziening met deze naam. Kies een andere naam.".to_owned(),
                    )
                }
                _ => location.error = Some("Deze vestigingscode is niet bekend.".to_owned()),
            }
            let mut view = voorzieningen_view(
                &state,
                &visitor,
                &form,
                [name, location, description, capacity, waiting, contact],
                None,
            )
            .await?;
            view.editing = editing;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
        }
    }
}

async fn remove_voorziening(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(slug): Path<String>,
    body: String,
) -> AppResult<Response> {
    // The object first (another samenwerkingsverband's voorziening is "not found"), then the
    // confirmation.
    own_voorziening(&state, &visitor, &slug, "delete").await?;
    if !crate::forms::confirmed(&body) {
        return crate::layout::not_confirmed(&state, &visitor, "/swv/voorzieningen".to_owned());
    }
    let event = visitor.event("delete", "voorziening", &slug, Outcome::Success, "");
    if !locations::remove_voorziening(&state.db, state.tenant_id, &slug, Some(&event)).await? {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/swv/voorzieningen?gedaan=verwijderd").into_response())
}
