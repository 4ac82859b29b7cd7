//! The map's background tiles, fetched by the server and kept, so that a visitor's browser asks
//! only this site: the tile server never sees a parent's address or which schools they look
//! at, the CSP allows images from this site alone, and a tile server that cannot be reached
//! costs the visitor no error: the server answers `204 No Content`, and the map's script
//! folds the map away and leaves the list (which holds the same results).
//!
//! A tile template that is a path on this site (`/…`) is loaded by the browser itself (tests,
//! or an operator whose own web server passes tiles on).
//!
//! What a visitor can make the server fetch is bounded: tiles that exist (zoom 0–19), and from
//! zoom 8 on only tiles over the Netherlands and its borders; at most [`AT_ONCE`] fetches at a
//! time. A tile the tile server refuses (4xx) is answered with 204 for that tile only; a tile
//! server that fails (no connection, a timeout, 5xx, 429, not an image) is left alone for
//! [`DOWN_FOR`]. Tiles are kept for a day.

use crate::cache::lock;
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
/// From this zoom on, only tiles over [`REGION`] are fetched.
const REGION_FROM_ZOOM: u8 = 8;
/// The Netherlands with a margin: west, south, east, north (degrees).
const REGION: (f64, f64, f64, f64) = (2.0, 50.0, 8.5, 54.5);
/// How long a fetched tile is kept.
const KEEP_FOR: Duration = Duration::from_secs(24 * 3600);

/// A tile as the tile server sent it, and when.
#[derive(Debug, Clone)]
struct Tile {
    body: Bytes,
    content_type: HeaderValue,
    fetched: Instant,
}

/// Why a tile did not come: `down` when the tile server itself fails (not one tile).
#[derive(Debug)]
struct Failure {
    down: bool,
    reason: String,
}

impl Failure {
    fn down(reason: impl Into<String>) -> Failure {
        Failure {
            down: true,
            reason: reason.into(),
        }
    }
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
        let placeholders_ok = {
            let rest = template
                .replace("{z}", "")
                .replace("{x}", "")
                .replace("{y}", "");
            template.contains("{z}")
                && template.contains("{x}")
                && template.contains("{y}")
                && !rest.contains('{')
        };
        if proxied(template) && !placeholders_ok {
            tracing::error!(
                "PASSEND_MAP_TILES needs {{z}}, {{x}} and {{y}} and no other placeholders; the map shows as a list"
            );
        }
        let client = (proxied(template) && placeholders_ok)
            .then(|| {
                // reqwest is built without a TLS crypto provider of its own; ring is ours.
                let _ = rustls::crypto::ring::default_provider().install_default();
                reqwest::Client::builder()
                    .timeout(TIMEOUT)
                    .connect_timeout(Duration::from_secs(2))
                    .user_agent(concat!("Passend/", env!("CARGO_PKG_VERSION")))
                    .redirect(reqwest::redirect::Policy::none())
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
        if let Some(tile) = self.kept(at) {
            return tile_response(tile);
        }
        if !in_region(at) || self.is_down() {
            return unavailable();
        }
        let Ok(Ok(_place)) = tokio::time::timeout(TIMEOUT, self.places.acquire()).await else {
            return unavailable();
        };
        // While this request waited, another may have fetched the tile or found the server down.
        if let Some(tile) = self.kept(at) {
            return tile_response(tile);
        }
        if self.is_down() {
            return unavailable();
        }
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
            Err(Failure { down: false, .. }) => unavailable(),
            Err(Failure { reason, .. }) => {
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

    fn kept(&self, at: (u8, u32, u32)) -> Option<Tile> {
        lock(&self.kept)
            .0
            .get(&at)
            .filter(|t| t.fetched.elapsed() < KEEP_FOR)
            .cloned()
    }

    fn is_down(&self) -> bool {
        lock(&self.down_until).is_some_and(|until| Instant::now() < until)
    }

    async fn fetch(
        &self,
        client: &reqwest::Client,
        (z, x, y): (u8, u32, u32),
    ) -> Result<Tile, Failure> {
        let url = self
            .template
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string());
        let mut response = client
            .get(&url)
            .send()
            .await
            .map_err(|e| Failure::down(format!("{e}")))?;
        let status = response.status();
        if !status.is_success() {
            // A tile the server does not have is that tile's problem; anything else is the
            // server's.
            let one_tile =
                status.is_client_error() && status != reqwest::StatusCode::TOO_MANY_REQUESTS;
            return Err(Failure {
                down: !one_tile,
                reason: format!("the tile server answered {status}"),
            });
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
            .ok_or_else(|| Failure::down("the tile server sent something that is not an image"))?;
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| Failure::down(format!("{e}")))?
        {
            if body.len() + chunk.len() > MAX_TILE_BYTES {
                return Err(Failure::down(
                    "the tile server sent a tile that is too large",
                ));
            }
            body.extend_from_slice(&chunk);
        }
        if body.is_empty() {
            return Err(Failure::down("the tile server sent an empty tile"));
        }
        Ok(Tile {
            body: Bytes::from(body),
            content_type,
            fetched: Instant::now(),
        })
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

/// Whether a tile lies over [`REGION`] (every tile does below [`REGION_FROM_ZOOM`]).
fn in_region((z, x, y): (u8, u32, u32)) -> bool {
    if z < REGION_FROM_ZOOM {
        return true;
    }
    let n = f64::from(1u32 << z);
    let lon = |x: u32| f64::from(x) / n * 360.0 - 180.0;
    let lat = |y: u32| {
        (std::f64::consts::PI * (1.0 - 2.0 * f64::from(y) / n))
            .sinh()
            .atan()
            .to_degrees()
    };
    let (west, south, east, north) = REGION;
    lon(x) <= east && lon(x + 1) >= west && lat(y + 1) <= north && lat(y) >= south
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
        // Almere at zoom 12 and 19; Paris and New York not, from zoom 8 on; anything at zoom 5.
        assert!(in_region((12, 2107, 1346)));
        assert!(in_region((19, 269_800, 172_400)));
        assert!(!in_region((12, 2074, 1409)));
        assert!(!in_region((12, 1205, 1539)));
        assert!(in_region((5, 9, 12)));
        assert!(!proxied("/static/favicon.svg?{z}/{x}/{y}"));
    }
}
