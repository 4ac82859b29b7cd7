//! Beheer: users, invitations, roles and school scoping; the audit trail viewer; the e-mail
//! queue; the content pages with their history. Beheerders only, and only after their second
//! factor (the policy table requires a full session).

use crate::AppState;
use crate::app::Routes;
use crate::auth::Visitor;
use crate::dates::when;
use crate::error::{AppError, AppResult};
use crate::exports::csv_cell;
use crate::forms::{Field, summary};
use crate::layout::MessageView;
use crate::layout::{AppLayout, layout};
use askama::Template;
use axum::extract::{Path, Query, RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, Utc};
use passend_domain::Lang;
use passend_domain::accounts::{Role, TokenPurpose, normalize_email, valid_email};
use passend_domain::content::valid_slug;
use passend_store::accounts::{self as store, AccountError, NewUser};
use passend_store::audit::{self, Filter, Outcome};
use passend_store::content::{self, EditOutcome, PageEdit};
use passend_store::locations::{self, LocationChoice};
use passend_store::outbox;
use serde::Deserialize;

/// The routes of this area.
pub fn router() -> Routes {
    Routes::new()
        .get("/beheer", index)
        .get("/beheer/gebruikers", users)
        .get("/beheer/gebruikers/nieuw", new_user_form)
        .post("/beheer/gebruikers/nieuw", new_user)
        .get("/beheer/gebruikers/{id}", user_form)
        .post("/beheer/gebruikers/{id}", update_user)
        .post("/beheer/gebruikers/{id}/blokkeren", |s, v, p, b| {
            set_disabled(s, v, p, b, true)
        })
        .post("/beheer/gebruikers/{id}/deblokkeren", |s, v, p, b| {
            set_disabled(s, v, p, b, false)
        })
        .post("/beheer/gebruikers/{id}/uitnodigen", reinvite)
        .post("/beheer/gebruikers/{id}/tweestaps-herstellen", reset_totp)
        .get("/beheer/audit", audit_view)
        .get("/beheer/audit.csv", audit_csv)
        .get("/beheer/e-mail", mail)
        .post("/beheer/e-mail/{id}/opnieuw", mail_retry)
        .get("/beheer/paginas", pages)
        .get("/beheer/paginas/{lang}/{slug}", page_form)
        .post("/beheer/paginas/{lang}/{slug}", save_page)
}

fn status_label(s: &str) -> &'static str {
    match s {
        "invited" => "uitgenodigd",
        "active" => "actief",
        "disabled" => "geblokkeerd",
        _ => "onbekend",
    }
}

// ---------------------------------------------------------------------------------------------
// Dashboard

#[derive(Template)]
#[template(path = "app/beheer.html")]
struct IndexView {
    layout: AppLayout,
    users: usize,
    invited: usize,
    mail: (i64, i64, i64, i64),
    audit_ok: Option<bool>,
}

async fn index(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let all = store::users(&state.db, state.tenant_id, None, None, None).await?;
    let invited = all.iter().filter(|u| u.status == "invited").count();
    let mail = outbox::tenant_counts(&state.db, state.tenant_id).await?;
    Ok(Html(
        IndexView {
            layout: layout(&state, &visitor, "Beheer", "/beheer"),
            users: all.len(),
            invited,
            mail,
            audit_ok: None,
        }
        .render()?,
    )
    .into_response())
}

// ---------------------------------------------------------------------------------------------
// Users

struct UserLine {
    id: i64,
    name: String,
    email: String,
    role: &'static str,
    status: &'static str,
    totp: bool,
    last_sign_in: String,
}

#[derive(Template)]
#[template(path = "app/users.html")]
struct UsersView {
    layout: AppLayout,
    lines: Vec<UserLine>,
    roles: Vec<(&'static str, &'static str, bool)>,
    statuses: Vec<(&'static str, &'static str, bool)>,
    q: String,
}

#[derive(Debug, Deserialize)]
struct UsersQuery {
    #[serde(default)]
    rol: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    gedaan: String,
}

async fn users(
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
    let event = visitor.event("search", "gebruiker", "-", Outcome::Success, "");
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
    l.notice = match q.gedaan.as_str() {
        "uitgenodigd" => Some("De uitnodiging is verstuurd.".to_owned()),
        _ => None,
    };
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

struct LocationCheck {
    id: i64,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "app/user_form.html")]
