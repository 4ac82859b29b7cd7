//! The map's background tiles, fetched by the server and kept, so that a visitor's browser asks
//! only this site: the tile server never sees a parent's address or which schools they look
//! at, the CSP allows images from this site alone, and a tile server that cannot be reached
//! costs the visitor no error: the server answers `204 No Content`, and the map's script
//! folds the map away and leaves the list (which holds the same results).
//!
//! A tile template that is a path on this site (`/…`) is loaded by the browser itself (tests,
//! or an operator whose own web server passes tiles on).

use axum::body::Bytes;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The path the browser loads proxied tiles from.
pub const PROXY_TEMPLATE: &str = "/kaart/tegels/{z}/{x}/{y}";

/// The most bytes of tiles kept in memory; when full, all are dropped at once.
const MAX_BYTES: usize = 32 * 1024 * 1024;
/// The largest tile accepted from the tile server.
const MAX_TILE_BYTES: usize = 512 * 1024;
/// How long the server waits for the tile server.
const TIMEOUT: Duration = Duration::from_secs(5);
/// After a failure, how long tiles are answered with 204 without asking the tile server again.
const DOWN_FOR: Duration = Duration::from_secs(30);
/// Tile requests to the tile server at once (more wait for a place).
const AT_ONCE: usize = 8;
/// The deepest zoom level (Leaflet's `maxZoom`).
pub const MAX_ZOOM: u8 = 19;

/// A tile as the tile server sent it.
#[derive(Debug, Clone)]
struct Tile {
    body: Bytes,
    content_type: HeaderValue,
}

/// Tiles kept by their coordinates, and how many bytes they hold.
type Kept = (HashMap<(u8, u32, u32), Tile>, usize);

/// The tile server behind `/kaart/tegels/…`.
#[derive(Debug)]
pub struct TileProxy {
    template: String,
    client: Option<reqwest::Client>,
    kept: Mutex<Kept>,
    down_until: Mutex<Option<Instant>>,
    places: tokio::sync::Semaphore,
}

/// Whether the browser loads tiles through this site.
pub fn proxied(template: &str) -> bool {
    template.starts_with("https://") || template.starts_with("http://")
}

impl TileProxy {
    /// A proxy for the tile server of `template` (`https://…/{z}/{x}/{y}.png`). For a template
    /// that is a path on this site, there is nothing to proxy and every tile is "not found".
    pub fn new(template: &str) -> TileProxy {
        let client = proxied(template)
            .then(|| {
                // reqwest is built without a TLS crypto provider of its own; ring is ours.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .connect_timeout(Duration::from_secs(2))
                    .user_agent(concat!("Passend/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| tracing::error!(error = %e, "no HTTP client for map tiles"))
                    .ok()
            })
            .flatten();
        TileProxy {
            template: template.to_owned(),
            client,
            kept: Mutex::new((HashMap::new(), 0)),
            down_until: Mutex::new(None),
            places: tokio::sync::Semaphore::new(AT_ONCE),
        }
    }

    /// The answer for tile `z/x/y`: the tile (kept for a day by the browser), `204` when the
    /// tile server cannot give it now, `404` for a tile that does not exist.
    pub async fn answer(&self, z: &str, x: &str, y: &str) -> Response {
        let Some(at) = coordinates(z, x, y) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let Some(client) = &self.client else {
            return StatusCode::NOT_FOUND.into_response();
        };
        if let Some(tile) = lock(&self.kept).0.get(&at).cloned() {
            return tile_response(tile);
        }
        if lock(&self.down_until).is_some_and(|until| Instant::now() < until) {
            return unavailable();
        }
        let Ok(Ok(_place)) = tokio::time::timeout(TIMEOUT, self.places.acquire()).await else {
            return unavailable();
        };
        match self.fetch(client, at).await {
            Ok(tile) => {
                let mut kept = lock(&self.kept);
                let size = tile.body.len();
                if kept.1 + size > MAX_BYTES {
                    kept.0.clear();
                    kept.1 = 0;
                }
                if kept.0.insert(at, tile.clone()).is_none() {
                    kept.1 += size;
                }
                tile_response(tile)
            }
            Err(reason) => {
                let mut down = lock(&self.down_until);
                if down.is_none_or(|until| Instant::now() >= until) {
                    // Once per window; the message names the tile server, nothing of a visitor.
                    tracing::warn!(%reason, "map tiles cannot be fetched; the map shows as a list for now");
                }
                *down = Some(Instant::now() + DOWN_FOR);
                unavailable()
            }
        }
    }

    async fn fetch(
        &self,
        client: &reqwest::Client,
        (z, x, y): (u8, u32, u32),
    ) -> Result<Tile, String> {
        let url = self
            .template
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string());
        let response = client.get(&url).send().await.map_err(|e| format!("{e}"))?;
        if !response.status().is_success() {
            return Err(format!("the tile server answered {}", response.status()));
        }
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .filter(|v| {
                v.to_str().is_ok_and(|t| {
                    ["image/png", "image/jpeg", "image/webp"]
                        .iter()
                        .any(|k| t.starts_with(k))
                })
            })
            .cloned()
            .ok_or("the tile server sent something that is not an image")?;
        if response
            .content_length()
            .is_some_and(|n| n > MAX_TILE_BYTES as u64)
        {
            return Err("the tile server sent a tile that is too large".to_owned());
        }
        let body = response.bytes().await.map_err(|e| format!("{e}"))?;
        if body.len() > MAX_TILE_BYTES || body.is_empty() {
            return Err("the tile server sent an empty or too large tile".to_owned());
        }
        Ok(Tile { body, content_type })
    }
}

/// Tile coordinates that exist: zoom 0–19, x and y below 2^zoom.
fn coordinates(z: &str, x: &str, y: &str) -> Option<(u8, u32, u32)> {
    let digits = |s: &str| !s.is_empty() && s.len() <= 7 && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(z) && digits(x) && digits(y)) {
        return None;
    }
    let z: u8 = z.parse().ok()?;
    let (x, y): (u32, u32) = (x.parse().ok()?, y.parse().ok()?);
    let size = 1u32 << z.min(MAX_ZOOM);
    (z <= MAX_ZOOM && x < size && y < size).then_some((z, x, y))
}

fn tile_response(tile: Tile) -> Response {
    (
        [
            (header::CONTENT_TYPE, tile.content_type),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        tile.body,
    )
        .into_response()
}

fn unavailable() -> Response {
    (
        StatusCode::NO_CONTENT,
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))],
    )
        .into_response()
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tiles_that_exist_are_asked_for() {
        assert_eq!(coordinates("12", "2100", "1350"), Some((12, 2100, 1350)));
        assert_eq!(coordinates("0", "0", "0"), Some((0, 0, 0)));
        assert_eq!(coordinates("1", "2", "0"), None, "x beyond the grid");
        assert_eq!(coordinates("20", "0", "0"), None, "deeper than zoom 19");
        assert_eq!(coordinates("12", "-1", "0"), None);
        assert_eq!(coordinates("12", "1a", "0"), None);
        assert_eq!(coordinates("12", "", "0"), None);
        assert_eq!(coordinates("99999999", "0", "0"), None);
        assert!(proxied("https://service.pdok.nl/{z}/{x}/{y}.png"));
        assert!(!proxied("/static/favicon.svg?{z}/{x}/{y}"));
    }
}
