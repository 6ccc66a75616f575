//! What every handler shares.

use crate::Settings;
use crate::spapi::RateLimiter;
use ferry_platform::db::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub rate_limiter: Arc<RateLimiter>,
    /// For calls to payment providers' account-verification endpoints.
    pub http: reqwest::Client,
    /// Serializes settlement passes within the process.
    pub settlement_lock: Arc<tokio::sync::Mutex<()>>,
    /// The base URL report-document download links point at.
    pub public_url: String,
}
