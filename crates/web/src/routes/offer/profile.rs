//! A location's support profile: the form and saving it.

use crate::AppState;
use crate::auth::Visitor;
use crate::dates::when;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::{Field, form, summary};
use crate::layout::MessageView;
use crate::layout::{AppLayout, layout};
use crate::routes::offer::*;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use passend_domain::accounts::Role;
use passend_domain::support::{Level, THEMES, check_offer};
use passend_store::audit::Outcome;
use passend_store::locations::{self, LocationChoice, ProfileInput};
use serde::Deserialize;

pub(crate) struct Check {
    pub(crate) value: &'static str,
    pub(crate) label: &'static str,
    pub(crate) checked: bool,
}

pub(crate) struct HistoryLine {
    pub(crate) saved_at: String,
    pub(crate) by: String,
    pub(crate) themes: String,
    pub(crate) level: &'static str,
    pub(crate) admission: &'static str,
}

#[derive(Template)]
#[template(path = "offer/profile/profile.html")]
pub(crate) struct ProfileView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) code: String,
    pub(crate) name: String,
    pub(crate) map_href: String,
    pub(crate) themes: Vec<Check>,
    pub(crate) themes_error: Option<String>,
    pub(crate) levels: Vec<Check>,
    pub(crate) admissions: Vec<Check>,
    pub(crate) description: Field,
    pub(crate) capacity: Field,
    pub(crate) waiting_list: Field,
    pub(crate) contact: Field,
    pub(crate) last_verified: String,
    pub(crate) checked: String,
    pub(crate) history: Vec<HistoryLine>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProfileForm {
    #[serde(default)]
    pub(crate) niveau: String,
    #[serde(default)]
    pub(crate) toelating: String,
    #[serde(default)]
    pub(crate) omschrijving: String,
    #[serde(default)]
    pub(crate) plaatsen: String,
    #[serde(default)]
    pub(crate) wachtlijst: String,
    #[serde(default)]
    pub(crate) contact: String,
}

#[allow(clippy::too_many_arguments)]
pub(crate) async fn profile_view(
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

pub(crate) async fn profile_form(
    SignedIn { state, visitor, p }: SignedIn,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let location = editable_location(&state, &visitor, &p, &code).await?;
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
pub(crate) fn count_field(raw: &str, field: &mut Field, label: &str) -> Option<i64> {
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

pub(crate) async fn save_profile(
    SignedIn { state, visitor, p }: SignedIn,
    Path(code): Path<String>,
    body: String,
) -> AppResult<Response> {
    let location = editable_location(&state, &visitor, &p, &code).await?;
    let form = read_profile_form(&body);
    let chosen = crate::forms::every(&body, "thema");
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

/// Reads the profile form's body (unknown fields are left out).
pub(crate) fn read_profile_form(body: &str) -> ProfileForm {
    let f = form(body);
    let v = |name: &str| f.get(name).cloned().unwrap_or_default();
    ProfileForm {
        niveau: v("niveau"),
        toelating: v("toelating"),
        omschrijving: v("omschrijving"),
        plaatsen: v("plaatsen"),
        wachtlijst: v("wachtlijst"),
        contact: v("contact"),
    }
}
