//! The front: public responses answered again without the handler, like static files.
//!
//! A handler that answers with a kept body ([`crate::encoded::Encoded::respond`]) marks its
//! response with what the body was made from ([`Made`]). The front, outside every other layer,
//! keeps that body and the response's headers under the request's address. The same `GET`
//! again is then answered from the front in a lookup and a write, while everything the body was
//! made from is still current: the content and map caches asked the database within their
//! check interval (`PASSEND_CACHE_CHECK_MS`) and found the same stamp, and the day is the same.
//! Otherwise the request goes the whole way (which asks the database again and keeps the new
//! body here). Only responses without cookies are kept, and none that depend on who asks: the
//! handlers that mark them serve public routes.
//!
//! What a kept answer skips: the request log line (like a static file server without an access
//! log; these responses carry no personal data), the policy check (public routes), the
//! deadline and the compression layer (the body is already encoded). It keeps every header the
//! full path gave (the CSP, `X-Frame-Options`, HSTS, …) and gets its own `X-Request-Id` and a
//! `Server-Timing` that says `kept`.

use crate::AppState;
use crate::encoded::{KeptBody, Made};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Instant;

/// The most addresses kept; when full, all are dropped at once (a visitor who varies the query
/// string endlessly only empties the front; the bodies stay kept by the caches behind it).
const MAX_ENTRIES: usize = 8192;

/// The headers of a response that belong to its request, not to its body.
const PER_REQUEST: [HeaderName; 4] = [
    header::CONTENT_ENCODING,
    header::CONTENT_LENGTH,
    HeaderName::from_static("x-request-id"),
    HeaderName::from_static("server-timing"),
];

/// One kept answer.
#[derive(Debug)]
struct Entry {
    kept: KeptBody,
    headers: HeaderMap,
}

/// Kept answers by request address (path and query).
#[derive(Debug, Default)]
pub struct Front {
    entries: RwLock<HashMap<Box<str>, Arc<Entry>>>,
}

impl Front {
    /// An empty front.
    pub fn new() -> Front {
        Front::default()
    }

    fn find(&self, target: &str) -> Option<Arc<Entry>> {
        self.entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(target)
            .cloned()
    }

    fn keep(&self, target: String, entry: Entry) {
        let mut entries = self
            .entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if entries.len() >= MAX_ENTRIES && !entries.contains_key(target.as_str()) {
            entries.clear();
        }
        entries.insert(target.into_boxed_str(), Arc::new(entry));
    }
}

/// Whether everything a body was made from is still current, as far as the caches know without
/// asking the database.
fn current(state: &AppState, made: &Made) -> bool {
    made.content
        .is_none_or(|(lang, stamp)| state.cache.fresh_stamp(lang) == Some(stamp))
        && made
            .map
            .is_none_or(|stamp| state.map_cache.fresh_stamp() == Some(stamp))
        && made
            .day
            .is_none_or(|day| day == chrono::Utc::now().date_naive())
}

/// The middleware: answers a kept `GET` at once, else passes the request on and keeps what
/// comes back marked as kept.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    if request.method() != Method::GET {
        return next.run(request).await;
    }
    let target = request.uri().path_and_query().map_or("/", |p| p.as_str());
    if let Some(entry) = state.front.find(target)
        && current(&state, &entry.kept.made)
    {
        return answer(&entry, request.headers(), started);
    }
    let target = target.to_owned();
    let mut response = next.run(request).await;
    if let Some(kept) = response.extensions_mut().remove::<KeptBody>()
        && response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
    {
        let mut headers = response.headers().clone();
        for name in &PER_REQUEST {
            headers.remove(name);
        }
        state.front.keep(target, Entry { kept, headers });
    }
    response
}

fn answer(entry: &Entry, request: &HeaderMap, started: Instant) -> Response {
    let (encoding, body) = entry.kept.body.body_for(request);
    let mut response = Response::new(Body::from(body));
    let h = response.headers_mut();
    h.clone_from(&entry.headers);
    if let Some([(name, value)]) = encoding {
        h.insert(name, value);
    }
    if let Ok(v) = HeaderValue::from_str(&uuid::Uuid::now_v7().simple().to_string()) {
        h.insert(HeaderName::from_static("x-request-id"), v);
    }
    let micros = started.elapsed().as_micros();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "kept, app;dur={}.{:03}",
        micros / 1000,
        micros % 1000
    )) {
        h.insert(HeaderName::from_static("server-timing"), v);
    }
    response
}
