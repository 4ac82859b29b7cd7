//! Signing in: password, then the second factor.

use crate::AppState;
use crate::auth::{SESSION_COOKIE, Visitor, clear_cookie, landing};
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::{Field, summary};
use crate::layout::layout;
use crate::routes::account::*;
use crate::throttle::{account_key, address_key, second_factor_key};
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use passend_domain::accounts::{Stage, normalize_email, token_hash, valid_email};
use passend_domain::totp;
use passend_store::accounts::{self as store, SecondFactor};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(crate) struct LoginQuery {
    #[serde(default)]
    pub(crate) terug: String,
    #[serde(default)]
    pub(crate) uitgelogd: Option<String>,
    #[serde(default)]
    pub(crate) verlopen: Option<String>,
}

pub(crate) async fn login_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<LoginQuery>,
) -> AppResult<Response> {
    let mut l = layout(&state, &visitor, "Inloggen", "/inloggen");
    if q.uitgelogd.is_some() {
        l.notice = Some("U bent uitgelogd.".to_owned());
    } else if q.verlopen.is_some() {
        l.notice = Some(
            "Uw sessie is verlopen of beëindigd. Log opnieuw in om verder te gaan.".to_owned(),
        );
    }
    page(
        LoginView {
            layout: l,
            errors: Vec::new(),
            email: Field::default(),
            password: Field::default(),
            back: q.terug,
        },
        StatusCode::OK,
    )
}

#[derive(Debug, Deserialize)]
pub(crate) struct LoginForm {
    #[serde(default)]
    pub(crate) email: String,
    #[serde(default)]
    pub(crate) wachtwoord: String,
    #[serde(default)]
    pub(crate) terug: String,
}

