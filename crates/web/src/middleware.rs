//! The request context: a correlation id, a tracing span, security headers, `Server-Timing`,
//! and error pages. One middleware, so every response (also 404s, 405s and panics) gets them.

use crate::AppState;
use crate::error::ErrorPage;
use crate::texts::public::ui;
use crate::views::{ErrorView, Layout};
use askama::Template;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use passend_domain::Lang;
use std::time::Instant;
use tracing::Instrument;

/// The Content Security Policy: only our own origin, no inline code, no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; manifest-src 'self'";

/// Adds the request context to every request and response.
pub async fn context(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = uuid::Uuid::now_v7().simple().to_string();
    request
        .extensions_mut()
        .insert(crate::auth::RequestId(id.clone()));
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let lang = Lang::of_path(&path);
    // The route pattern when one matched (`/uitnodiging/{token}`: links carry secrets), else
    // the path; never the query string, which can hold what a visitor typed.
    let logged_path: String = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str())
        .unwrap_or(&path)
        .chars()
        .take(200)
        .collect();
    let span =
        tracing::info_span!("request", request_id = %id, method = %method, path = %logged_path);

    let mut response = next.run(request).instrument(span.clone()).await;

    let status = response.status();
    if needs_error_page(&response) {
        let full = response
            .extensions()
            .get::<crate::error::StorageFullPage>()
            .is_some();
        let busy = response
            .extensions()
            .get::<crate::error::BusyPage>()
            .is_some();
        let body = error_page(
            &state,
            lang,
            status,
            (full, busy),
            &id,
            method == Method::HEAD,
        )
        .instrument(span.clone())
        .await;
        let kept = std::mem::take(response.headers_mut());
        response = (status, body).into_response();
        for (name, value) in kept.iter() {
            if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
                response.headers_mut().insert(name.clone(), value.clone());
            }
        }
    }
    add_headers(&mut response, &state, &id, started);
    let elapsed = started.elapsed();
    span.in_scope(|| {
        tracing::info!(
            status = status.as_u16(),
            duration_us = elapsed.as_micros() as u64,
            "response"
        );
    });
    response
}

fn needs_error_page(response: &Response) -> bool {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return false;
    }
    if response.extensions().get::<ErrorPage>().is_some() {
        return true;
    }
    match response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    {
        None => true,
        Some(ct) => ct.starts_with("text/plain"),
    }
}

async fn error_page(
    state: &AppState,
    lang: Lang,
    status: StatusCode,
    (storage_full, busy): (bool, bool),
    id: &str,
    head: bool,
) -> Html<String> {
    let ui = ui(lang);
    let (title, text) = match status {
        _ if storage_full => (ui.storage_full_title, ui.storage_full_text),
        _ if busy => (ui.busy_title, ui.busy_text),
        StatusCode::REQUEST_TIMEOUT => (ui.slow_title, ui.slow_text),
        StatusCode::NOT_FOUND => (ui.not_found_title, ui.not_found_text),
        StatusCode::FORBIDDEN => (ui.forbidden_title, ui.forbidden_text),
        StatusCode::PAYLOAD_TOO_LARGE => (ui.too_large_title, ui.too_large_text),
        s if s.is_server_error() => (ui.server_error_title, ui.server_error_text),
        _ => (ui.other_error_title, ui.other_error_text),
    };
    if head {
        return Html(String::new());
    }
    // A 404 shows the menu; after a server error we do not lean on the database again.
    let nav = if status == StatusCode::NOT_FOUND {
        match state.cache.get(&state.db, state.tenant_id, lang).await {
            Ok(content) => crate::layout::menus(&content.links, lang, "").0,
            Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    let layout = Layout {
        lang_code: lang.code(),
        ui,
        site_name: state.site_name.clone(),
        title: title.to_owned(),
        description: title.to_owned(),
        css_href: crate::assets::css_href(),
        home_href: if lang == Lang::En { "/en/" } else { "/" },
        other_lang_code: lang.other().code(),
        alternate: None,
        nav,
        footer: Vec::new(),
        contact_href: lang.page_path("oudersteunpunt"),
        reach: None,
        base_url: state.base_url.clone(),
    };
    let view = ErrorView {
        layout,
        text,
        request_id: id.to_owned(),
    };
    match view.render() {
        Ok(html) => Html(html),
        Err(e) => {
            tracing::error!(error = %e, "error page failed to render");
            Html(format!(
                "<!DOCTYPE html><html lang=\"nl\"><title>Fout</title><p>{title}</p><p>{id}</p></html>"
            ))
        }
    }
}

fn add_headers(response: &mut Response, state: &AppState, id: &str, started: Instant) {
    let h = response.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    let fixed: [(&str, &str); 6] = [
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        (
            "permissions-policy",
            "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), interest-cohort=()",
        ),
    ];
    for (name, value) in fixed {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    if state.https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
    if let Ok(v) = HeaderValue::from_str(id) {
        h.insert(HeaderName::from_static("x-request-id"), v);
    }
    if state.server_timing {
        let micros = started.elapsed().as_micros();
        if let Ok(v) =
            HeaderValue::from_str(&format!("app;dur={}.{:03}", micros / 1000, micros % 1000))
        {
            h.insert(HeaderName::from_static("server-timing"), v);
        }
    }
}
