//! Signing in and out, invitations, password reset, the second factor, and one's own account
//! (sessions, password, recovery codes). Dutch only for now; formal "u".

mod invitation;
mod link;
mod own;
mod second_factor;
mod sign_in;

pub(crate) use invitation::*;
pub(crate) use link::*;
pub(crate) use own::*;
pub(crate) use second_factor::*;
pub(crate) use sign_in::*;

use crate::AppState;
use crate::app::Routes;
use crate::auth::{
    Principal, SESSION_COOKIE, Visitor, landing, random_hex, random_token, safe_return, set_cookie,
    step_path,
};
use crate::error::{AppError, AppResult};
use crate::forms::Field;
use crate::layout::MessageView;
use crate::layout::{AppLayout, layout};
use crate::throttle::{account_key, address_key};
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use passend_domain::accounts::{
    PasswordProblem, Stage, check_password, stage_after_first_factor, token_hash,
};
use passend_store::accounts::{self as store, NewSession, User};
use passend_store::audit::Outcome;

/// The routes of this area.
pub(crate) fn router() -> Routes {
    Routes::new()
        .get("/inloggen", login_form)
        .post("/inloggen", login)
        .get("/inloggen/code", code_form)
        .post("/inloggen/code", code)
        .get("/inloggen/link", |s, v| link_form(s, v, &SIGN_IN_LINK))
        .post("/inloggen/link", |s, v, f| {
            link_request(s, v, f, &SIGN_IN_LINK)
        })
        .get("/inloggen/link/{token}", link_confirm_form)
        .post("/inloggen/link/{token}", link_confirm)
        .get("/uitnodiging/{token}", invitation_form)
        .post("/uitnodiging/{token}", invitation)
        .get("/wachtwoord-vergeten", |s, v| {
            link_form(s, v, &PASSWORD_RESET)
        })
        .post("/wachtwoord-vergeten", |s, v, f| {
            link_request(s, v, f, &PASSWORD_RESET)
        })
        .get("/wachtwoord-herstellen/{token}", reset_form)
        .post("/wachtwoord-herstellen/{token}", reset)
        .post("/uitloggen", logout)
        .get("/account/tweestapsverificatie", enroll_form)
        .post("/account/tweestapsverificatie", enroll)
        .get("/account", account)
        .get("/account/wachtwoord", password_form)
        .post("/account/wachtwoord", change_password)
        .post("/account/herstelcodes", new_recovery_codes)
        .post("/account/sessies/{id}/beeindigen", end_session)
        .post("/account/overal-uitloggen", end_other_sessions)
}

/// The keys of a new session: the cookie token and what the database keeps.
pub(crate) struct SessionKeys {
    pub(crate) token: String,
    pub(crate) id_hash: String,
    pub(crate) public_id: String,
    pub(crate) csrf: String,
}

impl SessionKeys {
    pub(crate) fn new() -> AppResult<SessionKeys> {
        let token = random_token()?;
        Ok(SessionKeys {
            id_hash: token_hash(&token),
            token,
            public_id: random_hex(8)?,
            csrf: random_token()?,
        })
    }

    pub(crate) fn row<'a>(&'a self, visitor: &'a Visitor) -> NewSession<'a> {
        NewSession {
            id_hash: &self.id_hash,
            public_id: &self.public_id,
            csrf_token: &self.csrf,
            user_agent: &visitor.user_agent,
            origin: &visitor.origin,
        }
    }

    /// A redirect that sets the session cookie.
    pub(crate) fn redirect(&self, to: &str) -> Response {
        let mut r = Redirect::to(to).into_response();
        r.headers_mut()
            .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &self.token));
        r
    }
}

/// Counts a sign-in attempt (a password) under the account and the network address before it is
/// checked, atomically (`store::take_attempt`): `Err(wait)` when either is at its limit. The
/// attempt's rows are taken back when it succeeds (`store::start_session`); a failure leaves
/// them, so at most the limit's number of attempts is ever evaluated, also in a burst.
pub(crate) async fn take_attempt(
    state: &AppState,
    account: &str,
    address: &str,
) -> AppResult<Result<Vec<i64>, std::time::Duration>> {
    Ok(store::take_attempt(
        &state.db,
        &[
            store::Limit {
                key: account,
                rule: state.auth.per_account,
                counts: true,
            },
            store::Limit {
                key: address,
                rule: state.auth.per_address,
                counts: true,
            },
        ],
        Utc::now(),
    )
    .await?)
}

/// Mails on request (sign-in links, password resets): at most 5 per account and 50 per network
/// address in 15 minutes, so the forms cannot flood a mailbox. Counts this request when allowed,
/// in the same transaction as the count (parallel requests cannot walk past the limit).
pub(crate) async fn mail_throttled(
    state: &AppState,
    visitor: &Visitor,
    email: &str,
) -> AppResult<Option<std::time::Duration>> {
    let window = std::time::Duration::from_secs(15 * 60);
    let account = format!("mail-{}", account_key(state.tenant_id, email));
    let address = format!("mail-{}", address_key(visitor));
    let rule = |allowed| passend_domain::accounts::Throttle {
        allowed_failures: allowed,
        window,
    };
    let taken = store::take_attempt(
        &state.db,
        &[
            store::Limit {
                key: &account,
                rule: rule(5),
                counts: true,
            },
            store::Limit {
                key: &address,
                rule: rule(50),
                counts: true,
            },
        ],
        Utc::now(),
    )
    .await?;
    Ok(taken.err())
}

