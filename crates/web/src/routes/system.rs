//! Machine endpoints.

use crate::AppState;
use crate::app::Routes;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};

/// The system routes.
pub fn router() -> Routes {
    Routes::new().get("/healthz", healthz)
}

/// How long a probe's result is reused: a flood of `/healthz` requests writes at most once a
/// second.
const PROBE_REUSE: Duration = Duration::from_secs(1);

/// `GET /healthz`: 200 when the database takes a write and the documents folder takes a file,
/// 503 otherwise (`{"status":"unavailable","reason":"storage-full"}` when a disk is full).
/// Tells the truth after an I/O error: it probes, it does not only ping.
async fn healthz(State(state): State<AppState>) -> Response {
    let result = {
        let mut last = state.health.lock().await;
        match &*last {
            Some((at, r)) if at.elapsed() < PROBE_REUSE => r.clone(),
            _ => {
                let r = probe(&state).await;
                *last = Some((Instant::now(), r.clone()));
                r
            }
        }
    };
    let (status, body) = match result {
        Ok(()) => (StatusCode::OK, serde_json::json!({ "status": "ok" })),
        Err(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            serde_json::json!({ "status": "unavailable", "reason": reason }),
        ),
    };
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// One write to the database and one file to each disk Passend writes to; the reason when one
/// fails (`storage-full` or `database`/`files`).
async fn probe(state: &AppState) -> Result<(), String> {
    if let Err(e) = state.db.write_probe().await {
        tracing::error!(error = %e, "health check: the database takes no write");
        return Err(if e.is_storage_full() {
            "storage-full"
        } else {
            "database"
        }
        .to_owned());
    }
    // The SQLite file's folder (its WAL grows there) and the documents.
    let mut folders = Vec::new();
    if let Some(file) = state.db.sqlite_file()
        && let Some(dir) = file.parent()
    {
        folders.push(dir.to_path_buf());
    }
    if let Err(e) = state.casework.files.probe().await {
        tracing::error!(error = %e, "health check: the documents folder takes no file");
        return Err(if e.is_storage_full() {
            "storage-full"
        } else {
            "files"
        }
        .to_owned());
    }
    for dir in folders {
        if let Err(e) = probe_folder(&dir).await {
            tracing::error!(error = %e, "health check: the database folder takes no file");
            let full = e.kind() == std::io::ErrorKind::StorageFull || e.raw_os_error() == Some(28);
            return Err(if full { "storage-full" } else { "database" }.to_owned());
        }
    }
    Ok(())
}

/// Writes, flushes and removes a small file in a folder.
async fn probe_folder(dir: &std::path::Path) -> std::io::Result<()> {
    let file = dir.join(format!(
        ".passend-healthz-{}",
        uuid::Uuid::new_v4().simple()
    ));
    let result = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let r = std::fs::File::create(&file).and_then(|mut f| {
            f.write_all(&[0u8; 4096])?;
            f.sync_all()
        });
        let _ = std::fs::remove_file(&file);
        r
    })
    .await;
    result.unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())))
}
