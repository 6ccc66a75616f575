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
}
