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
//! full path gave (the CSP, `X-Frame-Options`, HSTS, …) and gets its own `X-Request-Id` (and,
//! with `PASSEND_SERVER_TIMING`, a `Server-Timing` that says `kept`).
//!
//! The front holds at most [`MAX_BYTES`] (addresses, bodies in their three encodings and
//! headers, counted even where a cache behind it holds the same body) and addresses of at most
//! [`MAX_TARGET`] bytes; an answer found stale is dropped at once.

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

/// The most bytes kept; when full, all are dropped at once (a visitor who varies the query string
/// endlessly only empties the front; the bodies stay kept by the caches behind it).
const MAX_BYTES: usize = 64 * 1024 * 1024;
/// The longest address kept (every search the forms make is far shorter).
const MAX_TARGET: usize = 1024;

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

impl Entry {
    /// The bytes it holds, with its address.
    fn size(&self, target: &str) -> usize {
        let headers: usize = self
            .headers
            .iter()
            .map(|(n, v)| n.as_str().len() + v.len())
            .sum();
        target.len() + self.kept.body.size() + headers
    }
}

/// Answers by address, and the bytes they hold.
type Entries = (HashMap<Box<str>, Arc<Entry>>, usize);

/// Kept answers by request address (path and query), and the bytes they hold.
#[derive(Debug, Default)]
pub struct Front {
    entries: RwLock<Entries>,
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
            .0
            .get(target)
            .cloned()
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Entries> {
        self.entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn keep(&self, target: String, entry: Entry) {
        let size = entry.size(&target);
        if size > MAX_BYTES {
            return;
        }
        let mut entries = self.write();
        if let Some(old) = entries.0.remove(target.as_str()) {
            entries.1 = entries.1.saturating_sub(old.size(&target));
        }
        if entries.1 + size > MAX_BYTES {
            entries.0.clear();
            entries.1 = 0;
        }
        entries.1 += size;
        entries.0.insert(target.into_boxed_str(), Arc::new(entry));
    }

    /// Drops the answer for `target` when it is still `stale` (not one kept since).
    fn drop_stale(&self, target: &str, stale: &Arc<Entry>) {
        let mut entries = self.write();
        if entries.0.get(target).is_some_and(|e| Arc::ptr_eq(e, stale)) {
            entries.0.remove(target);
            entries.1 = entries.1.saturating_sub(stale.size(target));
        }
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
    if let Some(entry) = state.front.find(target) {
        if current(&state, &entry.kept.made) {
            return answer(
                &entry,
                request.headers(),
                state.server_timing.then_some(started),
            );
        }
        state.front.drop_stale(target, &entry);
    }
    let target = target.to_owned();
    let mut response = next.run(request).await;
    if let Some(kept) = response.extensions_mut().remove::<KeptBody>()
        && response.status() == StatusCode::OK
        && !response.headers().contains_key(header::SET_COOKIE)
        && target.len() <= MAX_TARGET
        // Made from nothing that could change: nothing would ever tell the front it is stale.
        && (kept.made.content.is_some() || kept.made.map.is_some())
    {
        let mut headers = response.headers().clone();
        for name in &PER_REQUEST {
            headers.remove(name);
        }
        state.front.keep(target, Entry { kept, headers });
    }
    response
}

fn answer(entry: &Entry, request: &HeaderMap, started: Option<Instant>) -> Response {
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
    if let Some(started) = started {
        let micros = started.elapsed().as_micros();
        if let Ok(v) = HeaderValue::from_str(&format!(
            "kept, app;dur={}.{:03}",
            micros / 1000,
            micros % 1000
        )) {
            h.insert(HeaderName::from_static("server-timing"), v);
        }
    }
    response
}
