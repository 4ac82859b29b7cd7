//! Sessions, the guard and CSRF protection.
//!
//! Every request to a route passes [`guard`]: it looks the route up in the [`crate::policy`] table
//! (a route without an entry is refused), reads the session only when the route is not public,
//! decides, checks the anti-CSRF token of every state-changing request, and hands the handler a
//! [`Visitor`]. Sessions live in the database (`passend_store::accounts`); the cookie holds a
//! random token whose SHA-256 is the session's key.

use crate::AppState;
use crate::error::{AppError, ErrorPage};
use crate::policy::{self, Access, Decision};
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use passend_domain::accounts::{Role, SessionPolicy, Stage, Throttle, token_hash};
use passend_store::accounts as store;
use passend_store::audit::{Event, Outcome};
use std::net::SocketAddr;
use std::sync::Arc;
use subtle::ConstantTimeEq;

/// The session cookie. `__Host-`: only over https (or on localhost), for this host, path `/`.
pub const SESSION_COOKIE: &str = "__Host-passend-sessie";
/// The cookie that carries the anti-CSRF token of forms shown before signing in.
pub const FORM_COOKIE: &str = "__Host-passend-formulier";
/// The form field with the anti-CSRF token.
pub const CSRF_FIELD: &str = "_csrf";
/// The largest form body read (a page of 100,000 characters fits; uploads come with their own
/// limits later).
pub const MAX_FORM_BYTES: usize = 1024 * 1024;
/// The routes that take a file (`multipart/form-data`).
pub const UPLOAD_ROUTES: &[&str] = &[
    "/leerlingen/{id}/documenten",
    "/ouders/kinderen/{id}/documenten",
    "/ouders/aanvragen/{id}/zienswijze",
];
/// The largest upload form (a file of at most 20 MiB and a few fields).
pub const MAX_UPLOAD_BYTES: usize = passend_domain::documents::MAX_FILE_BYTES + 1024 * 1024;

/// Uploads one user may have being read at once: one account cannot take every place.
pub const UPLOADS_PER_USER: usize = 2;

/// The places for uploads being read: a number at once (each holds up to 20 MiB in memory),
/// and at most [`UPLOADS_PER_USER`] of them for one user.
#[derive(Debug)]
pub struct UploadPlaces {
    at_once: Arc<tokio::sync::Semaphore>,
    per_user: std::sync::Mutex<std::collections::HashMap<i64, usize>>,
}

/// A user's share of the places, given back when dropped.
struct UserShare {
    of: Arc<UploadPlaces>,
    user: i64,
}

impl Drop for UserShare {
    fn drop(&mut self) {
        let mut m = self
            .of
            .per_user
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(n) = m.get_mut(&self.user) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                m.remove(&self.user);
            }
        }
    }
}

/// An upload's place; the body may be read while it is held.
pub struct UploadPlace {
    _share: UserShare,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl UploadPlaces {
    /// `at_once` places in all.
    pub fn new(at_once: usize) -> Arc<UploadPlaces> {
        Arc::new(UploadPlaces {
            at_once: Arc::new(tokio::sync::Semaphore::new(at_once.max(1))),
            per_user: std::sync::Mutex::new(std::collections::HashMap::new()),
        })
    }

    /// A place for `user`: counted against the user's share first (atomically), then waited
    /// for up to `wait`. `None`: the user has their share already, or it stayed too busy.
    pub async fn take(
        self: &Arc<Self>,
        user: i64,
        wait: std::time::Duration,
    ) -> Option<UploadPlace> {
        {
            let mut m = self
                .per_user
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let n = m.entry(user).or_insert(0);
            if *n >= UPLOADS_PER_USER {
                return None;
            }
            *n += 1;
        }
        let share = UserShare {
            of: self.clone(),
            user,
        };
        let permit = tokio::time::timeout(wait, self.at_once.clone().acquire_owned())
            .await
            .ok()?
            .ok()?;
        Some(UploadPlace {
            _share: share,
            _permit: permit,
        })
    }
}

/// Header on the guard's own redirects, saying why (`sign-in`, `step`, `signed-in`). Refusals
/// carry nothing: they look exactly like "not found".
pub const GUARD_HEADER: &str = "x-passend-guard";
const GUARD_SIGN_IN: &str = "sign-in";
const GUARD_STEP: &str = "step";
const GUARD_SIGNED_IN: &str = "signed-in";

/// Settings of signing in.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    /// Password hashing.
    pub passwords: crate::passwords::Passwords,
    /// Session lifetimes.
    pub sessions: SessionPolicy,
    /// Failed sign-ins per account.
    pub per_account: Throttle,
    /// Failed sign-ins per network address (higher: a school shares one address).
    pub per_address: Throttle,
    /// Whether to take the client address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_proxy: bool,
    /// Demo mode: demo accounts exist and the site says so on every page.
    pub demo: bool,
}

