//! Users: the list, inviting, editing, blocking, resetting the second factor.

use crate::AppState;
use crate::auth::Visitor;
use crate::dates::when;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::{Field, summary};
use crate::layout::MessageView;
use crate::layout::{AppLayout, layout};
use crate::routes::beheer::*;
use crate::texts::staff;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use passend_domain::accounts::{Role, TokenPurpose, normalize_email, valid_email};
use passend_store::accounts::{self as store, AccountError, NewUser};
use passend_store::audit::{self, Filter};
use passend_store::locations::{self, LocationChoice};
use serde::Deserialize;

pub(crate) struct UserLine {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) role: &'static str,
    pub(crate) status: &'static str,
    pub(crate) totp: bool,
    pub(crate) last_sign_in: String,
}

#[derive(Template)]
#[template(path = "beheer/users/users.html")]
pub(crate) struct UsersView {
    pub(crate) layout: AppLayout,
    pub(crate) lines: Vec<UserLine>,
    pub(crate) roles: Vec<(&'static str, &'static str, bool)>,
    pub(crate) statuses: Vec<(&'static str, &'static str, bool)>,
    pub(crate) q: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct UsersQuery {
    #[serde(default)]
    pub(crate) rol: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) q: String,
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) async fn users(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<UsersQuery>,
) -> AppResult<Response> {
    let role = Role::from_code(&q.rol).map(Role::code);
    let status = ["invited", "active", "disabled"]
        .into_iter()
        .find(|s| *s == q.status);
    let search: String = q.q.trim().chars().take(100).collect();
    let rows = store::users(
        &state.db,
        state.tenant_id,
        role,
        status,
        (!search.is_empty()).then_some(search.as_str()),
    )
    .await?;
    let event = visitor.on_user("search", "-", "");
    audit::append(&state.db, &event).await?;
    let lines = rows
        .into_iter()
        .map(|u| UserLine {
            id: u.id,
            role: Role::from_code(&u.role).map(Role::label_nl).unwrap_or("?"),
            status: status_label(&u.status),
            totp: u.has_totp,
            last_sign_in: u
                .last_sign_in_at
                .map(when)
                .unwrap_or_else(|| "nooit".to_owned()),
            name: u.name,
            email: u.email,
        })
        .collect();
    let mut l = layout(&state, &visitor, "Gebruikers", "/beheer/gebruikers");
    l.notice = staff::notice(staff::USERS, &q.gedaan);
    Ok(Html(
        UsersView {
            layout: l,
            lines,
            roles: Role::ALL
                .iter()
                .map(|r| (r.code(), r.label_nl(), role == Some(r.code())))
                .collect(),
            statuses: [
                ("invited", "Uitgenodigd"),
                ("active", "Actief"),
                ("disabled", "Geblokkeerd"),
            ]
            .into_iter()
            .map(|(c, l)| (c, l, status == Some(c)))
            .collect(),
            q: search,
        }
        .render()?,
    )
    .into_response())
}

pub(crate) struct LocationCheck {
    pub(crate) id: i64,
    pub(crate) label: String,
    pub(crate) checked: bool,
}

#[derive(Template)]
#[template(path = "beheer/users/user_form.html")]
pub(crate) struct UserFormView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) action: String,
    pub(crate) is_new: bool,
    pub(crate) email: Field,
    pub(crate) name: Field,
    pub(crate) roles: Vec<(&'static str, &'static str, bool)>,
    pub(crate) role_error: Option<String>,
    pub(crate) locations: Vec<LocationCheck>,
    pub(crate) locations_error: Option<String>,
    /// The school search as typed, and how many of all schools it shows.
    pub(crate) school_search: Field,
    pub(crate) locations_total: usize,
    // Existing users only.
    pub(crate) id: i64,
    pub(crate) status: &'static str,
    pub(crate) disabled: bool,
    pub(crate) invited: bool,
    pub(crate) has_totp: bool,
    pub(crate) history: Vec<(String, String, String)>,
}

