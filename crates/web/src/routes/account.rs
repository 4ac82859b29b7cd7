//! Signing in and out, invitations, password reset, the second factor, and one's own account
//! (sessions, password, recovery codes). Dutch only for now; formal "u".

use crate::AppState;
use crate::app::Routes;
use crate::auth::{
    SESSION_COOKIE, Visitor, clear_cookie, landing, random_hex, random_token, safe_return,
    set_cookie, step_path,
};
use crate::dates::when;
use crate::error::{AppError, AppResult};
use crate::forms::{Field, summary};
use crate::layout::MessageView;
use crate::layout::{AppLayout, layout};
use crate::links::send_link_later;
use crate::throttle::{account_key, address_key, second_factor_key};
use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use passend_domain::accounts::{
    PasswordProblem, Role, Stage, TokenPurpose, check_password, normalize_email,
    stage_after_first_factor, token_hash, valid_email,
};
use passend_domain::totp;
use passend_store::accounts::{self as store, NewSession, SecondFactor, TokenUse, User};
use passend_store::audit::Outcome;
use serde::Deserialize;

/// The routes of this area.
pub fn router() -> Routes {
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

// ---------------------------------------------------------------------------------------------
// Helpers

/// The keys of a new session: the cookie token and what the database keeps.
struct SessionKeys {
    token: String,
    id_hash: String,
    public_id: String,
    csrf: String,
}

impl SessionKeys {
    fn new() -> AppResult<SessionKeys> {
        let token = random_token()?;
        Ok(SessionKeys {
            id_hash: token_hash(&token),
            token,
            public_id: random_hex(8)?,
            csrf: random_token()?,
        })
    }

    fn row<'a>(&'a self, visitor: &'a Visitor) -> NewSession<'a> {
        NewSession {
            id_hash: &self.id_hash,
            public_id: &self.public_id,
            csrf_token: &self.csrf,
            user_agent: &visitor.user_agent,
            origin: &visitor.origin,
        }
    }

    /// A redirect that sets the session cookie.
    fn redirect(&self, to: &str) -> Response {
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
async fn take_attempt(
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
async fn mail_throttled(
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
async fn record_failure(
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

fn too_many(
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

fn page(view: impl Template, status: StatusCode) -> AppResult<Response> {
    Ok((status, Html(view.render()?)).into_response())
}

fn password_error(problem: PasswordProblem) -> String {
    problem.message_nl().to_owned()
}

/// Checks a new password and its repetition; sets the fields' messages.
fn check_new_password(password: &mut Field, repeat: &mut Field, email: &str, name: &str) -> bool {
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
async fn after_first_factor(
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
    let mut event = visitor.event(
        if stage == Stage::Full {
            "login"
        } else {
            "login_first_factor"
        },
        "gebruiker",
        &object,
        Outcome::Success,
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

// ---------------------------------------------------------------------------------------------
// Views

#[derive(Template)]
#[template(path = "app/login.html")]
struct LoginView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    email: Field,
    password: Field,
    back: String,
}

#[derive(Template)]
#[template(path = "app/code.html")]
struct CodeView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    code: Field,
    demo_code: Option<String>,
}

#[derive(Template)]
#[template(path = "app/email_form.html")]
struct EmailFormView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    intro: &'static str,
    action: &'static str,
    button: &'static str,
    email: Field,
}

#[derive(Template)]
#[template(path = "app/confirm.html")]
struct ConfirmView {
    layout: AppLayout,
    text: &'static str,
    action: String,
    button: &'static str,
}

#[derive(Template)]
#[template(path = "app/new_password.html")]
struct NewPasswordView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    intro: String,
    action: String,
    email: String,
    current: Option<Field>,
    password: Field,
    repeat: Field,
    button: &'static str,
}

#[derive(Template)]
#[template(path = "app/enroll.html")]
struct EnrollView {
    layout: AppLayout,
    errors: Vec<(String, String)>,
    qr_svg: String,
    secret_groups: String,
    code: Field,
}

#[derive(Template)]
#[template(path = "app/recovery.html")]
struct RecoveryView {
    layout: AppLayout,
    codes: Vec<String>,
    /// New codes replacing earlier ones (not the first set).
    renewed: bool,
}

struct SessionLine {
    public_id: String,
    current: bool,
    unfinished: bool,
    started: String,
    last_seen: String,
    user_agent: String,
    origin: String,
}

#[derive(Template)]
#[template(path = "app/account.html")]
struct AccountView {
    layout: AppLayout,
    name: String,
    email: String,
    role: &'static str,
    schools: Vec<String>,
    needs_totp: bool,
    has_totp: bool,
    recovery_left: i64,
    sessions: Vec<SessionLine>,
}

// ---------------------------------------------------------------------------------------------
// Sign in

#[derive(Debug, Deserialize)]
struct LoginQuery {
    #[serde(default)]
    terug: String,
    #[serde(default)]
    uitgelogd: Option<String>,
    #[serde(default)]
    verlopen: Option<String>,
}

async fn login_form(
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
struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    terug: String,
}

async fn login(
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

async fn code_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
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
async fn demo_code(state: &AppState, visitor: &Visitor) -> AppResult<Option<String>> {
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
struct CodeForm {
    #[serde(default)]
    code: String,
}

async fn code(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let user = store::user(&state.db, state.tenant_id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
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
            let event = visitor.event("login", "gebruiker", &object, Outcome::Success, detail);
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

// ---------------------------------------------------------------------------------------------
// Sign-in link (parents)

/// A form that asks for an e-mail address and sends a link: the parents' sign-in link and the
/// password reset work the same way.
struct LinkForm {
    title: &'static str,
    intro: &'static str,
    action: &'static str,
    purpose: TokenPurpose,
    /// What the mail holds, for the "kijk in uw e-mail" page.
    what: &'static str,
}

const SIGN_IN_LINK: LinkForm = LinkForm {
    title: "Inloggen met een link",
    intro: "Bent u ouder of verzorger? Dan kunt u inloggen zonder wachtwoord. Vul uw e-mailadres in. U krijgt dan een e-mail met een link om in te loggen.",
    action: "/inloggen/link",
    purpose: TokenPurpose::SignInLink,
    what: "een link om in te loggen",
};

const PASSWORD_RESET: LinkForm = LinkForm {
    title: "Wachtwoord vergeten",
    intro: "Vul het e-mailadres van uw account in. U krijgt dan een e-mail met een link om een nieuw wachtwoord te kiezen.",
    action: "/wachtwoord-vergeten",
    purpose: TokenPurpose::PasswordReset,
    what: "een link om een nieuw wachtwoord te kiezen",
};

fn link_form_page(
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

async fn link_form(
    State(state): State<AppState>,
    visitor: Visitor,
    f: &'static LinkForm,
) -> AppResult<Response> {
    link_form_page(&state, &visitor, f, Field::default(), StatusCode::OK)
}

async fn link_request(
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
struct EmailForm {
    #[serde(default)]
    email: String,
}

fn check_email_field(raw: &str) -> (String, Field) {
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

fn sent_view(state: &AppState, visitor: &Visitor, what: &str) -> AppResult<Response> {
    page(
        MessageView {
            layout: layout(state, visitor, "Kijk in uw e-mail", ""),
            heading: "Kijk in uw e-mail".to_owned(),
            paragraphs: vec![
                format!("Als dit e-mailadres bij ons bekend is, ontvangt u binnen een paar minuten een e-mail met {what}."),
                "Geen e-mail gekregen? Kijk ook in de map met ongewenste e-mail. Of vraag de school of het samenwerkingsverband om hulp.".to_owned(),
            ],
            link: Some(("/inloggen".to_owned(), "Terug naar inloggen".to_owned())),
        },
        StatusCode::OK,
    )
}

async fn link_confirm_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let user = store::token_user(
        &state.db,
        state.tenant_id,
        &token_hash(&token),
        TokenPurpose::SignInLink,
        Utc::now(),
    )
    .await?;
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

fn expired_link(
    state: &AppState,
    visitor: &Visitor,
    href: &str,
    label: &str,
) -> AppResult<Response> {
    page(
        MessageView {
            layout: layout(state, visitor, "Deze link werkt niet meer", ""),
            heading: "Deze link werkt niet meer".to_owned(),
            paragraphs: vec![
                "De link is al gebruikt of verlopen. Een link werkt maar één keer en maar een beperkte tijd.".to_owned(),
            ],
            link: Some((href.to_owned(), label.to_owned())),
        },
        StatusCode::GONE,
    )
}

async fn link_confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let keys = SessionKeys::new()?;
    let event = visitor.event(
        "login_link",
        "gebruiker",
        "-",
        Outcome::Success,
        "sign_in_link",
    );
    let mut event = event;
    event.tenant_id = Some(state.tenant_id);
    if let Some(old) = &visitor.principal {
        store::end_session(&state.db, &old.session_hash, None).await?;
    }
    match store::use_token(
        &state.db,
        state.tenant_id,
        &token_hash(&token),
        TokenPurpose::SignInLink,
        &TokenUse::SignIn,
        &keys.row(&visitor),
        &event,
    )
    .await?
    {
        Some((u, stage)) => Ok(keys.redirect(landing(u.role(), stage))),
        None => expired_link(
            &state,
            &visitor,
            "/inloggen/link",
            "Vraag een nieuwe link aan",
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Invitation and password reset

#[allow(clippy::too_many_arguments)]
fn new_password_view(
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

async fn invitation_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let Some(user) = store::token_user(
        &state.db,
        state.tenant_id,
        &token_hash(&token),
        TokenPurpose::Invitation,
        Utc::now(),
    )
    .await?
    else {
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

fn invitation_intro(state: &AppState, user: &User) -> String {
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
struct NewPasswordForm {
    #[serde(default)]
    huidig: String,
    #[serde(default)]
    wachtwoord: String,
    #[serde(default)]
    herhaling: String,
}

async fn invitation(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    set_password_with_token(state, visitor, token, form, TokenPurpose::Invitation).await
}

async fn set_password_with_token(
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
    let keys = SessionKeys::new()?;
    let action_code = match purpose {
        TokenPurpose::Invitation => "invitation_accept",
        _ => "password_reset",
    };
    let object = user.id.to_string();
    let mut event = visitor.event(action_code, "gebruiker", &object, Outcome::Success, "");
    event.tenant_id = Some(state.tenant_id);
    if let Some(old) = &visitor.principal {
        store::end_session(&state.db, &old.session_hash, None).await?;
    }
    match store::use_token(
        &state.db,
        state.tenant_id,
        &hash,
        purpose,
        &TokenUse::SetPassword(&new_hash, &account_key(state.tenant_id, &user.email)),
        &keys.row(&visitor),
        &event,
    )
    .await?
    {
        Some((u, stage)) => Ok(keys.redirect(landing(u.role(), stage))),
        None => expired_link(&state, &visitor, back_href, back_label),
    }
}

const RESET_INTRO: &str = "Kies een nieuw wachtwoord van minstens 8 tekens. Een zin van een paar woorden is sterk en goed te onthouden. Na het opslaan bent u op andere apparaten uitgelogd.";

async fn reset_form(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let Some(user) = store::token_user(
        &state.db,
        state.tenant_id,
        &token_hash(&token),
        TokenPurpose::PasswordReset,
        Utc::now(),
    )
    .await?
    else {
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

async fn reset(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    set_password_with_token(state, visitor, token, form, TokenPurpose::PasswordReset).await
}

// ---------------------------------------------------------------------------------------------
// Sign out

async fn logout(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let object = p.user_id.to_string();
    let event = visitor.event("logout", "gebruiker", &object, Outcome::Success, "");
    store::end_session(&state.db, &p.session_hash, Some(&event)).await?;
    let mut r = Redirect::to("/inloggen?uitgelogd=1").into_response();
    r.headers_mut()
        .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    Ok(r)
}

// ---------------------------------------------------------------------------------------------
// Second factor

fn qr_svg(uri: &str) -> String {
    match qrcode::QrCode::with_error_correction_level(uri.as_bytes(), qrcode::EcLevel::M) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(200, 200)
            .quiet_zone(true)
            .dark_color(qrcode::render::svg::Color("#000000"))
            .light_color(qrcode::render::svg::Color("#ffffff"))
            .build()
            .replacen("<?xml version=\"1.0\" standalone=\"yes\"?>", "", 1)
            .replacen(
                "<svg ",
                "<svg role=\"img\" aria-label=\"QR-code om de app te koppelen\" ",
                1,
            ),
        Err(_) => String::new(),
    }
}

fn grouped(secret: &str) -> String {
    secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

async fn enroll_view(
    state: &AppState,
    visitor: &Visitor,
    user: &User,
    code: Field,
) -> AppResult<EnrollView> {
    let secret = match &user.totp_pending {
        Some(s) => s.clone(),
        None => {
            let mut bytes = [0u8; totp::SECRET_BYTES];
            getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
            let s = totp::base32_encode(&bytes);
            store::set_totp_pending(&state.db, user.id, &s).await?;
            s
        }
    };
    let uri = totp::otpauth_uri(&state.site_name, &user.email, &secret);
    let errors = summary(&[("code", &code)]);
    Ok(EnrollView {
        layout: layout(
            state,
            visitor,
            "Tweestapsverificatie instellen",
            "/account/tweestapsverificatie",
        ),
        errors,
        qr_svg: qr_svg(&uri),
        secret_groups: grouped(&secret),
        code,
    })
}

async fn enroll_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let user = store::user(&state.db, state.tenant_id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.totp_secret.is_some() {
        return page(
            MessageView {
                layout: layout(&state, &visitor, "Tweestapsverificatie", "/account/tweestapsverificatie"),
                heading: "Tweestapsverificatie staat aan".to_owned(),
                paragraphs: vec![
                    "U logt in met uw wachtwoord en een code uit de app op uw telefoon. Heeft u een nieuwe telefoon? Log dan in met een herstelcode en vraag de beheerder om de tweestapsverificatie opnieuw in te stellen.".to_owned(),
                ],
                link: Some(("/account".to_owned(), "Naar mijn account".to_owned())),
            },
            StatusCode::OK,
        );
    }
    page(
        enroll_view(&state, &visitor, &user, Field::default()).await?,
        StatusCode::OK,
    )
}

async fn enroll(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<CodeForm>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let user = store::user(&state.db, state.tenant_id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(pending) = user.totp_pending.clone() else {
        return Ok(Redirect::to("/account/tweestapsverificatie").into_response());
    };
    let step = totp::base32_decode(&pending)
        .and_then(|s| totp::verify(&s, &form.code, Utc::now().timestamp(), None));
    let Some(step) = step else {
        let mut code = Field::default();
        code.error = Some(if form.code.trim().is_empty() {
            "Vul de code van 6 cijfers uit uw app in.".to_owned()
        } else {
            "Deze code klopt niet. Kijk of de app het account van Passend toont en typ de code die er nu staat.".to_owned()
        });
        return page(
            enroll_view(&state, &visitor, &user, code).await?,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let codes = new_codes()?;
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| token_hash(&totp::normalize_recovery_code(c)))
        .collect();
    let keys = SessionKeys::new()?;
    let object = user.id.to_string();
    let event = visitor.event("totp_enroll", "gebruiker", &object, Outcome::Success, "");
    let ok = store::confirm_totp(
        &state.db,
        user.id,
        &pending,
        step,
        &hashes,
        &p.session_hash,
        &keys.row(&visitor),
        &event,
    )
    .await?;
    if !ok {
        return Ok(Redirect::to("/account/tweestapsverificatie").into_response());
    }
    // The codes are shown once, on this response; the new session cookie comes with it.
    let mut visitor = visitor;
    visitor.csrf = keys.csrf.clone();
    if let Some(pr) = visitor.principal.as_mut() {
        pr.stage = Stage::Full;
    }
    let mut r = page(
        RecoveryView {
            layout: layout(&state, &visitor, "Uw herstelcodes", ""),
            codes,
            renewed: false,
        },
        StatusCode::OK,
    )?;
    r.headers_mut()
        .append(header::SET_COOKIE, set_cookie(SESSION_COOKIE, &keys.token));
    Ok(r)
}

fn new_codes() -> AppResult<Vec<String>> {
    (0..totp::RECOVERY_CODES)
        .map(|_| {
            let mut b = [0u8; 10];
            getrandom::fill(&mut b).map_err(|e| AppError::Internal(format!("random: {e}")))?;
            Ok(totp::recovery_code(&b))
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Own account

async fn account(
    State(state): State<AppState>,
    visitor: Visitor,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let user = store::user(&state.db, state.tenant_id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let schools = store::user_locations(&state.db, user.id)
        .await?
        .into_iter()
        .map(|l| {
            format!(
                "{} ({}, {})",
                l.name,
                l.code,
                crate::map::title_case(&l.place)
            )
        })
        .collect();
    let sessions = store::sessions_of(&state.db, user.id)
        .await?
        .into_iter()
        .map(|s| SessionLine {
            current: s.id_hash == p.session_hash,
            unfinished: s.stage != "full",
            public_id: s.public_id,
            started: when(s.created_at),
            last_seen: when(s.last_seen_at),
            user_agent: browser_name(&s.user_agent),
            origin: s.origin,
        })
        .collect();
    let mut l = layout(&state, &visitor, "Mijn account", "/account");
    l.notice = q.notice();
    page(
        AccountView {
            layout: l,
            name: user.name.clone(),
            email: user.email.clone(),
            role: p.role.label_nl(),
            schools,
            needs_totp: p.role.needs_second_factor(),
            has_totp: user.totp_secret.is_some(),
            recovery_left: store::recovery_codes_left(&state.db, user.id).await?,
            sessions,
        },
        StatusCode::OK,
    )
}

/// A short name for a browser, from its user agent.
fn browser_name(ua: &str) -> String {
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        "Onbekende browser"
    };
    let system = if ua.contains("Android") {
        " op Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        " op iOS"
    } else if ua.contains("Windows") {
        " op Windows"
    } else if ua.contains("Mac OS") {
        " op macOS"
    } else if ua.contains("Linux") {
        " op Linux"
    } else {
        ""
    };
    format!("{browser}{system}")
}

/// `?gedaan=…` after an action: which notice to show.
#[derive(Debug, Deserialize)]
pub struct NoticeQuery {
    #[serde(default)]
    gedaan: String,
}

impl NoticeQuery {
    fn notice(&self) -> Option<String> {
        match self.gedaan.as_str() {
            "wachtwoord" => {
                Some("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.".to_owned())
            }
            "sessie" => Some("De sessie is beëindigd.".to_owned()),
            "overal" => Some("U bent op alle andere apparaten uitgelogd.".to_owned()),
            _ => None,
        }
    }
}

async fn password_form(State(state): State<AppState>, visitor: Visitor) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    page(
        new_password_view(
            &state,
            &visitor,
            "Wachtwoord wijzigen",
            "Vul uw huidige wachtwoord in en kies een nieuw wachtwoord van minstens 8 tekens. Na het opslaan bent u op andere apparaten uitgelogd.".to_owned(),
            "/account/wachtwoord".to_owned(),
            p.email.clone(),
            (Some(Field::default()), Field::default(), Field::default()),
            "Wachtwoord opslaan",
        ),
        StatusCode::OK,
    )
}

async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?.clone();
    let user = store::user(&state.db, state.tenant_id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let account = account_key(state.tenant_id, &user.email);
    let address = address_key(&visitor);
    let attempt = match take_attempt(&state, &account, &address).await? {
        Ok(ids) => ids,
        Err(wait) => return too_many(&state, &visitor, wait, false),
    };
    let raw = form.wachtwoord.clone();
    let mut current = Field::default();
    let mut password = Field::of(form.wachtwoord);
    let mut repeat = Field::of(form.herhaling);
    let current_ok = state
        .auth
        .passwords
        .verify(user.password_hash.as_deref(), &form.huidig)
        .await?;
    let new_ok = check_new_password(&mut password, &mut repeat, &user.email, &user.name);
    if current_ok {
        store::forget_attempt(&state.db, &attempt).await?;
    } else {
        current.error = Some("Uw huidige wachtwoord klopt niet.".to_owned());
        record_failure(&state, &visitor, Some(&user), "password_change").await?;
    }
    if !current_ok || !new_ok {
        return page(
            new_password_view(
                &state,
                &visitor,
                "Wachtwoord wijzigen",
                "Vul uw huidige wachtwoord in en kies een nieuw wachtwoord van minstens 8 tekens. Na het opslaan bent u op andere apparaten uitgelogd.".to_owned(),
                "/account/wachtwoord".to_owned(),
                user.email.clone(),
                (Some(current), password, repeat),
                "Wachtwoord opslaan",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let hash = state.auth.passwords.hash(&raw).await?;
    let object = user.id.to_string();
    let event = visitor.event(
        "password_change",
        "gebruiker",
        &object,
        Outcome::Success,
        "",
    );
    store::set_password(&state.db, user.id, &hash, &p.session_hash, &event).await?;
    Ok(Redirect::to("/account?gedaan=wachtwoord").into_response())
}

async fn new_recovery_codes(
    State(state): State<AppState>,
    visitor: Visitor,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let user = store::user(&state.db, state.tenant_id, p.user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if user.totp_secret.is_none() {
        return Ok(Redirect::to("/account/tweestapsverificatie").into_response());
    }
    // New codes replace the old ones: ask for the password again first (ASVS re-authentication).
    let account = account_key(state.tenant_id, &user.email);
    let address = address_key(&visitor);
    let attempt = match take_attempt(&state, &account, &address).await? {
        Ok(ids) => ids,
        Err(wait) => return too_many(&state, &visitor, wait, false),
    };
    if state
        .auth
        .passwords
        .verify(user.password_hash.as_deref(), &form.huidig)
        .await?
    {
        store::forget_attempt(&state.db, &attempt).await?;
    } else {
        record_failure(&state, &visitor, Some(&user), "recovery_codes").await?;
        return page(
            MessageView {
                layout: layout(&state, &visitor, "Geen nieuwe herstelcodes", ""),
                heading: "Geen nieuwe herstelcodes gemaakt".to_owned(),
                paragraphs: vec![
                    "Het wachtwoord klopt niet. Uw herstelcodes zijn niet veranderd.".to_owned(),
                ],
                link: Some(("/account".to_owned(), "Terug naar mijn account".to_owned())),
            },
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let codes = new_codes()?;
    let hashes: Vec<String> = codes
        .iter()
        .map(|c| token_hash(&totp::normalize_recovery_code(c)))
        .collect();
    let object = user.id.to_string();
    let event = visitor.event(
        "recovery_codes_renew",
        "gebruiker",
        &object,
        Outcome::Success,
        "",
    );
    store::replace_recovery_codes(&state.db, user.id, &hashes, &event).await?;
    page(
        RecoveryView {
            layout: layout(&state, &visitor, "Uw herstelcodes", ""),
            codes,
            renewed: true,
        },
        StatusCode::OK,
    )
}

async fn end_session(
    State(state): State<AppState>,
    visitor: Visitor,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let event = visitor.event("logout_session", "sessie", &id, Outcome::Success, "");
    if !store::end_session_by_public_id(&state.db, p.user_id, &id, &event).await? {
        let denied = visitor.event("logout_session", "sessie", &id, Outcome::Denied, "not own");
        passend_store::audit::append(&state.db, &denied).await?;
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to("/account?gedaan=sessie").into_response())
}

async fn end_other_sessions(
    State(state): State<AppState>,
    visitor: Visitor,
) -> AppResult<Response> {
    let p = visitor.signed_in()?;
    let object = p.user_id.to_string();
    let event = visitor.event(
        "logout_everywhere",
        "gebruiker",
        &object,
        Outcome::Success,
        "",
    );
    store::end_other_sessions(&state.db, p.user_id, &p.session_hash, &event).await?;
    Ok(Redirect::to("/account?gedaan=overal").into_response())
}
