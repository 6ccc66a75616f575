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
    init_with_default(format, "info,sqlx=warn");
}

/// [`init`] with another filter when neither `FERRY_LOG` nor `RUST_LOG` is
/// set (a command whose own output matters, such as `ferry demo`, shows
/// only warnings).
pub fn init_with_default(format: LogFormat, default_filter: &str) {
    let filter = std::env::var("FERRY_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| default_filter.to_string());
    let registry = tracing_subscriber::registry().with(EnvFilter::new(filter));
    let result = match format {
        LogFormat::Text => registry
            .with(fmt::layer().with_target(false).with_writer(std::io::stderr))
            .try_init(),
        LogFormat::Json => registry
            .with(fmt::layer().json().with_writer(std::io::stderr))
            .try_init(),
    };
    // A second call (tests, or `ferry up` starting two services) keeps the
    // first subscriber.
    drop(result);
}