#[derive(Debug, Default)]
pub(crate) struct UserForm {
    pub(crate) email: String,
    pub(crate) naam: String,
    pub(crate) rol: String,
    pub(crate) scholen: Vec<i64>,
    /// The school search (`school-zoek`).
    pub(crate) search: String,
    /// The form was sent to search schools, not to save.
    pub(crate) searching: bool,
}

impl UserForm {
    pub(crate) fn parse(body: &str) -> UserForm {
        let f = crate::forms::form(body);
        let v = |name: &str| f.get(name).cloned().unwrap_or_default();
        UserForm {
            email: v("email"),
            naam: v("naam"),
            rol: v("rol"),
            scholen: crate::forms::every(body, "school")
                .iter()
                .filter_map(|s| s.parse().ok())
                .collect(),
            search: v("school-zoek").trim().chars().take(100).collect(),
            searching: v("actie") == "scholen-zoeken",
        }
    }
}

/// The schools to tick: all of them, or those a search finds (name, place or vestigingscode);
/// the ticked ones always stay, so a search never drops a choice.
pub(crate) fn location_checks(
    all: &[LocationChoice],
    chosen: &[i64],
    search: &str,
) -> Vec<LocationCheck> {
    let needle = passend_domain::text::fold(search);
    all.iter()
        .filter(|l| {
            needle.is_empty()
                || chosen.contains(&l.id)
                || [&l.name, &l.place, &l.code]
                    .iter()
                    .any(|f| passend_domain::text::fold(f).contains(&needle))
        })
        .map(|l| LocationCheck {
            id: l.id,
            label: format!(
                "{} ({}, {})",
                l.name,
                passend_domain::duo::place_name(&l.place),
                l.code
            ),
            checked: chosen.contains(&l.id),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn user_form_view(
    state: &AppState,
    visitor: &Visitor,
    title: &str,
    action: String,
    form: &UserForm,
    email: Field,
    name: Field,
    role_error: Option<String>,
    locations_error: Option<String>,
    all_locations: &[LocationChoice],
) -> UserFormView {
    let mut errors = summary(&[("email", &email), ("naam", &name)]);
    if let Some(e) = &role_error {
        errors.push(("rol-ouder".to_owned(), e.clone()));
    }
    if let Some(e) = &locations_error {
        errors.push(("scholen-kop".to_owned(), e.clone()));
    }
    UserFormView {
        layout: layout(state, visitor, title, "/beheer/gebruikers"),
        errors,
        is_new: action.ends_with("/nieuw"),
        action,
        email,
        name,
        // Only the command line makes ouderadviseurs (see `check_user_form`).
        roles: Role::ALL
            .iter()
            .filter(|r| **r != Role::Ouderadviseur || form.rol == r.code())
            .map(|r| (r.code(), r.label_nl(), form.rol == r.code()))
            .collect(),
        role_error,
        locations: location_checks(all_locations, &form.scholen, &form.search),
        locations_error,
        school_search: Field::of(form.search.clone()),
        locations_total: all_locations.len(),
        id: 0,
        status: "",
        disabled: false,
        invited: false,
        has_totp: false,
        history: Vec::new(),
    }
}

pub(crate) async fn new_user_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> AppResult<Response> {
    let all = locations::location_choices(&state.db).await?;
    let view = user_form_view(
        &state,
        &visitor,
        "Gebruiker uitnodigen",
        "/beheer/gebruikers/nieuw".to_owned(),
        &UserForm::default(),
        Field::default(),
        Field::default(),
        None,
        None,
        &all,
    );
    Ok(Html(view.render()?).into_response())
}

/// Checks the fields every user has; returns the role when all are fine.
/// `current` is the user's role now (`None` for a new user): a beheerder cannot make anyone an
/// ouderadviseur, because ouderadviseurs read the Oudersteunpunt's confidential cases, which the
/// samenwerkingsverband's own staff must not; `passend gebruiker uitnodigen --rol ouderadviseur`
/// on the server makes them.
pub(crate) fn check_user_form(
    form: &UserForm,
    email: &mut Field,
    name: &mut Field,
    check_email: bool,
    current: Option<Role>,
) -> (Option<Role>, Option<String>, Option<String>) {
    if check_email {
        let e = normalize_email(&form.email);
        if e.is_empty() {
            email.error = Some("Vul het e-mailadres in.".to_owned());
        } else if !valid_email(&e) {
            email.error =
                Some("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.".to_owned());
        }
    }
    let n = form.naam.trim();
    if n.is_empty() {
        name.error = Some("Vul de naam in.".to_owned());
    } else if n.chars().count() > 100 {
        name.error = Some("Maak de naam korter: hooguit 100 tekens.".to_owned());
    }
    let role = Role::from_code(&form.rol);
    let role_error = match role {
        None => Some("Kies een rol.".to_owned()),
        Some(Role::Ouderadviseur) if current != Some(Role::Ouderadviseur) => Some(
            "Ouderadviseurs werken onafhankelijk en zien vertrouwelijke zaken. Een beheerder kan deze rol niet geven; de applicatiebeheerder maakt hen aan op de server (passend gebruiker uitnodigen --rol ouderadviseur).".to_owned(),
        ),
        Some(_) => None,
    };
    let locations_error = match role {
        Some(r) if r.is_school_scoped() && form.scholen.is_empty() => {
            Some("Kies minstens één school voor een schoolmedewerker.".to_owned())
        }
        Some(r) if !r.may_link_schools() && !form.scholen.is_empty() => {
            Some("Alleen schoolmedewerkers en deskundigen horen bij een school. Haal de vinkjes weg of kies een andere rol.".to_owned())
        }
        _ => None,
    };
    (role, role_error, locations_error)
}

pub(crate) async fn new_user(
    SignedIn { state, visitor, p }: SignedIn,
    body: String,
) -> AppResult<Response> {
    let form = UserForm::parse(&body);
    let mut email = Field::of(form.email.trim());
    let mut name = Field::of(form.naam.trim());
    let (role, role_error, locations_error) =
        check_user_form(&form, &mut email, &mut name, true, None);
    let all = locations::location_choices(&state.db).await?;
    if form.searching {
        // Only the school list narrows; nothing is checked or saved yet.
        let view = user_form_view(
            &state,
            &visitor,
            "Gebruiker uitnodigen",
            "/beheer/gebruikers/nieuw".to_owned(),
            &form,
            Field::of(form.email.trim()),
            Field::of(form.naam.trim()),
            None,
            None,
            &all,
        );
        return Ok(Html(view.render()?).into_response());
    }
    let invalid =
        email.has_error() || name.has_error() || role_error.is_some() || locations_error.is_some();
    let rerender =
        |email: Field, name: Field, role_error, locations_error| -> AppResult<Response> {
            let view = user_form_view(
                &state,
                &visitor,
                "Gebruiker uitnodigen",
                "/beheer/gebruikers/nieuw".to_owned(),
                &form,
                email,
                name,
                role_error,
                locations_error,
                &all,
            );
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
        };
    let Some(role) = role.filter(|_| !invalid) else {
        return rerender(email, name, role_error, locations_error);
    };
    let address = normalize_email(&form.email);
    let event = visitor.on_user("invite", "-", role.code());
    let result = crate::links::invite(
        &state.db,
        &state.site_name,
        &state.base_url,
        &NewUser {
            tenant_id: state.tenant_id,
            email: &address,
            name: &name.value,
            role,
            location_ids: &form.scholen,
            created_by: Some(p.user_id),
        },
        &event,
    )
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/beheer/gebruikers?gedaan=uitgenodigd").into_response()),
        Err(AccountError::EmailTaken) => {
            email.error = Some("Er is al een account met dit e-mailadres.".to_owned());
            rerender(email, name, None, None)
        }
        Err(AccountError::UnknownLocation) => rerender(
            email,
            name,
            None,
            Some("Een gekozen school bestaat niet meer. Kies opnieuw.".to_owned()),
        ),
        Err(AccountError::Store(e)) => Err(e.into()),
    }
}

/// A user of this samenwerkingsverband; another tenant's user or an unknown id is "not found"
/// (and the refusal is recorded).
pub(crate) async fn tenant_user(
    state: &AppState,
    visitor: &Visitor,
    id: &str,
) -> AppResult<store::User> {
    let user = match id.parse::<i64>() {
        Ok(n) => store::user(&state.db, state.tenant_id, n).await?,
        Err(_) => None,
    };
    match user {
        Some(u) => Ok(u),
        None => Err(crate::access::refused(state, visitor, "gebruiker", id, "not in tenant").await),
    }
}

#[derive(Debug, Deserialize)]
pub(crate) struct DoneQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

pub(crate) async fn existing_user_view(
    state: &AppState,
    visitor: &Visitor,
    user: &store::User,
    form: &UserForm,
    name: Field,
    role_error: Option<String>,
    locations_error: Option<String>,
) -> AppResult<UserFormView> {
    let all = locations::location_choices(&state.db).await?;
    let mut view = user_form_view(
        state,
        visitor,
        &format!("Gebruiker: {}", user.name),
        format!("/beheer/gebruikers/{}", user.id),
        form,
        Field::of(user.email.clone()),
        name,
        role_error,
        locations_error,
        &all,
    );
    view.id = user.id;
    view.status = status_label(&user.status);
    view.disabled = user.status == "disabled";
    view.invited = user.status == "invited";
    view.has_totp = user.totp_secret.is_some();
    let object = user.id.to_string();
    let filter = Filter {
        object_type: Some("gebruiker".to_owned()),
        object_id: Some(object),
        ..Filter::default()
    };
    view.history = audit::search(&state.db, state.tenant_id, &filter, 20)
        .await?
        .into_iter()
        .map(|e| {
            (
                when(e.occurred_at),
                action_label(&e.action).to_owned(),
                outcome_label(&e.outcome).to_owned(),
            )
        })
        .collect();
    Ok(view)
}

pub(crate) async fn user_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let user = tenant_user(&state, &visitor, &id).await?;
    let object = user.id.to_string();
    let event = visitor.on_user("read", &object, "");
    audit::append(&state.db, &event).await?;
    let form = UserForm {
        email: user.email.clone(),
        naam: user.name.clone(),
        rol: user.role.clone(),
        scholen: store::user_locations(&state.db, user.id)
            .await?
            .iter()
            .map(|l| l.id)
            .collect(),
        ..UserForm::default()
    };
    let mut view = existing_user_view(
        &state,
        &visitor,
        &user,
        &form,
        Field::of(user.name.clone()),
        None,
        None,
    )
    .await?;
    view.layout.notice = staff::notice(staff::USER, &q.gedaan);
    Ok(Html(view.render()?).into_response())
}

pub(crate) async fn update_user(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    body: String,
) -> AppResult<Response> {
    let user = tenant_user(&state, &visitor, &id).await?;
    let form = UserForm::parse(&body);
    if form.searching {
        let name = Field::of(form.naam.trim());
        let view = existing_user_view(&state, &visitor, &user, &form, name, None, None).await?;
        return Ok(Html(view.render()?).into_response());
    }
    let mut email = Field::default();
    let mut name = Field::of(form.naam.trim());
    let (role, role_error, locations_error) =
        check_user_form(&form, &mut email, &mut name, false, user.role());
    let own = visitor.signed_in()?.user_id == user.id;
    let role_error = role_error.or_else(|| {
        (own && role != Some(Role::Beheerder))
            .then(|| "U kunt uw eigen rol niet wijzigen. Vraag een andere beheerder.".to_owned())
    });
    let Some(role) =
        role.filter(|_| !name.has_error() && role_error.is_none() && locations_error.is_none())
    else {
        let view = existing_user_view(
            &state,
            &visitor,
            &user,
            &form,
            name,
            role_error,
            locations_error,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    };
    let object = user.id.to_string();
    let event = visitor.on_user("update", &object, role.code());
    match store::update_user(
        &state.db,
        state.tenant_id,
        user.id,
        &name.value,
        role,
        &form.scholen,
        &event,
    )
    .await
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/beheer/gebruikers/{}?gedaan=opgeslagen", user.id))
                .into_response(),
        ),
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(_) => {
            let view = existing_user_view(
                &state,
                &visitor,
                &user,
                &form,
                name,
                None,
                Some("Een gekozen school bestaat niet meer. Kies opnieuw.".to_owned()),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response())
        }
    }
}