/// A signed-in user (in any stage).
#[derive(Debug, Clone)]
pub struct Principal {
    /// User id.
    pub user_id: i64,
    /// Samenwerkingsverband.
    pub tenant_id: i64,
    /// Role.
    pub role: Role,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Sign-in stage.
    pub stage: Stage,
    /// SHA-256 of the cookie token.
    pub session_hash: String,
    /// The session's public id.
    pub public_id: String,
}

/// Who is asking, as a handler sees it.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The signed-in user, if any.
    pub principal: Option<Principal>,
    /// The anti-CSRF token to put in forms.
    pub csrf: String,
    /// Network address.
    pub origin: String,
    /// Browser (shortened), for the session list.
    pub user_agent: String,
    /// Correlation id.
    pub request_id: String,
}

impl Visitor {
    /// A successful action on a user account, `object` its id as text.
    pub fn on_user<'a>(&'a self, action: &'a str, object: &'a str, detail: &'a str) -> Event<'a> {
        self.event(action, "gebruiker", object, Outcome::Success, detail)
    }

    /// An audit event by this visitor.
    pub fn event<'a>(
        &'a self,
        action: &'a str,
        object_type: &'a str,
        object_id: &'a str,
        outcome: Outcome,
        detail: &'a str,
    ) -> Event<'a> {
        Event {
            tenant_id: self.principal.as_ref().map(|p| p.tenant_id),
            actor_id: self.principal.as_ref().map(|p| p.user_id),
            actor_role: self
                .principal
                .as_ref()
                .map(|p| p.role.code())
                .unwrap_or("anoniem"),
            on_behalf_of: None,
            action,
            object_type,
            object_id,
            pupil_id: None,
            outcome,
            origin: &self.origin,
            request_id: &self.request_id,
            detail,
        }
    }

    /// The signed-in user; "not found" when there is none (the guard prevents that).
    pub fn signed_in(&self) -> Result<&Principal, AppError> {
        self.principal.as_ref().ok_or(AppError::NotFound)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = AppError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Visitor>()
            .cloned()
            .ok_or_else(|| AppError::Internal("no visitor: route not guarded".to_owned()))
    }
}

/// The correlation id of a request (set by the context middleware).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// 32 random bytes as hex: session tokens, CSRF tokens, link tokens.
pub fn random_token() -> Result<String, AppError> {
    random_hex(32)
}

