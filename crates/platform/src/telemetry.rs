//! Logging setup: human-readable lines by default, JSON for log shippers.

use tracing_subscriber::{EnvFilter, fmt, prelude::*};

/// Which log format to print.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Installs the global subscriber once. The filter comes from `FERRY_LOG`
/// (then `RUST_LOG`), defaulting to `info` with sqlx's per-statement logs
/// turned down, since they would print every query.
pub fn init(format: LogFormat) {
    let filter = std::env::var("FERRY_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| "info,sqlx=warn".to_string());
    let registry = tracing_subscriber::registry().with(EnvFilter::new(filter));
    let result = match format {
        LogFormat::Text => registry.with(fmt::layer().with_target(false)).try_init(),
        LogFormat::Json => registry.with(fmt::layer().json()).try_init(),
    };
    // A second call (tests, or `ferry up` starting two services) keeps the
    // first subscriber.
    drop(result);
}