pub(crate) async fn set_disabled(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    body: String,
    disabled: bool,
) -> AppResult<Response> {
    let user = tenant_user(&state, &visitor, &id).await?;
    if disabled && !crate::forms::confirmed(&body) {
        return crate::layout::not_confirmed(
            &state,
            &visitor,
            format!("/beheer/gebruikers/{}", user.id),
        );
    }
    if disabled && visitor.signed_in()?.user_id == user.id {
        return own_account_refused(
            &state,
            &visitor,
            user.id,
            "U kunt uw eigen account niet blokkeren",
        );
    }
    let object = user.id.to_string();
    let event = visitor.on_user(if disabled { "disable" } else { "enable" }, &object, "");
    store::set_disabled(&state.db, state.tenant_id, user.id, disabled, &event).await?;
    let done = if disabled {
        "geblokkeerd"
    } else {
        "gedeblokkeerd"
    };
    Ok(Redirect::to(&format!("/beheer/gebruikers/{}?gedaan={done}", user.id)).into_response())
}

pub(crate) async fn reinvite(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let user = tenant_user(&state, &visitor, &id).await?;
    if user.status != "invited" {
        return Ok(Redirect::to(&format!("/beheer/gebruikers/{}", user.id)).into_response());
    }
    crate::links::send_link(&state, &visitor, &user, TokenPurpose::Invitation).await?;
    Ok(Redirect::to(&format!(
        "/beheer/gebruikers/{}?gedaan=uitgenodigd",
        user.id
    ))
    .into_response())
}