/// `n` random bytes as hex.
pub fn random_hex(n: usize) -> Result<String, AppError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AppError::Internal(format!("random: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Reads a cookie from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value for a `__Host-` cookie that lasts the browser session.
pub fn set_cookie(name: &str, value: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Secure; HttpOnly; SameSite=Lax"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A `Set-Cookie` value that removes a cookie.
pub fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The client's network address.
pub fn client_address(request: &Request, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(forwarded) = request
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
    {
        return forwarded.trim().chars().take(45).collect();
    }
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_else(|| "-".to_owned())
}

/// The session of a request, when its cookie names a live one. Ends sessions that timed out.
async fn load_principal(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(Option<Principal>, Option<String>, bool), AppError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok((None, None, false));
    };
    let hash = token_hash(token);
    let Some(s) = store::session(&state.db, &hash).await? else {
        return Ok((None, None, true));
    };
    let now = Utc::now();
    let since_start = (now - s.created_at).to_std().unwrap_or_default();
    let since_use = (now - s.last_seen_at).to_std().unwrap_or_default();
    let role = Role::from_code(&s.role);
    let stage = Stage::from_code(&s.stage);
    let live = state.auth.sessions.holds(since_start, since_use)
        && s.status == "active"
        && s.tenant_id == state.tenant_id
        && (state.auth.demo || !s.email.ends_with(crate::DEMO_DOMAIN));
    let (Some(role), Some(stage), true) = (role, stage, live) else {
        store::end_session(&state.db, &hash, None).await?;
        return Ok((None, None, true));
    };
    if since_use.as_secs() >= 60 {
        store::touch_session(&state.db, &hash, now).await?;
    }
    let csrf = s.csrf_token.clone();
    Ok((
        Some(Principal {
            user_id: s.user_id,
            tenant_id: s.tenant_id,
            role,
            name: s.name,
            email: s.email,
            stage,
            session_hash: s.id_hash,
            public_id: s.public_id,
        }),
        Some(csrf),
        false,
    ))
}

pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
    // Fetch metadata first: browsers send it on every request (ASVS 50.2).
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    // Else the Origin header, when present, must name this host.
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let rest = origin
                .strip_prefix("https://")
                .or_else(|| origin.strip_prefix("http://"));
            rest == Some(host)
        }
        (Some(_), None) => false,
        (None, _) => true,
    }
}

/// The value of one field of a URL-encoded form body.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    form_urlencoded::parse(body)
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// The boundary of a `multipart/form-data` body, if the request has one.
pub fn multipart_boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let (kind, rest) = ct.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    rest.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.eq_ignore_ascii_case("boundary")
            .then(|| v.trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 200)
    })
}

/// The anti-CSRF token of a `multipart/form-data` body: the first part, which must be the field
/// `name` (the upload form puts it first). Only the first 4 KiB are looked at, so a large or
/// hostile body costs nothing to check.
pub fn multipart_field(body: &[u8], boundary: &str, name: &str) -> Option<String> {
    let head = &body[..body.len().min(4096)];
    let opening = format!("--{boundary}\r\n");
    let rest = head.strip_prefix(opening.as_bytes())?;
    let headers_end = find(rest, b"\r\n\r\n")?;
    let headers = std::str::from_utf8(&rest[..headers_end]).ok()?;
    let wanted = format!("name=\"{name}\"");
    let is_field = headers.lines().any(|l| {
        l.to_ascii_lowercase().starts_with("content-disposition:")
            && l.split(';').any(|p| p.trim() == wanted)
    });
    if !is_field {
        return None;
    }
    let content = &rest[headers_end + 4..];
    let end = find(content, format!("\r\n--{boundary}").as_bytes())?;
    std::str::from_utf8(&content[..end]).ok().map(str::to_owned)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn tokens_match(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Where a user goes once a sign-in step is done: parents to their portal, staff to their start
/// page "Vandaag" (or the step still to finish, if any).
pub fn landing(role: Option<Role>, stage: Stage) -> &'static str {
    match (role, stage) {
        (Some(Role::Ouder), Stage::Full) => "/ouders",
        (Some(_), Stage::Full) => "/vandaag",
        _ => step_path(stage),
    }
}

/// Where the second or enrolment step lives.
pub fn step_path(stage: Stage) -> &'static str {
    match stage {
        Stage::SecondFactor => "/inloggen/code",
        Stage::Enroll => "/account/tweestapsverificatie",
        Stage::Full => "/account",
    }
}

fn forbidden() -> Response {
    let mut r = StatusCode::FORBIDDEN.into_response();
    r.extensions_mut().insert(ErrorPage);
    r
}

