//! Parents' sign-in link, and the form that asks for a link or a reset.

use crate::AppState;
use crate::auth::{Visitor, landing};
use crate::error::AppResult;
use crate::forms::{Field, summary};
use crate::layout::layout;
use crate::links::send_link_later;
use crate::routes::account::*;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use passend_domain::accounts::{TokenPurpose, normalize_email, token_hash, valid_email};
use passend_store::accounts::{self as store, TokenUse};
use passend_store::audit::Event;
use serde::Deserialize;

/// A form that asks for an e-mail address and sends a link: the parents' sign-in link and the
/// password reset work the same way.
pub(crate) struct LinkForm {
    pub(crate) title: &'static str,
    pub(crate) intro: &'static str,
    pub(crate) action: &'static str,
    pub(crate) purpose: TokenPurpose,
    /// What the mail holds, for the "kijk in uw e-mail" page.
    pub(crate) what: &'static str,
}

pub(crate) const SIGN_IN_LINK: LinkForm = LinkForm {
    title: "Inloggen met een link",
    intro: "Bent u ouder of verzorger? Dan kunt u inloggen zonder wachtwoord. Vul uw e-mailadres in. U krijgt dan een e-mail met een link om in te loggen.",
    action: "/inloggen/link",
    purpose: TokenPurpose::SignInLink,
    what: "een link om in te loggen",
};

pub(crate) const PASSWORD_RESET: LinkForm = LinkForm {
    title: "Wachtwoord vergeten",
    intro: "Vul het e-mailadres van uw account in. U krijgt dan een e-mail met een link om een nieuw wachtwoord te kiezen.",
    action: "/wachtwoord-vergeten",
    purpose: TokenPurpose::PasswordReset,
    what: "een link om een nieuw wachtwoord te kiezen",
};

pub(crate) fn link_form_page(
    state: &AppState,
    visitor: &Visitor,
    f: &LinkForm,
    email: Field,
    status: StatusCode,
) -> AppResult<Response> {
    let errors = summary(&[("email", &email)]);
    page(
        EmailFormView {
            layout: layout(state, visitor, f.title, f.action),
            errors,
            intro: f.intro,
            action: f.action,
            button: "Stuur mij een link",
            email,
        },
        status,
    )
}

pub(crate) async fn link_form(
    State(state): State<AppState>,
    visitor: Visitor,
    f: &'static LinkForm,
) -> AppResult<Response> {
    link_form_page(&state, &visitor, f, Field::default(), StatusCode::OK)
}

pub(crate) async fn link_request(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<EmailForm>,
    f: &'static LinkForm,
) -> AppResult<Response> {
    let (email, field) = check_email_field(&form.email);
    if field.has_error() {
        return link_form_page(&state, &visitor, f, field, StatusCode::UNPROCESSABLE_ENTITY);
    }
    if let Some(wait) = mail_throttled(&state, &visitor, &email).await? {
        return too_many(&state, &visitor, wait, true);
    }
    send_link_later(state.clone(), visitor.clone(), email, f.purpose);
    sent_view(&state, &visitor, f.what)
}

#[derive(Debug, Deserialize)]
pub(crate) struct EmailForm {
    #[serde(default)]
    pub(crate) email: String,
}

pub(crate) fn check_email_field(raw: &str) -> (String, Field) {
    let email = normalize_email(raw);
    let mut field = Field::of(raw.trim());
    if email.is_empty() {
        field.error = Some("Vul uw e-mailadres in.".to_owned());
    } else if !valid_email(&email) {
        field.error =
            Some("Vul een geldig e-mailadres in, bijvoorbeeld naam@voorbeeld.nl.".to_owned());
    }
    (email, field)
}

pub(crate) fn sent_view(state: &AppState, visitor: &Visitor, what: &str) -> AppResult<Response> {
    message(
        state,
        visitor,
        ("Kijk in uw e-mail", "Kijk in uw e-mail"),
        vec![
                format!("Als dit e-mailadres bij ons bekend is, ontvangt u binnen een paar minuten een e-mail met {what}."),
                "Geen e-mail gekregen? Kijk ook in de map met ongewenste e-mail. Of vraag de school of het samenwerkingsverband om hulp.".to_owned(),
            ],
        ("/inloggen", "Terug naar inloggen"),
        StatusCode::OK,
    )
}

pub(crate) async fn link_confirm_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let user = link_user(&state, &token, TokenPurpose::SignInLink).await?;
    if user.is_none() {
        return expired_link(
            &state,
            &visitor,
            "/inloggen/link",
            "Vraag een nieuwe link aan",
        );
    }
    // A button, not an automatic sign-in: mail scanners open links too.
    page(
        ConfirmView {
            layout: layout(&state, &visitor, "Inloggen", ""),
            text: "Klik op de knop om in te loggen.",
            action: format!("/inloggen/link/{token}"),
            button: "Inloggen",
        },
        StatusCode::OK,
    )
}

pub(crate) fn expired_link(
    state: &AppState,
    visitor: &Visitor,
    href: &str,
    label: &str,
) -> AppResult<Response> {
    message(
        state,
        visitor,
        ("Deze link werkt niet meer", "Deze link werkt niet meer"),
        vec![
                "De link is al gebruikt of verlopen. Een link werkt maar één keer en maar een beperkte tijd.".to_owned(),
            ],
        (href, label),
        StatusCode::GONE,
    )
}

pub(crate) async fn link_confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let event = visitor.on_user("login_link", "-", "sign_in_link");
    spend_link(
        &state,
        &visitor,
        (&token_hash(&token), TokenPurpose::SignInLink),
        &TokenUse::SignIn,
        event,
        ("/inloggen/link", "Vraag een nieuwe link aan"),
    )
    .await
}

/// Spends a single-use link (its hash and purpose) for `usage`: the visitor's old session ends,
/// a new one starts on the link's account with `event` recorded, and the visitor lands where the
/// account's stage leads; a link already used or expired shows "Deze link werkt niet meer" with
/// the way `back`.
pub(crate) async fn spend_link(
    state: &AppState,
    visitor: &Visitor,
    (hash, purpose): (&str, TokenPurpose),
    usage: &TokenUse<'_>,
    mut event: Event<'_>,
    (back_href, back_label): (&str, &str),
) -> AppResult<Response> {
    let keys = SessionKeys::new()?;
    event.tenant_id = Some(state.tenant_id);
    if let Some(old) = &visitor.principal {
        store::end_session(&state.db, &old.session_hash, None).await?;
    }
    let spent = store::use_token(
        &state.db,
        state.tenant_id,
        hash,
        purpose,
        usage,
        &keys.row(visitor),
        &event,
    )
    .await?;
    match spent {
        Some((u, stage)) => Ok(keys.redirect(landing(u.role(), stage))),
        None => expired_link(state, visitor, back_href, back_label),
    }
}

#[derive(Template)]
#[template(path = "account/link/email_form.html")]
pub(crate) struct EmailFormView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) intro: &'static str,
    pub(crate) action: &'static str,
    pub(crate) button: &'static str,
    pub(crate) email: Field,
}

#[derive(Template)]
#[template(path = "account/link/confirm.html")]
pub(crate) struct ConfirmView {
    pub(crate) layout: AppLayout,
    pub(crate) text: &'static str,
    pub(crate) action: String,
    pub(crate) button: &'static str,
}
