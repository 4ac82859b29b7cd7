//! The samenwerkingsverband's contact details: how parents reach it and its Oudersteunpunt, and
//! the letters' return address. Every save is a version; the page shows the history.

use crate::dates::when;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::{Field, FormBody, summary, val};
use crate::layout::{AppLayout, layout};
use crate::routes::beheer::DoneQuery;
use askama::Template;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::contact::{ContactDetails, ContactField};
use passend_store::contact as store;

/// A field of the form: its name, label, hint and value.
pub(crate) struct ContactInput {
    pub(crate) id: &'static str,
    pub(crate) label: &'static str,
    pub(crate) hint: &'static str,
    pub(crate) field: Field,
}

/// A saved version in the history.
pub(crate) struct ContactHistoryLine {
    pub(crate) version: i64,
    pub(crate) at: String,
    pub(crate) by: String,
    pub(crate) changed: String,
}

#[derive(Template)]
#[template(path = "beheer/contact/contact.html")]
pub(crate) struct ContactView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) conflict: bool,
    pub(crate) version: i64,
    pub(crate) swv: Vec<ContactInput>,
    pub(crate) steunpunt: Vec<ContactInput>,
    pub(crate) missing: Vec<&'static str>,
    pub(crate) history: Vec<ContactHistoryLine>,
}

fn hint(f: ContactField) -> &'static str {
    match f {
        ContactField::SwvAddress => {
            "Waar ouders langs kunnen komen, bijvoorbeeld Stationsstraat 1, 1311 AA Almere."
        }
        ContactField::SwvPostalAddress => {
            "Dit adres staat in elk besluit: daar sturen ouders hun bezwaar heen."
        }
        ContactField::SwvHours | ContactField::SteunpuntHours => {
            "Bijvoorbeeld: maandag tot en met donderdag van 9.00 tot 17.00 uur."
        }
        _ => "",
    }
}

async fn contact_view(
    state: &crate::AppState,
    visitor: &crate::auth::Visitor,
    typed: Option<(&ContactDetails, &[(ContactField, &'static str)])>,
    notice: Option<&str>,
) -> AppResult<ContactView> {
    let versions = store::versions(&state.db, state.tenant_id, 20).await?;
    let current = versions
        .first()
        .map(|v| v.details.clone())
        .unwrap_or_default();
    let shown = typed.map_or(&current, |(d, _)| d);
    let problems = typed.map_or(&[][..], |(_, p)| p);
    let input = |f: ContactField| ContactInput {
        id: f.code(),
        label: f.label(),
        hint: hint(f),
        field: Field {
            value: shown.get(f).to_owned(),
            error: problems
                .iter()
                .find(|(p, _)| *p == f)
                .map(|(_, m)| (*m).to_owned()),
        },
    };
    let (swv, steunpunt): (Vec<ContactField>, Vec<ContactField>) = ContactField::ALL
        .into_iter()
        .partition(|f| !f.code().starts_with("oudersteunpunt"));
    let swv: Vec<ContactInput> = swv.into_iter().map(input).collect();
    let steunpunt: Vec<ContactInput> = steunpunt.into_iter().map(input).collect();
    let errors = summary(
        &swv.iter()
            .chain(&steunpunt)
            .map(|i| (i.id, &i.field))
            .collect::<Vec<_>>(),
    );
    let history = versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let older = versions
                .get(i + 1)
                .map(|o| o.details.clone())
                .unwrap_or_default();
            let changed: Vec<&str> = v
                .details
                .changed_since(&older)
                .into_iter()
                .map(ContactField::label)
                .collect();
            ContactHistoryLine {
                version: v.version,
                at: when(v.changed_at),
                by: v
                    .changed_by_name
                    .clone()
                    .unwrap_or_else(|| "onbekend".to_owned()),
                changed: changed.join("; "),
            }
        })
        .collect();
    let mut l = layout(state, visitor, "Contactgegevens", "/beheer");
    l.notice = notice.map(str::to_owned);
    Ok(ContactView {
        layout: l,
        errors,
        conflict: false,
        version: versions.first().map_or(0, |v| v.version),
        swv,
        steunpunt,
        missing: current
            .missing(&state.casework.postal_address)
            .into_iter()
            .map(ContactField::label)
            .collect(),
        history,
    })
}

/// `GET /beheer/contact`.
pub(crate) async fn contact(
    SignedIn { state, visitor, .. }: SignedIn,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let notice = (q.gedaan == "opgeslagen")
        .then_some("De contactgegevens zijn opgeslagen en staan nu op de website.");
    let view = contact_view(&state, &visitor, None, notice).await?;
    Ok(Html(view.render()?).into_response())
}

/// `POST /beheer/contact`: a new version, unless a value is wrong or someone saved since.
pub(crate) async fn save_contact(
    SignedIn { state, visitor, p }: SignedIn,
    FormBody { fields: f, .. }: FormBody,
) -> AppResult<Response> {
    let mut details = ContactDetails::default();
    for field in ContactField::ALL {
        *details.field_mut(field) = val(&f, field.code());
    }
    let base: i64 = val(&f, "versie").parse().unwrap_or(-1);
    let problems = details.problems();
    if !problems.is_empty() {
        let mut view = contact_view(&state, &visitor, Some((&details, &problems)), None).await?;
        // The form keeps the version the editor started from, so that the save after the
        // correction still notices someone else's save in between.
        view.version = base;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let (_, current) = store::current(&state.db, state.tenant_id).await?;
    let changed: Vec<&str> = details
        .changed_since(&current)
        .into_iter()
        .map(ContactField::code)
        .collect();
    let detail = changed.join(",");
    let event = visitor.event(
        "update",
        "contactgegevens",
        "-",
        passend_store::audit::Outcome::Success,
        &detail,
    );
    let saved = store::save(
        &state.db,
        state.tenant_id,
        base,
        &details,
        Some(p.user_id),
        &event,
    )
    .await?;
    if !saved {
        let mut view = contact_view(&state, &visitor, Some((&details, &[])), None).await?;
        view.conflict = true;
        return Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response());
    }
    Ok(Redirect::to("/beheer/contact?gedaan=opgeslagen").into_response())
}
