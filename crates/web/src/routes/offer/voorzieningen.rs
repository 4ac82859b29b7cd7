//! The voorzieningen (arrangements, special places) the SWV offers.

use crate::AppState;
use crate::auth::Visitor;
use crate::error::{AppError, AppResult};
use crate::extract::SignedIn;
use crate::forms::{Field, summary};
use crate::layout::{AppLayout, layout};
use crate::routes::offer::*;
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::support::{THEMES, check_offer};
use passend_domain::text::slugify;
use passend_store::audit::Outcome;
use passend_store::locations::{self, NewVoorziening, VoorzieningError};
use serde::Deserialize;

pub(crate) struct VoorzieningLine {
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) kind: &'static str,
    pub(crate) location: String,
    pub(crate) themes: String,
    pub(crate) admission: &'static str,
    pub(crate) verified: String,
}

#[derive(Template)]
#[template(path = "offer/voorzieningen/voorzieningen.html")]
pub(crate) struct VoorzieningenView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) lines: Vec<VoorzieningLine>,
    /// The slug being changed; `None` when adding.
    pub(crate) editing: Option<String>,
    pub(crate) name: Field,
    pub(crate) location: Field,
    pub(crate) kinds: Vec<Check>,
    pub(crate) themes: Vec<Check>,
    pub(crate) themes_error: Option<String>,
    pub(crate) admissions: Vec<Check>,
    pub(crate) description: Field,
    pub(crate) capacity: Field,
    pub(crate) waiting_list: Field,
    pub(crate) contact: Field,
}

#[derive(Debug, Default)]
pub(crate) struct VoorzieningForm {
    pub(crate) naam: String,
    pub(crate) locatie: String,
    pub(crate) soort: String,
    pub(crate) toelating: String,
    pub(crate) omschrijving: String,
    pub(crate) plaatsen: String,
    pub(crate) wachtlijst: String,
    pub(crate) contact: String,
    pub(crate) themas: Vec<String>,
}

impl VoorzieningForm {
    pub(crate) fn parse(body: &str) -> VoorzieningForm {
        let f = crate::forms::form(body);
        let v = |name: &str| f.get(name).cloned().unwrap_or_default();
        VoorzieningForm {
            naam: v("naam"),
            locatie: v("locatie"),
            soort: v("soort"),
            toelating: v("toelating"),
            omschrijving: v("omschrijving"),
            plaatsen: v("plaatsen"),
            wachtlijst: v("wachtlijst"),
            contact: v("contact"),
            themas: crate::forms::every(body, "thema"),
        }
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) async fn voorzieningen_view(
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

pub(crate) async fn voorzieningen(
    SignedIn { state, visitor, .. }: SignedIn,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let fields = std::array::from_fn(|_| Field::default());
    let mut view =
        voorzieningen_view(&state, &visitor, &VoorzieningForm::default(), fields, None).await?;
    view.layout.notice = staff::notice(staff::VOORZIENINGEN, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}

/// The tenant's voorziening with this slug; another tenant's or an unknown one is "not found"
/// and the refusal recorded.
pub(crate) async fn own_voorziening(
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

pub(crate) async fn edit_voorziening_form(
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
pub(crate) async fn save_voorziening(
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

pub(crate) async fn remove_voorziening(
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