pub(crate) async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<LoginForm>,
) -> AppResult<Response> {
    let email = normalize_email(&form.email);
    let mut email_field = Field::of(form.email.trim());
    let mut password_field = Field::default();
    if email.is_empty() {
        email_field.error = Some("Vul uw e-mailadres in.".to_owned());
    } else if !valid_email(&email) {
        email_field.error =
            Some("Vul een geldig e-mailadres in, bijvoorbeeld naam@school.nl.".to_owned());
    }
    if form.wachtwoord.is_empty() {
        password_field.error = Some("Vul uw wachtwoord in.".to_owned());
    }
    let render = |email: Field, password: Field, status: StatusCode| -> AppResult<Response> {
        let errors = summary(&[("email", &email), ("wachtwoord", &password)]);
        page(
            LoginView {
                layout: layout(&state, &visitor, "Inloggen", "/inloggen"),
                errors,
                email,
                password,
                back: form.terug.clone(),
            },
            status,
        )
    };
    if email_field.has_error() || password_field.has_error() {
        return render(
            email_field,
            password_field,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let account = account_key(state.tenant_id, &email);
    let address = address_key(&visitor);
    let attempt = match take_attempt(&state, &account, &address).await? {
        Ok(ids) => ids,
        Err(wait) => return too_many(&state, &visitor, wait, false),
    };
    let user = store::user_by_email(&state.db, state.tenant_id, &email).await?;
    // Demo accounts (published password) work only in demo mode. A blocked account is checked
    // too, so that whoever knows its password learns why they cannot sign in.
    let usable = user
        .as_ref()
        .filter(|u| u.status == "active" || u.status == "disabled")
        .filter(|u| state.auth.demo || !u.email.ends_with(crate::DEMO_DOMAIN));
    let ok = state
        .auth
        .passwords
        .verify(
            usable.and_then(|u| u.password_hash.as_deref()),
            &form.wachtwoord,
        )
        .await?;
    let blocked = usable.is_some_and(|u| u.status == "disabled");
    let usable = usable.filter(|u| u.status == "active");
    match (ok, usable) {
        (true, Some(user)) => {
            after_first_factor(&state, &visitor, user, &form.terug, "password", &attempt).await
        }
        _ => {
            record_failure(&state, &visitor, user.as_ref(), "password").await?;
            password_field.error = Some(if ok && blocked {
                "Uw account is geblokkeerd. Neem contact op met het samenwerkingsverband als u denkt dat dit niet klopt.".to_owned()
            } else {
                "Het e-mailadres of het wachtwoord klopt niet. Let op hoofdletters en kleine letters.".to_owned()
            });
            render(
                email_field,
                password_field,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub(crate) async fn code_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> AppResult<Response> {
    let demo_code = demo_code(&state, &visitor).await?;
    page(
        CodeView {
            layout: layout(&state, &visitor, "Inloggen: code", ""),
            errors: Vec::new(),
            code: Field::default(),
            demo_code,
        },
        StatusCode::OK,
    )
}

/// In demo mode, the current code of a demo account is shown (the secret is public anyway).
pub(crate) async fn demo_code(state: &AppState, visitor: &Visitor) -> AppResult<Option<String>> {
    if !state.auth.demo {
        return Ok(None);
    }
    let p = visitor.signed_in()?;
    if !p.email.ends_with(crate::DEMO_DOMAIN) {
        return Ok(None);
    }
    let Some(user) = store::user(&state.db, state.tenant_id, p.user_id).await? else {
        return Ok(None);
    };
    // The code of this step, or of the next one when this one was used (the check accepts one
    // step ahead).
    let now = totp::step_of(Utc::now().timestamp());
    let step = user.totp_last_step.map_or(now, |last| now.max(last + 1));
    Ok(user
        .totp_secret
        .and_then(|s| totp::base32_decode(&s))
        .filter(|_| step <= now + 1)
        .map(|s| totp::format_code(totp::code_at(&s, step))))
}

#[derive(Debug, Deserialize)]
pub(crate) struct CodeForm {
    #[serde(default)]
    pub(crate) code: String,
}

pub(crate) async fn code(
    SignedIn { state, visitor, p }: SignedIn,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let user = own_user(&state, &p).await?;
    let account = account_key(state.tenant_id, &user.email);
    let address = address_key(&visitor);
    let typed = form.code.trim();
    // Codes are counted per user apart from passwords (a correct password must not reset the
    // count of wrong codes), and every try counts before it is checked, so a burst of requests
    // cannot slip past the limit. Only a completed sign-in clears the count.
    let codes = second_factor_key(user.id);
    // A locked account (too many wrong passwords) takes no codes either; the account's count is
    // only checked here.
    let limits = [
        store::Limit {
            key: &codes,
            rule: state.auth.per_account,
            counts: !typed.is_empty(),
        },
        store::Limit {
            key: &address,
            rule: state.auth.per_address,
            counts: !typed.is_empty(),
        },
        store::Limit {
            key: &account,
            rule: state.auth.per_account,
            counts: false,
        },
    ];
    let attempt = match store::take_attempt(&state.db, &limits, Utc::now()).await? {
        Ok(ids) => ids,
        Err(wait) => return too_many(&state, &visitor, wait, false),
    };
    let mut field = Field::of(typed);
    let secret = user.totp_secret.as_deref().and_then(totp::base32_decode);
    let recovery = totp::normalize_recovery_code(typed);
    let factor = if typed.is_empty() {
        field.error = Some("Vul de code van 6 cijfers uit uw app in.".to_owned());
        None
    } else if recovery.len() == 10 && recovery.chars().any(|c| c.is_ascii_alphabetic()) {
        Some(SecondFactor::Recovery)
    } else {
        secret
            .as_deref()
            .and_then(|s| totp::verify(s, typed, Utc::now().timestamp(), user.totp_last_step))
            .map(SecondFactor::Totp)
    };
    let recovery_hash = token_hash(&recovery);
    let done = match factor {
        Some(f) => {
            let keys = SessionKeys::new()?;
            let object = user.id.to_string();
            let detail = if f == SecondFactor::Recovery {
                "recovery_code"
            } else {
                "totp"
            };
            let event = visitor.on_user("login", &object, detail);
            let ok = store::complete_second_factor(
                &state.db,
                user.id,
                f,
                &recovery_hash,
                &attempt,
                &p.session_hash,
                &keys.row(&visitor),
                &event,
            )
            .await?;
            ok.then_some(keys)
        }
        None => None,
    };
    match done {
        Some(keys) => Ok(keys.redirect(landing(Some(p.role), Stage::Full))),
        None => {
            if !typed.is_empty() {
                // The attempt was counted under the user's codes and the address before the
                // check; it stays counted.
                record_failure(&state, &visitor, Some(&user), "second_factor").await?;
                field.error = Some(
                    "Deze code klopt niet of is al gebruikt. Wacht op een nieuwe code in uw app en probeer het opnieuw."
                        .to_owned(),
                );
            }
            field.value.clear();
            let errors = summary(&[("code", &field)]);
            page(
                CodeView {
                    layout: layout(&state, &visitor, "Inloggen: code", ""),
                    errors,
                    code: field,
                    demo_code: demo_code(&state, &visitor).await?,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

pub(crate) async fn logout(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let object = p.user_id.to_string();
    let event = visitor.on_user("logout", &object, "");
    store::end_session(&state.db, &p.session_hash, Some(&event)).await?;
    let mut r = Redirect::to("/inloggen?uitgelogd=1").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    Ok(r)
}

#[derive(Template)]
#[template(path = "account/sign_in/login.html")]
pub(crate) struct LoginView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) email: Field,
    pub(crate) password: Field,
    pub(crate) back: String,
}

#[derive(Template)]
#[template(path = "account/sign_in/code.html")]
pub(crate) struct CodeView {
    pub(crate) layout: AppLayout,
    pub(crate) errors: Vec<(String, String)>,
    pub(crate) code: Field,
    pub(crate) demo_code: Option<String>,
}