/// The guard: policy, session, CSRF. See the module documentation.
pub async fn guard(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match guard_inner(state, request, next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn guard_inner(
    state: AppState,
    mut request: Request,
    next: Next,
) -> Result<Response, AppError> {
    let method = request.method().clone();
    // An upload's place, held until the handler is done with its bytes.
    let mut upload_place: Option<UploadPlace> = None;
    let Some(path) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
    else {
        // No route matched: the fallback answers 404.
        return Ok(next.run(request).await);
    };
    let Some(access) = policy::lookup(method.as_str(), &path) else {
        if policy::POLICY.iter().any(|(_, p, _)| *p == path) {
            // A method the route does not have: the router answers 405 without a handler
            // (the route-coverage test keeps every handler in the table).
            return Ok(next.run(request).await);
        }
        tracing::error!(%method, route = %path, "route without a policy entry: refused");
        return Err(AppError::NotFound);
    };
    if access == Access::Public {
        return Ok(next.run(request).await);
    }
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_else(|| "-".to_owned());
    let origin = client_address(&request, state.auth.trust_proxy);
    let user_agent: String = request
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .chars()
        .take(120)
        .collect();
    let (principal, session_csrf, stale_cookie) = load_principal(&state, request.headers()).await?;
    let decision = policy::decide(access, principal.as_ref().map(|p| (p.role, p.stage)));
    let mut visitor = Visitor {
        principal,
        csrf: String::new(),
        origin,
        user_agent,
        request_id,
    };
    let back = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let early = match decision {
        Decision::Allow => None,
        Decision::SignIn => {
            let expired = if stale_cookie { "&verlopen=1" } else { "" };
            let target = if method == Method::GET {
                format!("/inloggen?terug={}{expired}", encode(&back))
            } else {
                format!("/inloggen?{}", expired.trim_start_matches('&'))
            };
            Some((GUARD_SIGN_IN, Redirect::to(&target).into_response()))
        }
        Decision::FinishStep(stage) => {
            Some((GUARD_STEP, Redirect::to(step_path(stage)).into_response()))
        }
        Decision::SignedInAlready => {
            let home = landing(visitor.principal.as_ref().map(|p| p.role), Stage::Full);
            Some((GUARD_SIGNED_IN, Redirect::to(home).into_response()))
        }
        Decision::Deny => {
            let event = visitor.event("access", "route", &path, Outcome::Denied, method.as_str());
            passend_store::audit::append(&state.db, &event).await?;
            tracing::info!(route = %path, "access denied");
            return Err(AppError::NotFound);
        }
    };
    if let Some((why, mut response)) = early {
        no_store(&mut response);
        response
            .headers_mut()
            .insert(GUARD_HEADER, HeaderValue::from_static(why));
        if stale_cookie {
            response
                .headers_mut()
                .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
        }
        return Ok(response);
    }

    // The token forms carry: the session's, or before sign-in one in its own cookie.
    let mut new_form_cookie = None;
    visitor.csrf = match (&session_csrf, cookie(request.headers(), FORM_COOKIE)) {
        (Some(t), _) => t.clone(),
        (None, Some(t)) if t.len() == 64 && t.chars().all(|c| c.is_ascii_hexdigit()) => {
            t.to_owned()
        }
        (None, _) => {
            let t = random_token()?;
            new_form_cookie = Some(t.clone());
            t
        }
    };

    if method != Method::GET && method != Method::HEAD {
        if !same_origin(request.headers()) {
            tracing::info!(route = %path, "cross-site form refused");
            return Ok(forbidden());
        }
        // Only the upload form of a signed-in user may send a file; every other form is small.
        let boundary = multipart_boundary(request.headers())
            .filter(|_| visitor.principal.is_some() && UPLOAD_ROUTES.contains(&path.as_str()));
        let limit = if boundary.is_some() {
            MAX_UPLOAD_BYTES
        } else {
            MAX_FORM_BYTES
        };
        // An upload waits for a place before its body is read (each holds up to 20 MiB in
        // memory); the place is kept until the handler is done with the bytes.
        if let (Some(_), Some(p)) = (&boundary, &visitor.principal) {
            match state.uploads.take(p.user_id, state.http.upload_wait).await {
                Some(place) => upload_place = Some(place),
                None => return Err(AppError::Busy),
            }
        }
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, limit).await.map_err(|e| {
            // An upload held to a minimum rate that stalled is no size problem.
            if std::error::Error::source(&e)
                .is_some_and(|s| s.downcast_ref::<crate::serve::TooSlow>().is_some())
                || e.to_string().contains("te traag")
            {
                AppError::SlowUpload
            } else {
                AppError::TooLarge
            }
        })?;
        let sent = match &boundary {
            Some(b) => multipart_field(&bytes, b, CSRF_FIELD),
            None => form_field(&bytes, CSRF_FIELD),
        }
        .unwrap_or_default();
        if new_form_cookie.is_some() || !tokens_match(&sent, &visitor.csrf) {
            tracing::info!(route = %path, "form without a valid anti-CSRF token refused");
            return Ok(forbidden());
        }
        request = Request::from_parts(parts, Body::from(bytes));
    }

    request.extensions_mut().insert(visitor);
    let mut response = next.run(request).await;
    drop(upload_place);
    no_store(&mut response);
    if let Some(t) = new_form_cookie {
        response
            .headers_mut()
            .append(header::SET_COOKIE, set_cookie(FORM_COOKIE, &t));
    }
    // A stale session cookie is cleared, unless the handler just set a new one (signing in from
    // a tab whose session had expired): clearing it in the same response would undo the sign-in.
    if stale_cookie && !sets_cookie(&response, SESSION_COOKIE) {
        response
            .headers_mut()
            .append(header::SET_COOKIE, clear_cookie(SESSION_COOKIE));
    }
    Ok(response)
}

/// Whether a response sets this cookie.
fn sets_cookie(response: &Response, name: &str) -> bool {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split('=').next() == Some(name))
}