struct UserFormView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    action: String,
    is_new: bool,
    email: Field,
    name: Field,
    roles: Vec<(&'static str, &'static str, bool)>,
    role_error: Option<String>,
    locations: Vec<LocationCheck>,
    locations_error: Option<String>,
    // Existing users only.
    id: i64,
    status: &'static str,
    disabled: bool,
    invited: bool,
    has_totp: bool,
    history: Vec<(String, String, String)>,
}

#[derive(Debug, Default)]
struct UserForm {
    email: String,
    naam: String,
    rol: String,
    scholen: Vec<i64>,
}

impl UserForm {
    fn parse(body: &str) -> UserForm {
        let mut f = UserForm::default();
        for (k, v) in form_urlencoded::parse(body.as_bytes()) {
            match k.as_ref() {
                "email" => f.email = v.into_owned(),
                "naam" => f.naam = v.into_owned(),
                "rol" => f.rol = v.into_owned(),
                "school" => {
                    if let Ok(id) = v.parse() {
                        f.scholen.push(id);
                    }
                }
                _ => {}
            }
        }
        f
    }
}

fn location_checks(all: &[LocationChoice], chosen: &[i64]) -> Vec<LocationCheck> {
    all.iter()
        .map(|l| LocationCheck {
            id: l.id,
            label: format!(
                "{} ({}, {})",
                l.name,
                crate::map::title_case(&l.place),
                l.code
            ),
            checked: chosen.contains(&l.id),
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn user_form_view(
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
        locations: location_checks(all_locations, &form.scholen),
        locations_error,
        id: 0,
        status: "",
        disabled: false,
        invited: false,
        has_totp: false,
        history: Vec::new(),
    }
}

async fn new_user_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
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
fn check_user_form(
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

async fn new_user(
    State(state): State<AppState>,
    visitor: Visitor,
    body: String,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let form = UserForm::parse(&body);
    let mut email = Field::of(form.email.trim());
    let mut name = Field::of(form.naam.trim());
    let (role, role_error, locations_error) =
        check_user_form(&form, &mut email, &mut name, true, None);
    let all = locations::location_choices(&state.db).await?;
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
    let event = visitor.event("invite", "gebruiker", "-", Outcome::Success, role.code());
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
async fn tenant_user(state: &AppState, visitor: &Visitor, id: &str) -> AppResult<store::User> {
    let user = match id.parse::<i64>() {
        Ok(n) => store::user(&state.db, state.tenant_id, n).await?,
        Err(_) => None,
    };
    match user {
        Some(u) => Ok(u),
        None => {
            let event = visitor.event("read", "gebruiker", id, Outcome::Denied, "not in tenant");
            audit::append(&state.db, &event).await?;
            Err(AppError::NotFound)
        }
    }
}

#[derive(Debug, Deserialize)]
struct DoneQuery {
    #[serde(default)]
    gedaan: String,
}

async fn existing_user_view(
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

async fn user_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let user = tenant_user(&state, &visitor, &id).await?;
    let object = user.id.to_string();
    let event = visitor.event("read", "gebruiker", &object, Outcome::Success, "");
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
    view.layout.notice = match q.gedaan.as_str() {
        "opgeslagen" => Some("De wijzigingen zijn opgeslagen.".to_owned()),
        "geblokkeerd" => Some("Het account is geblokkeerd. Alle sessies van deze gebruiker zijn beëindigd.".to_owned()),
        "gedeblokkeerd" => Some("Het account is weer actief.".to_owned()),
        "uitgenodigd" => Some("Er is een nieuwe uitnodiging verstuurd. Eerdere links werken niet meer.".to_owned()),
        "tweestaps" => Some("De tweestapsverificatie is gewist. De gebruiker stelt die opnieuw in bij de volgende keer inloggen.".to_owned()),
        _ => None,
    };
    Ok(Html(view.render()?).into_response())
}

async fn update_user(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
    body: String,
) -> AppResult<Response> {
    let user = tenant_user(&state, &visitor, &id).await?;
    let form = UserForm::parse(&body);
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
    let event = visitor.event(
        "update",
        "gebruiker",
        &object,
        Outcome::Success,
        role.code(),
    );
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

async fn set_disabled(
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
        let view = MessageView {
            layout: layout(&state, &visitor, "Niet mogelijk", ""),
            heading: "U kunt uw eigen account niet blokkeren".to_owned(),
            paragraphs: vec!["Vraag een andere beheerder om dit te doen.".to_owned()],
            link: Some((
                format!("/beheer/gebruikers/{}", user.id),
                "Terug naar de gebruiker".to_owned(),
            )),
        };
        return Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response());
    }
    let object = user.id.to_string();
    let event = visitor.event(
        if disabled { "disable" } else { "enable" },
        "gebruiker",
        &object,
        Outcome::Success,
        "",
    );
    store::set_disabled(&state.db, state.tenant_id, user.id, disabled, &event).await?;
    let done = if disabled {
        "geblokkeerd"
    } else {
        "gedeblokkeerd"
    };
    Ok(Redirect::to(&format!("/beheer/gebruikers/{}?gedaan={done}", user.id)).into_response())
}

async fn reinvite(
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

async fn reset_totp(
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
        let view = MessageView {
            layout: layout(&state, &visitor, "Niet mogelijk", ""),
            heading: "U kunt uw eigen tweestapsverificatie hier niet wissen".to_owned(),
            paragraphs: vec!["Vraag een andere beheerder om dit te doen.".to_owned()],
            link: Some((
                format!("/beheer/gebruikers/{}", user.id),
                "Terug naar de gebruiker".to_owned(),
            )),
        };
        return Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response());
    }
    let object = user.id.to_string();
    let event = visitor.event("totp_reset", "gebruiker", &object, Outcome::Success, "");
    store::reset_totp(&state.db, state.tenant_id, user.id, &event).await?;
    Ok(Redirect::to(&format!("/beheer/gebruikers/{}?gedaan=tweestaps", user.id)).into_response())
}

// ---------------------------------------------------------------------------------------------
// Audit trail viewer

/// The actions the viewer's filter offers.
const ACTIONS: &[&str] = &[
    "login",
    "login_first_factor",
    "login_link",
    "logout",
    "logout_session",
    "logout_everywhere",
    "invite",
    "invitation_accept",
    "password_reset_request",
    "password_reset",
    "password_change",
    "sign_in_link_request",
    "totp_enroll",
    "totp_reset",
    "recovery_codes_renew",
    "disable",
    "enable",
    "create",
    "update",
    "delete",
    "read",
    "search",
    "export",
    "access",
    "check",
    "import",
];

/// A readable name for an audit action.
pub fn action_label(action: &str) -> &str {
    match action {
        "login" => "ingelogd",
        "login_first_factor" => "wachtwoord goed, code gevraagd",
        "login_link" => "ingelogd met link",
        "logout" => "uitgelogd",
        "logout_session" => "sessie beëindigd",
        "logout_everywhere" => "overal uitgelogd",
        "invite" => "uitgenodigd",
        "invitation_accept" => "account gemaakt",
        "password_reset_request" => "nieuw wachtwoord gevraagd",
        "password_reset" => "nieuw wachtwoord ingesteld",
        "password_change" => "wachtwoord gewijzigd",
        "sign_in_link_request" => "inloglink gevraagd",
        "totp_enroll" => "tweestapsverificatie ingesteld",
        "totp_reset" => "tweestapsverificatie gewist",
        "recovery_codes_renew" => "nieuwe herstelcodes",
        "disable" => "geblokkeerd",
        "enable" => "gedeblokkeerd",
        "update" => "gewijzigd",
        "create" => "aangemaakt",
        "delete" => "verwijderd",
        "read" => "bekeken",
        "search" => "gezocht",
        "export" => "geëxporteerd",
        "access" => "toegang gevraagd",
        "check" => "gecontroleerd",
        "import" => "geïmporteerd",
        other => other,
    }
}

struct AuditLine {
    id: i64,
    at: String,
    actor: String,
    role: String,
    action: String,
    object: String,
    pupil: String,
    outcome: &'static str,
    origin: String,
    request_id: String,
}

#[derive(Template)]
#[template(path = "app/audit.html")]
struct AuditView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    actors: Vec<(String, String, bool)>,
    actions: Vec<(&'static str, &'static str, bool)>,
    object_type: Field,
    object_id: Field,
    pupil: Field,
    outcomes: Vec<(&'static str, &'static str, bool)>,
    from: Field,
    until: Field,
    lines: Vec<AuditLine>,
    next_href: Option<String>,
    csv_href: String,
}

#[derive(Debug, Default)]
struct AuditQuery {
    pairs: Vec<(String, String)>,
}

impl AuditQuery {
    fn get(&self, k: &str) -> String {
        self.pairs
            .iter()
            .find(|(a, _)| a == k)
            .map(|(_, v)| v.trim().chars().take(100).collect())
            .unwrap_or_default()
    }
}

const AUDIT_PAGE: i64 = 100;

fn parse_day(raw: &str, field: &mut Field) -> Option<NaiveDate> {
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(raw, "%d-%m-%Y"))
    {
        Ok(d) => Some(d),
        Err(_) => {
            field.error =
                Some("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 01-09-2026.".to_owned());
            None
        }
    }
}

