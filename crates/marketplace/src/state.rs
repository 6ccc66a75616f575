//! What every handler shares.

use crate::Settings;
use crate::spapi::{Faults, RateLimiter};
use ferry_platform::db::Db;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub rate_limiter: Arc<RateLimiter>,
    /// Server errors the operator asked SP-API calls to answer with.
    pub sp_api_faults: Arc<Faults>,
    /// For calls to payment providers' account-verification endpoints.
    pub http: reqwest::Client,
    /// Serializes settlement passes within the process.
    pub settlement_lock: Arc<tokio::sync::Mutex<()>>,
    /// The base URL report-document download links point at.
    pub public_url: String,
}
