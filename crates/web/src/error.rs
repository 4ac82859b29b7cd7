//! Errors of the HTTP layer. Handlers return [`AppError`]; the context middleware turns every
//! error response into a full Dutch or English page with the request's correlation id. Internal
//! details go to the log (without personal data), never to the visitor.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// An error a handler can return.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// There is nothing at this address (also used for "not allowed", so it reveals nothing).
    #[error("not found")]
    NotFound,
    /// A request body larger than we accept.
    #[error("request body too large")]
    TooLarge,
    /// The disk (or the database server's) is full: nothing was saved.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// An upload that came in too slowly or stalled.
    #[error("upload too slow")]
    SlowUpload,
    /// Too many uploads at once: this one was not read.
    #[error("too many uploads at once")]
    Busy,
    /// Something failed on our side.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<passend_store::StoreError> for AppError {
    fn from(e: passend_store::StoreError) -> Self {
        if e.is_storage_full() {
            AppError::StorageFull(e.to_string())
        } else {
            AppError::Internal(e.to_string())
        }
    }
}

impl From<passend_store::files::FileError> for AppError {
    fn from(e: passend_store::files::FileError) -> Self {
        if e.is_storage_full() {
            AppError::StorageFull(e.to_string())
        } else {
            AppError::Internal(e.to_string())
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Internal(format!("template: {e}"))
    }
}

/// Marks a response whose body the context middleware must replace by an error page.
#[derive(Debug, Clone, Copy)]
pub struct ErrorPage;

/// Marks an error page about a full disk (a 503 that is not a crash).
#[derive(Debug, Clone, Copy)]
pub struct StorageFullPage;

/// Marks an error page about too many uploads at once (a 503 that is not a crash).
#[derive(Debug, Clone, Copy)]
pub struct BusyPage;

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = match &self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::SlowUpload => StatusCode::REQUEST_TIMEOUT,
            AppError::StorageFull(detail) => {
                tracing::error!(error = %detail, "storage full: nothing was saved");
                let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("300"),
                );
                response.extensions_mut().insert(ErrorPage);
                response.extensions_mut().insert(StorageFullPage);
                return response;
            }
            AppError::Busy => {
                tracing::warn!("too many uploads at once: one was turned away");
                let mut response = StatusCode::SERVICE_UNAVAILABLE.into_response();
                response.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("60"),
                );
                // The body was not read: the connection cannot carry another request.
                response.headers_mut().insert(
                    axum::http::header::CONNECTION,
                    axum::http::HeaderValue::from_static("close"),
                );
                response.extensions_mut().insert(ErrorPage);
                response.extensions_mut().insert(BusyPage);
                return response;
            }
            AppError::Internal(detail) => {
                tracing::error!(error = %detail, "request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(ErrorPage);
        response
    }
}

/// A result of a handler.
pub type AppResult<T> = Result<T, AppError>;
