//! An invitation or a password reset: setting a password with a single-use link.

use crate::AppState;
use crate::auth::Visitor;
use crate::error::AppResult;
use crate::forms::{Field, summary};
use crate::layout::layout;
use crate::routes::account::*;
use crate::throttle::account_key;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use passend_domain::accounts::{Role, TokenPurpose, token_hash};
use passend_store::accounts::{self as store, TokenUse, User};
use serde::Deserialize;

#[allow(clippy::too_many_arguments)]
pub(crate) fn new_password_view(
    state: &AppState,
    visitor: &Visitor,
    title: &str,
    intro: String,
    action: String,
    email: String,
    fields: (Option<Field>, Field, Field),
    button: &'static str,
) -> NewPasswordView {
    let (current, password, repeat) = fields;
    let mut list: Vec<(&str, &Field)> = Vec::new();
    if let Some(c) = &current {
        list.push(("huidig", c));
    }
    list.push(("wachtwoord", &password));
    list.push(("herhaling", &repeat));
    let errors = summary(&list);
    NewPasswordView {
        layout: layout(state, visitor, title, &action),
        errors,
        intro,
        action,
        email,
        current,
        password,
        repeat,
        button,
    }
}

pub(crate) async fn invitation_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let Some(user) = link_user(&state, &token, TokenPurpose::Invitation).await? else {
        return expired_link(&state, &visitor, "/inloggen", "Naar inloggen");
    };
    page(
        new_password_view(
            &state,
            &visitor,
            "Account maken",
            invitation_intro(&state, &user),
            format!("/uitnodiging/{token}"),
            user.email.clone(),
            (None, Field::default(), Field::default()),
            "Account maken",
        ),
        StatusCode::OK,
    )
}

pub(crate) fn invitation_intro(state: &AppState, user: &User) -> String {
    let role = user.role().map(Role::label_nl).unwrap_or("gebruiker");
    let second = if user.role().is_some_and(Role::needs_second_factor) {
        " Daarna stelt u tweestapsverificatie in met een app op uw telefoon."
    } else {
        ""
    };
    format!(
        "Welkom, {}. U maakt een account bij {} als {}. Kies een wachtwoord van minstens 8 tekens. Een zin van een paar woorden is sterk en goed te onthouden.{second}",
        user.name,
        state.site_name,
        role.to_lowercase()
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct NewPasswordForm {
    #[serde(default)]
    pub(crate) huidig: String,
    #[serde(default)]
    pub(crate) wachtwoord: String,
    #[serde(default)]
    pub(crate) herhaling: String,
}

pub(crate) async fn invitation(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    set_password_with_token(state, visitor, token, form, TokenPurpose::Invitation).await
}

pub(crate) async fn set_password_with_token(
    state: AppState,
    visitor: Visitor,
    token: String,
    form: NewPasswordForm,
    purpose: TokenPurpose,
) -> AppResult<Response> {
    let hash = token_hash(&token);
    let (back_href, back_label) = match purpose {
        TokenPurpose::Invitation => ("/inloggen", "Naar inloggen"),
        _ => ("/wachtwoord-vergeten", "Vraag een nieuwe link aan"),
    };
    let Some(user) =
        store::token_user(&state.db, state.tenant_id, &hash, purpose, Utc::now()).await?
    else {
        return expired_link(&state, &visitor, back_href, back_label);
    };
    let raw = form.wachtwoord.clone();
    let mut password = Field::of(form.wachtwoord);
    let mut repeat = Field::of(form.herhaling);
    let (title, action, intro, button) = match purpose {
        TokenPurpose::Invitation => (
            "Account maken",
            format!("/uitnodiging/{token}"),
            invitation_intro(&state, &user),
            "Account maken",
        ),
        _ => (
            "Nieuw wachtwoord",
            format!("/wachtwoord-herstellen/{token}"),
            RESET_INTRO.to_owned(),
            "Wachtwoord opslaan",
        ),
    };
    if !check_new_password(&mut password, &mut repeat, &user.email, &user.name) {
        return page(
            new_password_view(
                &state,
                &visitor,
                title,
                intro,
                action,
                user.email.clone(),
                (None, password, repeat),
                button,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let new_hash = state.auth.passwords.hash(&raw).await?;
    let action_code = match purpose {
        TokenPurpose::Invitation => "invitation_accept",
        _ => "password_reset",
    };
    let object = user.id.to_string();
    let event = visitor.on_user(action_code, &object, "");
    let usage = TokenUse::SetPassword(&new_hash, &account_key(state.tenant_id, &user.email));
    spend_link(
        &state,
        &visitor,
        (&hash, purpose),
        &usage,
        event,
        (back_href, back_label),
    )
    .await
}

pub(crate) const RESET_INTRO: &str = "Kies een nieuw wachtwoord van minstens 8 tekens. Een zin van een paar woorden is sterk en goed te onthouden. Na het opslaan bent u op andere apparaten uitgelogd.";

pub(crate) async fn reset_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let Some(user) = link_user(&state, &token, TokenPurpose::PasswordReset).await? else {
        return expired_link(
            &state,
            &visitor,
            "/wachtwoord-vergeten",
            "Vraag een nieuwe link aan",
        );
    };
    page(
        new_password_view(
            &state,
            &visitor,
            "Nieuw wachtwoord",
            RESET_INTRO.to_owned(),
            format!("/wachtwoord-herstellen/{token}"),
            user.email,
            (None, Field::default(), Field::default()),
            "Wachtwoord opslaan",
        ),
        StatusCode::OK,
    )
}

pub(crate) async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    set_password_with_token(state, visitor, token, form, TokenPurpose::PasswordReset).await
}

#[derive(Template)]
#[template(path = "account/invitation/new_password.html")]
pub(crate) struct NewPasswordView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) intro: String,
    pub(crate) action: String,
    pub(crate) email: String,
    pub(crate) current: Option<Field>,
    pub(crate) password: Field,
    pub(crate) repeat: Field,
    pub(crate) button: &'static str,
}
