//! The HTTP layer of Passend: one axum router, built from routes grouped by area.
//!
//! Path of a request: [`front`] (a public response kept from an earlier request is answered
//! here) → compression → [`middleware::context`] (correlation id, tracing span,
//! security headers, `Server-Timing`, error pages) → panic catcher → timeout → the area's
//! handler → [`cache`] / `passend_store` → askama template ([`views`]).

use axum::Router;
use axum::response::IntoResponse;
use passend_store::Db;
use std::sync::Arc;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;

pub mod access;
pub mod app;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod calendar;
pub mod charts;
pub mod dates;
pub mod encoded;
pub mod error;
pub mod exports;
pub mod extract;
pub mod files;
pub mod forms;
pub mod front;
pub mod layout;
pub mod letters;
pub mod links;
pub mod map;
pub mod middleware;
pub mod notices;
pub mod paging;
pub mod passwords;
pub mod policy;
pub mod routes;
pub mod serve;
pub mod texts;
pub mod throttle;
pub mod tiles;
pub mod views;
pub mod xlsx;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    /// The database.
    pub db: Db,
    /// The samenwerkingsverband this site serves.
    pub tenant_id: i64,
    /// Its public name, shown in the header.
    pub site_name: String,
    /// Whether the public base URL is https (then HSTS is sent).
    pub https: bool,
    /// Whether responses carry `Server-Timing` (`PASSEND_SERVER_TIMING`, for benchmarks).
    pub server_timing: bool,
    /// Rendered content.
    pub cache: Arc<cache::ContentCache>,
    /// The map's in-memory index.
    pub map_cache: Arc<map::MapCache>,
    /// Public responses answered again without their handler.
    pub front: Arc<front::Front>,
    /// Map settings.
    pub map: MapSettings,
    /// The public base URL without a trailing slash (for links in e-mails).
    pub base_url: String,
    /// Signing in.
    pub auth: Arc<auth::AuthSettings>,
    /// Casework: files, the TLV policy, what letters say about the SWV.
    pub casework: Arc<CaseworkSettings>,
    /// Limits on connections and requests.
    pub http: serve::HttpLimits,
    /// The last `/healthz` probe, shared so a flood of probes writes at most once a second.
    pub health: HealthCache,
    /// Places for uploads being read at once (`http.uploads_at_once`): each holds up to 20 MiB
    /// in memory, so their number is bounded before a body is read.
    pub uploads: Arc<auth::UploadPlaces>,
}

/// Settings of the casework.
#[derive(Clone, Debug)]
pub struct CaseworkSettings {
    /// Where uploaded documents and decision letters are kept.
    pub files: passend_store::files::Files,
    /// The SWV's TLV policy (decision term, durations, reminders).
    pub policy: passend_domain::tlv::TlvPolicy,
    /// The SWV's code, the start of every beschikkingsnummer (`PO2401`).
    pub swv_code: String,
    /// The SWV's postal address, for bezwaar in letters.
    pub postal_address: String,
    /// Who signs decision letters, and in which function.
    pub signatory: (String, String),
    /// The days parents get to give their zienswijze on a shared request (default 14).
    pub zienswijze_days: u32,
    /// Expected days of absence after which a sick pupil needs the OZL consulent (default 21).
    pub ozl_after_days: u32,
    /// The working days within which an ouderadviseur answers a contact form (default 3).
    pub steunpunt_response_days: u8,
    /// Months a closed Oudersteunpunt case is kept (default 24).
    pub steunpunt_retention_months: u16,
    /// How parents reach the Oudersteunpunt themselves (phone, address); empty: not shown.
    pub steunpunt_contact: String,
    /// Weeks an expert keeps access to a dossier after giving the advice (default 4).
    pub expert_grace_weeks: u8,
    /// Weeks to take a beslissing op bezwaar after the bezwaar term (default 12, Awb 7:10).
    pub bob_decision_weeks: u8,
    /// Where beroep goes, as the beslissing op bezwaar names it.
    pub rechtbank: String,
    /// How zorgplicht terms are counted (pause periods).
    pub zorgplicht_terms: passend_domain::zorgplicht::TermPolicy,
    /// The sender's address (`PASSEND_MAIL_FROM`), the organiser in calendar files.
    pub mail_address: String,
}