fn parse_id(raw: &str, field: &mut Field) -> Option<i64> {
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            field.error = Some("Vul een nummer in (alleen cijfers).".to_owned());
            None
        }
    }
}

/// Reads the viewer's filters; fields with a message are left out of the filter.
fn audit_filter(q: &AuditQuery) -> (Filter, [Field; 7]) {
    let mut actor = Field::of(q.get("gebruiker"));
    let action = Field::of(q.get("actie"));
    let object_type = Field::of(q.get("soort"));
    let object_id = Field::of(q.get("object"));
    let mut pupil = Field::of(q.get("leerling"));
    let mut from = Field::of(q.get("van"));
    let mut until = Field::of(q.get("tot"));
    let filter = Filter {
        actor_id: parse_id(&actor.value.clone(), &mut actor),
        action: (!action.value.is_empty()).then(|| action.value.clone()),
        object_type: (!object_type.value.is_empty()).then(|| object_type.value.clone()),
        object_id: (!object_id.value.is_empty()).then(|| object_id.value.clone()),
        pupil_id: parse_id(&pupil.value.clone(), &mut pupil),
        outcome: ["success", "denied", "failure"]
            .into_iter()
            .find(|o| *o == q.get("uitkomst"))
            .map(str::to_owned),
        from: parse_day(&from.value.clone(), &mut from).map(passend_domain::time::start_of_day),
        until: parse_day(&until.value.clone(), &mut until)
            .and_then(|d| d.succ_opt())
            .map(passend_domain::time::start_of_day),
        before_id: q.get("voor").parse().ok(),
    };
    (
        filter,
        [actor, action, object_type, object_id, pupil, from, until],
    )
}

