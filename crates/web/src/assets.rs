//! Static files embedded in the binary: the bundled stylesheet and the favicon. Served with an
//! ETag and a year of caching (the stylesheet's name carries its content hash).

use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

include!(concat!(env!("OUT_DIR"), "/assets_gen.rs"));

static FAVICON: &[u8] = include_bytes!("../assets/favicon.svg");

/// The path of the stylesheet, for the layout.
pub fn css_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| format!("/static/{CSS_NAME}"))
}

/// The path of the map script (Leaflet, marker clustering, ours).
pub fn map_js_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| format!("/static/{MAP_JS_NAME}"))
}

/// The path of the map stylesheet.
pub fn map_css_href() -> &'static str {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| format!("/static/{MAP_CSS_NAME}"))
}

/// `GET /static/{file}`.
pub async fn serve(Path(file): Path<String>, headers: HeaderMap) -> Response {
    let (body, content_type, etag, immutable): (&'static [u8], &str, &str, bool) =
        if file == CSS_NAME {
            (CSS, "text/css; charset=utf-8", CSS_ETAG, true)
        } else if file == MAP_JS_NAME {
            (MAP_JS, "text/javascript; charset=utf-8", MAP_JS_ETAG, true)
        } else if file == MAP_CSS_NAME {
            (MAP_CSS, "text/css; charset=utf-8", MAP_CSS_ETAG, true)
        } else if file == "favicon.svg" {
            (FAVICON, "image/svg+xml", FAVICON_ETAG, false)
        } else {
            return crate::error::AppError::NotFound.into_response();
        };
    let cache = if immutable {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    };
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, content_type)], body).into_response()
    };
    let h = response.headers_mut();
    h.insert(header::ETAG, HeaderValue::from_static(etag));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}