/// The e-mail domain of demo accounts (reserved, never deliverable: RFC 2606).
/// The last `/healthz` probe: when, and its result (a reason when unhealthy).
pub type HealthCache = Arc<tokio::sync::Mutex<Option<(std::time::Instant, Result<(), String>)>>>;

pub const DEMO_DOMAIN: &str = "@demo.passend.invalid";

/// Every route of the application, grouped by area.
pub fn routes() -> app::Routes {
    routes::public::router()
        .merge(routes::kaart::router())
        .merge(routes::system::router())
        .merge(routes::account::router())
        .merge(routes::offer::router())
        .merge(routes::beheer::router())
        .merge(routes::casework::router())
        .merge(routes::ouders::router())
        .merge(routes::tlv::router())
        .merge(routes::vandaag::router())
        .merge(routes::bezwaar::router())
        .merge(routes::zorgplicht::router())
        .merge(routes::steunpunt::router())
        .merge(app::Routes::new().get("/static/{file}", assets::serve))
}

/// Settings of the voorzieningenkaart.
#[derive(Clone, Debug)]
pub struct MapSettings {
    /// The tile URL template the browser loads (`{z}`, `{x}`, `{y}`): this site's tile proxy
    /// for a tile server elsewhere, or a path on this site as configured.
    pub tiles: String,
    /// Attribution shown on the map.
    pub attribution: String,
    /// The CSP of map pages: the site's own (tiles come from this site).
    pub csp: axum::http::HeaderValue,
    /// The tile server behind [`tiles::PROXY_TEMPLATE`].
    pub proxy: Arc<tiles::TileProxy>,
}

impl MapSettings {
    /// Settings for a tile server (`PASSEND_MAP_TILES`, default PDOK BRT-Achtergrondkaart):
    /// one elsewhere is reached through this site's tile proxy.
    pub fn new(tiles: String, attribution: String) -> MapSettings {
        let proxy = Arc::new(tiles::TileProxy::new(&tiles));
        let browser = if tiles::proxied(&tiles) {
            tiles::PROXY_TEMPLATE.to_owned()
        } else {
            tiles
        };
        MapSettings {
            tiles: browser,
            attribution,
            csp: axum::http::HeaderValue::from_static(middleware::CSP),
            proxy,
        }
    }
}

/// Builds the whole application.
pub fn router(state: AppState) -> Router {
    routes()
        .into_router()
        .layer(axum::extract::DefaultBodyLimit::max(auth::MAX_UPLOAD_BYTES))
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::guard,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.http,
            serve::request_deadline,
        ))
        .layer(CatchPanicLayer::custom(
            |_panic: Box<dyn std::any::Any + Send>| {
                error::AppError::Internal("handler panicked".to_owned()).into_response()
            },
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::context,
        ))
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            front::serve,
        ))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    /// Every route of the router has an entry in the policy table, and every entry a route: a
    /// new route without a decision about who may use it fails here (and is refused at run time).
    #[test]
    fn every_route_has_a_policy_entry_and_every_entry_a_route() {
        let routes = super::routes();
        let table = routes.table();
        let missing: Vec<String> = table
            .iter()
            .filter(|(m, p)| super::policy::lookup(m, p).is_none())
            .map(|(m, p)| format!("{m} {p}"))
            .collect();
        assert!(
            missing.is_empty(),
            "routes without a policy entry: {missing:?}"
        );
        let stale: Vec<String> = super::policy::POLICY
            .iter()
            .filter(|(m, p, _)| !table.contains(&(*m, *p)))
            .map(|(m, p, _)| format!("{m} {p}"))
            .collect();
        assert!(
            stale.is_empty(),
            "policy entries without a route: {stale:?}"
        );
        assert_eq!(table.len(), super::policy::POLICY.len());
    }
}
