//! One's own account: sessions, password, recovery codes.

use crate::access::refused_to;
use crate::dates::when;
use crate::error::AppResult;
use crate::extract::SignedIn;
use crate::forms::Field;
use crate::layout::layout;
use crate::routes::account::*;
use crate::texts::staff;
use crate::throttle::{account_key, address_key};
use axum::Form;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use passend_store::accounts::{self as store};
use passend_store::audit::Outcome;
use serde::Deserialize;

pub(crate) async fn account(
    SignedIn { state, visitor, p }: SignedIn,
    Query(q): Query<NoticeQuery>,
) -> AppResult<Response> {
    let user = own_user(&state, &p).await?;
    let schools = store::user_locations(&state.db, user.id)
        .await?
        .into_iter()
        .map(|l| {
            format!(
                "{} ({}, {})",
                l.name,
                l.code,
                passend_domain::duo::place_name(&l.place)
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
pub(crate) fn browser_name(ua: &str) -> String {
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
pub(crate) struct NoticeQuery {
    #[serde(default)]
    pub(crate) gedaan: String,
}

impl NoticeQuery {
    pub(crate) fn notice(&self) -> Option<String> {
        staff::notice(staff::ACCOUNT, &self.gedaan)
    }
}

/// The form to change one's own password, with what was typed and its messages.
fn change_form(
    state: &AppState,
    visitor: &Visitor,
    email: String,
    fields: (Option<Field>, Field, Field),
    status: StatusCode,
) -> AppResult<Response> {
    let intro = "Vul uw huidige wachtwoord in en kies een nieuw wachtwoord van minstens 8 tekens. Na het opslaan bent u op andere apparaten uitgelogd.";
    let view = new_password_view(
        state,
        visitor,
        "Wachtwoord wijzigen",
        intro.to_owned(),
        "/account/wachtwoord".to_owned(),
        email,
        fields,
        "Wachtwoord opslaan",
    );
    page(view, status)
}

pub(crate) async fn password_form(SignedIn { state, visitor, p }: SignedIn) -> AppResult<Response> {
    let empty = (Some(Field::default()), Field::default(), Field::default());
    change_form(&state, &visitor, p.email.clone(), empty, StatusCode::OK)
}

pub(crate) async fn change_password(
    SignedIn { state, visitor, p }: SignedIn,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let user = own_user(&state, &p).await?;
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
        let fields = (Some(current), password, repeat);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return change_form(&state, &visitor, user.email.clone(), fields, status);
    }
    let hash = state.auth.passwords.hash(&raw).await?;
    let object = user.id.to_string();
    let event = visitor.on_user("password_change", &object, "");
    store::set_password(&state.db, user.id, &hash, &p.session_hash, &event).await?;
    Ok(Redirect::to("/account?gedaan=wachtwoord").into_response())
}

pub(crate) async fn new_recovery_codes(
    SignedIn { state, visitor, p }: SignedIn,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let user = own_user(&state, &p).await?;
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
        return message(
            &state,
            &visitor,
            (
                "Geen nieuwe herstelcodes",
                "Geen nieuwe herstelcodes gemaakt",
            ),
            vec!["Het wachtwoord klopt niet. Uw herstelcodes zijn niet veranderd.".to_owned()],
            ("/account", "Terug naar mijn account"),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    }
    let (codes, hashes) = new_codes()?;
    let object = user.id.to_string();
    let event = visitor.on_user("recovery_codes_renew", &object, "");
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

pub(crate) async fn end_session(
    SignedIn { state, visitor, p }: SignedIn,
    Path(id): Path<String>,
) -> AppResult<Response> {
    let event = visitor.event("logout_session", "sessie", &id, Outcome::Success, "");
    if !store::end_session_by_public_id(&state.db, p.user_id, &id, &event).await? {
        let why = "not own";
        return Err(refused_to(&state, &visitor, "logout_session", "sessie", &id, why).await);
    }
    Ok(Redirect::to("/account?gedaan=sessie").into_response())
}

pub(crate) async fn end_other_sessions(
    SignedIn { state, visitor, p }: SignedIn,
) -> AppResult<Response> {
    let object = p.user_id.to_string();
    let event = visitor.on_user("logout_everywhere", &object, "");
    store::end_other_sessions(&state.db, p.user_id, &p.session_hash, &event).await?;
    Ok(Redirect::to("/account?gedaan=overal").into_response())
}

pub(crate) struct SessionLine {
    pub(crate) public_id: String,
    pub(crate) current: bool,
    pub(crate) unfinished: bool,
    pub(crate) started: String,
    pub(crate) last_seen: String,
    pub(crate) user_agent: String,
    pub(crate) origin: String,
}

#[derive(Template)]
#[template(path = "account/own/account.html")]
pub(crate) struct AccountView {
    pub(crate) layout: AppLayout,
    pub(crate) name: String,
    pub(crate) email: String,
    pub(crate) role: &'static str,
    pub(crate) schools: Vec<String>,
    pub(crate) needs_totp: bool,
    pub(crate) has_totp: bool,
    pub(crate) recovery_left: i64,
    pub(crate) sessions: Vec<SessionLine>,
}