fn outcome_label(o: &str) -> &'static str {
    match o {
        "success" => "gelukt",
        "denied" => "geweigerd",
        _ => "mislukt",
    }
}

async fn audit_view(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let q = AuditQuery {
        pairs: form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    };
    let (
        mut filter,
        [
            actor,
            _action,
            object_type,
            object_id,
            pupil,
            from,
            mut until,
        ],
    ) = audit_filter(&q);
    if let (Some(f), Some(u)) = (filter.from, filter.until)
        && f >= u
    {
        until.error =
            Some("De einddatum ligt vóór de begindatum. Kies een latere einddatum.".to_owned());
        filter.until = None;
    }
    let errors = summary(&[
        ("gebruiker", &actor),
        ("leerling", &pupil),
        ("van", &from),
        ("tot", &until),
    ]);
    // With a filter that could not be read nothing is searched: a full list would look filtered.
    let rows = if errors.is_empty() {
        audit::search(&state.db, state.tenant_id, &filter, AUDIT_PAGE).await?
    } else {
        Vec::new()
    };
    let people = store::users(&state.db, state.tenant_id, None, None, None).await?;
    let name_of = |id: i64| {
        people
            .iter()
            .find(|u| u.id == id)
            .map(|u| format!("{} ({id})", u.name))
            .unwrap_or_else(|| id.to_string())
    };
    // Reading the audit trail is itself recorded.
    let event = visitor.event("search", "audit", "-", Outcome::Success, "");
    audit::append(&state.db, &event).await?;
    let next_href = (rows.len() as i64 == AUDIT_PAGE).then(|| {
        let last = rows.last().map(|e| e.id).unwrap_or_default();
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in q.pairs.iter().filter(|(k, _)| k != "voor") {
            s.append_pair(k, v);
        }
        s.append_pair("voor", &last.to_string());
        format!("/beheer/audit?{}", s.finish())
    });
    let csv_href = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in q.pairs.iter().filter(|(k, _)| k != "voor") {
            s.append_pair(k, v);
        }
        format!("/beheer/audit.csv?{}", s.finish())
    };
    let outcome = filter.outcome.clone().unwrap_or_default();
    let lines = rows
        .into_iter()
        .map(|e| AuditLine {
            id: e.id,
            at: when(e.occurred_at),
            actor: e.actor_id.map(name_of).unwrap_or_else(|| "-".to_owned()),
            role: e.actor_role,
            action: action_label(&e.action).to_owned(),
            object: format!("{} {}", e.object_type, e.object_id),
            pupil: e.pupil_id.map(|p| p.to_string()).unwrap_or_default(),
            outcome: outcome_label(&e.outcome),
            origin: e.origin,
            request_id: e.request_id,
        })
        .collect();
    Ok(Html(
        AuditView {
            layout: layout(&state, &visitor, "Logboek", "/beheer/audit"),
            errors,
            actors: people
                .iter()
                .map(|u| {
                    (
                        u.id.to_string(),
                        format!("{} ({})", u.name, u.email),
                        filter.actor_id == Some(u.id),
                    )
                })
                .collect(),
            actions: ACTIONS
                .iter()
                .map(|a| (*a, action_label(a), filter.action.as_deref() == Some(*a)))
                .collect(),
            object_type,
            object_id,
            pupil,
            outcomes: [
                ("success", "Gelukt"),
                ("denied", "Geweigerd"),
                ("failure", "Mislukt"),
            ]
            .into_iter()
            .map(|(c, l)| (c, l, outcome == c))
            .collect(),
            from,
            until,
            lines,
            next_href,
            csv_href,
        }
        .render()?,
    )
    .into_response())
}