pub(crate) async fn reset_totp(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    body: String,
) -> AppResult<Response> {
    let user = tenant_user(&state, &visitor, &id).await?;
    if !crate::forms::confirmed(&body) {
        return crate::layout::not_confirmed(
            &state,
            &visitor,
            format!("/beheer/gebruikers/{}", user.id),
        );
    }
    if visitor.signed_in()?.user_id == user.id {
        return own_account_refused(
            &state,
            &visitor,
            user.id,
            "U kunt uw eigen tweestapsverificatie hier niet wissen",
        );
    }
    let object = user.id.to_string();
    let event = visitor.on_user("totp_reset", &object, "");
    store::reset_totp(&state.db, state.tenant_id, user.id, &event).await?;
    Ok(Redirect::to(&format!("/beheer/gebruikers/{}?gedaan=tweestaps", user.id)).into_response())
}

/// A beheerder's action on their own account that another beheerder must do: 409 with a page
/// that says so.
fn own_account_refused(
    state: &AppState,
    visitor: &Visitor,
    user_id: i64,
    heading: &str,
) -> AppResult<Response> {
    let view = MessageView {
        layout: layout(state, visitor, "Niet mogelijk", ""),
        heading: heading.to_owned(),
        paragraphs: vec!["Vraag een andere beheerder om dit te doen.".to_owned()],
        link: Some((
            format!("/beheer/gebruikers/{user_id}"),
            "Terug naar de gebruiker".to_owned(),
        )),
    };
    Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response())
}
