//! Machine endpoints.

use crate::AppState;
use crate::app::Routes;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The system routes.
pub fn router() -> Routes {
    Routes::new().get("/healthz", healthz)
}

/// `GET /healthz`: 200 when the database answers, 503 otherwise. Says nothing more.
async fn healthz(State(state): State<AppState>) -> Response {
    let (status, body) = match state.db.ping().await {
        Ok(()) => (StatusCode::OK, serde_json::json!({ "status": "ok" })),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({ "status": "unavailable" }),
            )
        }
    };
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