async fn audit_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    RawQuery(raw): RawQuery,
) -> AppResult<Response> {
    let q = AuditQuery {
        pairs: form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect(),
    };
    let (filter, fields) = audit_filter(&q);
    let unreadable = fields.iter().any(Field::has_error)
        || matches!((filter.from, filter.until), (Some(f), Some(u)) if f >= u);
    // As on the page: a filter that could not be read exports nothing.
    let rows = if unreadable {
        Vec::new()
    } else {
        audit::search(&state.db, state.tenant_id, &filter, 50_000).await?
    };
    let event = visitor.event("export", "audit", "-", Outcome::Success, "csv");
    audit::append(&state.db, &event).await?;
    let mut out = String::from(
        "id;tijd;gebruiker;rol;namens;actie;soort;object;leerling;uitkomst;herkomst;verzoek;detail;hash\r\n",
    );
    for e in rows {
        let cells = [
            e.id.to_string(),
            e.occurred_at.to_rfc3339(),
            e.actor_id.map(|a| a.to_string()).unwrap_or_default(),
            e.actor_role,
            e.on_behalf_of.map(|a| a.to_string()).unwrap_or_default(),
            e.action,
            e.object_type,
            e.object_id,
            e.pupil_id.map(|a| a.to_string()).unwrap_or_default(),
            e.outcome,
            e.origin,
            e.request_id,
            e.detail,
            e.hash,
        ];
        out.push_str(
            &cells
                .iter()
                .map(|c| csv_cell(c, crate::exports::Quote::Always))
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push_str("\r\n");
    }
    let mut r = out.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_static("attachment; filename=\"logboek.csv\""),
    );
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// E-mail queue

struct MailLine {
    id: i64,
    to: String,
    subject: String,
    status: &'static str,
    failed: bool,
    attempts: i64,
    created: String,
    sent: String,
    next: String,
    error: String,
}

#[derive(Template)]
#[template(path = "app/mail.html")]
struct MailView {
    layout: AppLayout,
    counts: (i64, i64, i64, i64),
    lines: Vec<MailLine>,
    only_failed: bool,
}

#[derive(Debug, Deserialize)]
struct MailQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    gedaan: String,
}