/// Records a failed sign-in step in the audit trail (the attempt itself was counted before it
/// was checked).
pub(crate) async fn record_failure(
    state: &AppState,
    visitor: &Visitor,
    user: Option<&User>,
    what: &str,
) -> AppResult<()> {
    let object = user
        .map(|u| u.id.to_string())
        .unwrap_or_else(|| "-".to_owned());
    let mut event = visitor.event("login", "gebruiker", &object, Outcome::Failure, what);
    event.tenant_id = Some(state.tenant_id);
    passend_store::audit::append(&state.db, &event).await?;
    Ok(())
}

pub(crate) fn too_many(
    state: &AppState,
    visitor: &Visitor,
    wait: std::time::Duration,
    mails: bool,
) -> AppResult<Response> {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    let view = MessageView {
        layout: layout(state, visitor, "Even wachten", ""),
        heading: "Te veel pogingen".to_owned(),
        paragraphs: if mails {
            vec![
                format!(
                    "U heeft in korte tijd vaak om een e-mail gevraagd. Probeer het over {minutes} {} opnieuw.",
                    if minutes == 1 { "minuut" } else { "minuten" }
                ),
                "Kijk ook in de map met ongewenste e-mail: de e-mail kan daar terechtgekomen zijn."
                    .to_owned(),
            ]
        } else {
            vec![
                format!(
                    "Er is te vaak een verkeerd wachtwoord of een verkeerde code ingevuld. Probeer het over {minutes} {} opnieuw.",
                    if minutes == 1 { "minuut" } else { "minuten" }
                ),
                "Bent u uw wachtwoord vergeten? Dan kunt u een nieuw wachtwoord instellen."
                    .to_owned(),
            ]
        },
        link: Some((
            "/wachtwoord-vergeten".to_owned(),
            "Wachtwoord vergeten".to_owned(),
        )),
    };
    let mut r = (StatusCode::TOO_MANY_REQUESTS, Html(view.render()?)).into_response();
    if let Ok(v) = HeaderValue::from_str(&wait.as_secs().max(1).to_string()) {
        r.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(r)
}

pub(crate) fn page(view: impl Template, status: StatusCode) -> AppResult<Response> {
    Ok((status, Html(view.render()?)).into_response())
}

pub(crate) fn password_error(problem: PasswordProblem) -> String {
    problem.message_nl().to_owned()
}

/// Checks a new password and its repetition; sets the fields' messages.
pub(crate) fn check_new_password(
    password: &mut Field,
    repeat: &mut Field,
    email: &str,
    name: &str,
) -> bool {
    let mut ok = true;
    if let Err(p) = check_password(&password.value, &[email, name], crate::passwords::is_common) {
        password.error = Some(password_error(p));
        ok = false;
    } else if password.value != repeat.value {
        repeat.error = Some("De twee wachtwoorden zijn niet hetzelfde. Typ het wachtwoord twee keer precies gelijk.".to_owned());
        ok = false;
    }
    // Passwords are never sent back into the page.
    password.value.clear();
    repeat.value.clear();
    ok
}

/// Sends a user on after their first factor, with a new session.
pub(crate) async fn after_first_factor(
    state: &AppState,
    visitor: &Visitor,
    user: &User,
    back: &str,
    what: &str,
    attempt: &[i64],
) -> AppResult<Response> {
    let role = user.role().ok_or(AppError::NotFound)?;
    let stage = stage_after_first_factor(role, user.totp_secret.is_some());
    let keys = SessionKeys::new()?;
    let object = user.id.to_string();
    let mut event = visitor.on_user(
        if stage == Stage::Full {
            "login"
        } else {
            "login_first_factor"
        },
        &object,
        what,
    );
    event.tenant_id = Some(state.tenant_id);
    event.actor_id = Some(user.id);
    event.actor_role = role.code();
    if let Some(old) = &visitor.principal {
        store::end_session(&state.db, &old.session_hash, None).await?;
    }
    store::start_session(
        &state.db,
        state.tenant_id,
        user.id,
        stage,
        &keys.row(visitor),
        attempt,
        &event,
    )
    .await?;
    Ok(match stage {
        Stage::Full if back.is_empty() => keys.redirect(landing(Some(role), stage)),
        Stage::Full => keys.redirect(&safe_return(back)),
        other => keys.redirect(step_path(other)),
    })
}

/// The signed-in user's own account row ("not found" if it is gone).
pub(crate) async fn own_user(state: &AppState, p: &Principal) -> AppResult<User> {
    store::user(&state.db, state.tenant_id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A message page of the account area, answered with `status`: a title (also the heading
/// unless `heading` differs), its paragraphs and one link on.
pub(crate) fn message(
    state: &AppState,
    visitor: &Visitor,
    (title, heading): (&str, &str),
    paragraphs: Vec<String>,
    (href, label): (&str, &str),
    status: StatusCode,
) -> AppResult<Response> {
    page(
        MessageView {
            layout: layout(state, visitor, title, ""),
            heading: heading.to_owned(),
            paragraphs,
            link: Some((href.to_owned(), label.to_owned())),
        },
        status,
    )
}

/// The user a single-use link of this purpose belongs to, while it is valid.
pub(crate) async fn link_user(
    state: &AppState,
    token: &str,
    purpose: passend_domain::accounts::TokenPurpose,
) -> AppResult<Option<User>> {
    let hash = passend_domain::accounts::token_hash(token);
    Ok(store::token_user(&state.db, state.tenant_id, &hash, purpose, Utc::now()).await?)
}