fn no_store(response: &mut Response) {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

/// Percent-encodes a path for a query value.
pub fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A local path to return to after signing in; anything else becomes `/account`.
pub fn safe_return(target: &str) -> String {
    let ok = target.starts_with('/')
        && !target.starts_with("//")
        && !target.contains('\\')
        && !target.chars().any(|c| c.is_control())
        && target.len() <= 500;
    if ok {
        target.to_owned()
    } else {
        "/account".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_paths_stay_on_this_site() {
        assert_eq!(safe_return("/beheer?x=1"), "/beheer?x=1");
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "beheer",
        ] {
            assert_eq!(safe_return(bad), "/account", "{bad}");
        }
    }

    #[test]
    fn the_token_of_an_upload_is_its_first_part() {
        let body = b"--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--xyz\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"a.pdf\"\r\n\r\n%PDF-\r\n--xyz--\r\n";
        assert_eq!(
            multipart_field(body, "xyz", "_csrf").as_deref(),
            Some("abc123")
        );
        // Not first, or another name: no token.
        let later = b"--xyz\r\nContent-Disposition: form-data; name=\"soort\"\r\n\r\nopp\r\n--xyz\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--xyz--\r\n";
        assert_eq!(multipart_field(later, "xyz", "_csrf"), None);
        assert_eq!(multipart_field(b"", "xyz", "_csrf"), None);
        // A hostile body of one repeated byte is refused quickly.
        let hostile = vec![b'a'; 1_000_000];
        assert_eq!(multipart_field(&hostile, &"a".repeat(200), "_csrf"), None);
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=\"----abc\""),
        );
        assert_eq!(multipart_boundary(&h).as_deref(), Some("----abc"));
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        assert_eq!(multipart_boundary(&h), None);
    }

    #[test]
    fn cookies_and_origins() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; __Host-passend-sessie=abc"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "b"), None);
        h.insert(header::HOST, HeaderValue::from_static("passend.example"));
        assert!(same_origin(&h), "no Origin: a non-browser client");
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://passend.example"),
        );
        assert!(same_origin(&h));
        h.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(!same_origin(&h), "fetch metadata wins");
        assert!(
            tokens_match("abc", "abc") && !tokens_match("abc", "abd") && !tokens_match("abc", "ab")
        );
    }
}