async fn mail(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<MailQuery>,
) -> AppResult<Response> {
    let only_failed = q.status == "failed";
    let rows = outbox::list(
        &state.db,
        state.tenant_id,
        only_failed.then_some("failed"),
        200,
    )
    .await?;
    let event = visitor.event("read", "e-mailwachtrij", "-", Outcome::Success, "");
    audit::append(&state.db, &event).await?;
    let lines = rows
        .into_iter()
        .map(|m| MailLine {
            id: m.id,
            to: m.to_address,
            subject: m.subject,
            status: match m.status.as_str() {
                "pending" => "wacht",
                "sending" => "wordt verstuurd",
                "sent" => "verstuurd",
                _ => "mislukt",
            },
            failed: m.status == "failed",
            attempts: m.attempts,
            created: when(m.created_at),
            sent: m.sent_at.map(when).unwrap_or_default(),
            next: if m.status == "pending" {
                when(m.next_attempt_at)
            } else {
                String::new()
            },
            error: m.last_error.unwrap_or_default(),
        })
        .collect();
    let mut l = layout(&state, &visitor, "E-mail", "/beheer/e-mail");
    if q.gedaan == "opnieuw" {
        l.notice = Some("De e-mail staat weer in de wachtrij.".to_owned());
    }
    Ok(Html(
        MailView {
            layout: l,
            counts: outbox::tenant_counts(&state.db, state.tenant_id).await?,
            lines,
            only_failed,
        }
        .render()?,
    )
    .into_response())
}

async fn mail_retry(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let object = id.to_string();
    if !outbox::retry(&state.db, state.tenant_id, id, Utc::now()).await? {
        return Err(AppError::NotFound);
    }
    let event = visitor.event("update", "e-mail", &object, Outcome::Success, "retry");
    audit::append(&state.db, &event).await?;
    Ok(Redirect::to("/beheer/e-mail?gedaan=opnieuw").into_response())
}

// ---------------------------------------------------------------------------------------------
// Content pages

struct PageLine {
    href: String,
    public_href: String,
    lang: &'static str,
    title: String,
    version: i64,
    edited: bool,
    changed: String,
}

#[derive(Template)]
#[template(path = "app/pages.html")]
struct PagesView {
    layout: AppLayout,
    lines: Vec<PageLine>,
}

async fn pages(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let lines = content::page_summaries(&state.db, state.tenant_id)
        .await?
        .into_iter()
        .map(|p| {
            let lang = Lang::from_code(&p.lang).unwrap_or(Lang::Nl);
            PageLine {
                href: format!("/beheer/paginas/{}/{}", p.lang, p.slug),
                public_href: lang.page_path(&p.slug),
                lang: if lang == Lang::En {
                    "Engels"
                } else {
                    "Nederlands"
                },
                title: p.title,
                version: p.version_no,
                edited: p.author_kind == "user",
                changed: when(p.created_at),
            }
        })
        .collect();
    Ok(Html(
        PagesView {
            layout: layout(&state, &visitor, "Pagina's", "/beheer/paginas"),
            lines,
        }
        .render()?,
    )
    .into_response())
}

struct VersionLine {
    number: i64,
    title: String,
    by: String,
    at: String,
    body: String,
}

#[derive(Template)]
#[template(path = "app/page_form.html")]
struct PageFormView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    action: String,
    public_href: String,
    lang_label: &'static str,
    title: Field,
    summary: Field,
    body: Field,
    versions: Vec<VersionLine>,
    /// The version the form was opened on.
    base_version: i64,
    /// Someone else saved in the meantime.
    conflict: Option<String>,
}

fn page_lang(lang: &str, slug: &str) -> AppResult<Lang> {
    match Lang::from_code(lang) {
        Some(l) if valid_slug(slug) => Ok(l),
        _ => Err(AppError::NotFound),
    }
}

/// The page form. `base` is the version the editor started from (kept through a form message, so
/// a save after correcting still notices someone else's save); `None` starts from the newest.
async fn page_view(
    state: &AppState,
    visitor: &Visitor,
    lang: Lang,
    slug: &str,
    fields: [Field; 3],
    base: Option<i64>,
) -> AppResult<PageFormView> {
    let versions: Vec<VersionLine> = content::page_versions(&state.db, state.tenant_id, lang, slug)
        .await?
        .into_iter()
        .map(|v| VersionLine {
            number: v.version_no,
            title: v.title,
            by: v.author_name.unwrap_or_else(|| {
                if v.author_kind == "seed" {
                    "meegeleverde tekst".to_owned()
                } else {
                    "onbekend".to_owned()
                }
            }),
            at: when(v.created_at),
            body: v.body_md,
        })
        .collect();
    let [title, summary_f, body] = fields;
    let errors = summary(&[
        ("titel", &title),
        ("samenvatting", &summary_f),
        ("tekst", &body),
    ]);
    let base_version = base.unwrap_or_else(|| {
        versions
            .first()
            .map(|v: &VersionLine| v.number)
            .unwrap_or(0)
    });
    Ok(PageFormView {
        conflict: None,
        base_version,
        layout: layout(
            state,
            visitor,
            &format!("Pagina bewerken: {}", title.value),
            "/beheer/paginas",
        ),
        errors,
        action: format!("/beheer/paginas/{}/{slug}", lang.code()),
        public_href: lang.page_path(slug),
        lang_label: if lang == Lang::En {
            "Engels"
        } else {
            "Nederlands"
        },
        title,
        summary: summary_f,
        body,
        versions,
    })
}

