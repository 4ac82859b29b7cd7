//! Logging with `tracing`. Logs carry ids and technical facts, never personal data or secrets:
//! request logs hold the method, path (no query string), status, duration and correlation id.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Starts logging to standard error. `RUST_LOG` overrides the default filter.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn,hyper=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests start several servers) is harmless and ignored.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