async fn page_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let page = content::page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut view = page_view(
        &state,
        &visitor,
        lang,
        &slug,
        [
            Field::of(page.title),
            Field::of(page.summary),
            Field::of(page.body_md),
        ],
        None,
    )
    .await?;
    if q.gedaan == "opgeslagen" {
        view.layout.notice = Some("De pagina is opgeslagen en staat nu op de website.".to_owned());
    }
    Ok(Html(view.render()?).into_response())
}

#[derive(Debug, Deserialize)]
struct PageForm {
    #[serde(default)]
    versie: Option<i64>,
    #[serde(default)]
    titel: String,
    #[serde(default)]
    samenvatting: String,
    #[serde(default)]
    tekst: String,
}

async fn save_page(
    State(state): State<AppState>,
    visitor: Visitor,
    Path((lang, slug)): Path<(String, String)>,
    axum::Form(form): axum::Form<PageForm>,
) -> AppResult<Response> {
    let lang = page_lang(&lang, &slug)?;
    let page = content::page(&state.db, state.tenant_id, lang, &slug)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut title = Field::of(form.titel.trim());
    let mut summary_f = Field::of(form.samenvatting.trim());
    let mut body = Field::of(form.tekst.replace("\r\n", "\n"));
    if title.value.is_empty() {
        title.error = Some("Vul een titel in.".to_owned());
    } else if title.value.chars().count() > 120 {
        title.error = Some("Maak de titel korter: hooguit 120 tekens.".to_owned());
    }
    if summary_f.value.is_empty() {
        summary_f.error = Some(
            "Vul een korte samenvatting in. Zoekmachines en de homepagina tonen die.".to_owned(),
        );
    } else if summary_f.value.chars().count() > 300 {
        summary_f.error = Some("Maak de samenvatting korter: hooguit 300 tekens.".to_owned());
    }
    if body.value.trim().is_empty() {
        body.error = Some("Vul de tekst van de pagina in.".to_owned());
    } else if body.value.len() > 100_000 {
        body.error = Some("De tekst is te lang: hooguit 100.000 tekens.".to_owned());
    }
    if title.has_error() || summary_f.has_error() || body.has_error() {
        let view = page_view(
            &state,
            &visitor,
            lang,
            &slug,
            [title, summary_f, body],
            form.versie,
        )
        .await?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(view.render()?)).into_response());
    }
    let p = visitor.signed_in()?;
    let object = format!("{}/{slug}", lang.code());
    let event = visitor.event("update", "pagina", &object, Outcome::Success, "");
    let outcome = content::edit_page(
        &state.db,
        state.tenant_id,
        lang,
        &slug,
        &PageEdit {
            title: &title.value,
            summary: &summary_f.value,
            nav_order: page.nav_order,
            nav_label: page.nav_label.as_deref(),
            no_link_terms: &page.no_link_terms,
            body_md: &body.value,
            author_id: Some(p.user_id),
            base_version: Some(form.versie.unwrap_or(page.version_no)),
        },
        &event,
    )
    .await?;
    match outcome {
        EditOutcome::Saved(_) => {}
        EditOutcome::Missing => return Err(AppError::NotFound),
        EditOutcome::Stale(current) => {
            // Keep what this editor typed; the next save builds on the newest version.
            let mut view = page_view(
                &state,
                &visitor,
                lang,
                &slug,
                [title, summary_f, body],
                None,
            )
            .await?;
            view.conflict = Some(format!(
                "Iemand anders heeft deze pagina intussen opgeslagen (versie {current}). Uw tekst staat hieronder nog. Kijk bij Versies wat er veranderd is, pas uw tekst zo nodig aan en sla opnieuw op."
            ));
            return Ok((StatusCode::CONFLICT, Html(view.render()?)).into_response());
        }
    }
    Ok(Redirect::to(&format!(
        "/beheer/paginas/{}/{slug}?gedaan=opgeslagen",
        lang.code()
    ))
    .into_response())
}
