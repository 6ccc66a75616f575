//! The marketplace connector: a Login-with-Amazon and SP-API client whose
//! hosts come from the settings (the sandbox by default; Amazon's regional
//! hosts by configuration). It honours 429 with `x-amzn-RateLimit-Limit`,
//! times out, retries a bounded number of times, caches access tokens until
//! they expire, and maps failures to what a seller can act on.

pub mod cipher;
pub mod reports;
pub mod sandbox;

use crate::receiving::problem::StoreProblem;
use ferry_platform::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// `[provider.connector]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ConnectorSettings {
    /// LWA's token endpoint (Amazon: `https://api.amazon.com/auth/o2/token`).
    pub lwa_token_url: String,
    /// The SP-API host (Amazon: `https://sellingpartnerapi-na.amazon.com`
    /// and the EU and FE hosts).
    pub sp_api_url: String,
    /// Where sellers consent. Unset: the marketplace's own Seller Central
    /// host from the marketplace table.
    pub seller_central_url: Option<String>,
    /// Ferry's app in the Selling Partner Appstore.
    pub application_id: String,
    pub client_id: String,
    pub client_secret: Secret<String>,
    /// The OAuth redirect URI registered with the app. Unset: the portal's
    /// address + `/stores/oauth/callback`.
    pub redirect_uri: Option<String>,
    /// The legacy "Seller ID + MWS auth token" check. Amazon retired MWS in
    /// 2024, so against Amazon this stays unset and only OAuth is offered;
    /// the sandbox still answers it.
    pub mws_verify_url: Option<String>,
    pub mws_developer_id: Option<String>,
    /// Base64 of 32 bytes. Unset: a key generated into the data folder.
    pub token_encryption_key: Option<Secret<String>>,
    pub request_timeout_ms: u64,
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// A 429 whose rate implies a longer wait than this is not retried:
    /// the seller is told when to try again instead.
    pub max_rate_limit_wait_ms: u64,
    /// How often the yearly re-authorization reminders are looked for
    /// (`stores::reminders`); 0 turns the job off in this process.
    pub reminder_interval_ms: u64,
}

pub const SANDBOX_URL: &str = "http://127.0.0.1:8090";

impl Default for ConnectorSettings {
    fn default() -> Self {
        Self {
            lwa_token_url: format!("{SANDBOX_URL}/auth/o2/token"),
            sp_api_url: SANDBOX_URL.into(),
            seller_central_url: Some(SANDBOX_URL.into()),
            application_id: String::new(),
            client_id: String::new(),
            client_secret: Secret::default(),
            redirect_uri: None,
            mws_verify_url: Some(format!("{SANDBOX_URL}/sandbox/v1/mws/verify")),
            mws_developer_id: None,
            token_encryption_key: None,
            request_timeout_ms: 5_000,
            max_attempts: 3,
            max_rate_limit_wait_ms: 2_000,
            reminder_interval_ms: 60 * 60 * 1000,
        }
    }
}

/// Why a marketplace call did not give an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorError {
    /// LWA's `invalid_grant`: the code or refresh token is expired or revoked.
    InvalidGrant,
    /// 429 beyond what is worth waiting for.
    RateLimited { retry_after_s: u64 },
    /// Timeouts, connection failures, 5xx, after the retries.
    Unavailable,
    /// The marketplace refused the request; its message.
    Refused(String),
}

impl From<ConnectorError> for StoreProblem {
    fn from(error: ConnectorError) -> Self {
        match error {
            ConnectorError::InvalidGrant => Self::ExpiredOrRevoked,
            ConnectorError::RateLimited { retry_after_s } => {
                Self::MarketplaceBusy { retry_after_s }
            }
            ConnectorError::Unavailable => Self::MarketplaceUnavailable,
            ConnectorError::Refused(message) => Self::MarketplaceRefused(message),
        }
    }
}

/// What LWA's grantless grant hands out: a token for the app itself.
#[derive(Debug, Clone, Deserialize)]
struct GrantlessToken {
    access_token: String,
}

/// The grantless scope of the Authorization API (MWS → SP-API migration).
const MIGRATION_SCOPE: &str = "sellingpartnerapi::migration";

/// What LWA hands out.
#[derive(Debug, Clone, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: u64,
}

struct CachedToken {
    access_token: String,
    expires_at: Instant,
}

/// An access token is dropped this long before LWA says it expires, so a
/// request never leaves with one that dies on the way.
const EXPIRY_MARGIN: Duration = Duration::from_secs(60);
/// The first retry's pause after a timeout or 5xx; it doubles each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

pub struct Connector {
    http: reqwest::Client,
    pub settings: ConnectorSettings,
    /// Keyed by the SHA-256 of the refresh token.
    cache: Mutex<HashMap<String, CachedToken>>,
}

impl Connector {
    pub fn new(settings: ConnectorSettings) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .timeout(Duration::from_millis(settings.request_timeout_ms))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| format!("the marketplace HTTP client: {error}"))?;
        Ok(Self {
            http,
            settings,
            cache: Mutex::new(HashMap::new()),
        })
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// `grant_type=authorization_code`: the OAuth callback's code for tokens.
    pub async fn exchange_code(
        &self,
        code: &str,
        redirect_uri: &str,
    ) -> Result<Tokens, ConnectorError> {
        let tokens = self
            .token_request(&[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
            ])
            .await?;
        self.remember(&tokens);
        Ok(tokens)
    }

    /// Moves a seller's MWS authorization of Ferry's developer ID to
    /// SP-API (Authorization API v1): a grantless migration token, then
    /// `getAuthorizationCode`, then the code for tokens like a consent's
    /// code (a migration code is sent to no redirect URI).
    pub async fn migrate_mws_authorization(
        &self,
        seller_id: &str,
        developer_id: &str,
        mws_auth_token: &str,
    ) -> Result<Tokens, ConnectorError> {
        let grantless: GrantlessToken = self
            .token_request(&[
                ("grant_type", "client_credentials"),
                ("scope", MIGRATION_SCOPE),
            ])
            .await?;
        let code = self
            .authorization_code(
                &grantless.access_token,
                seller_id,
                developer_id,
                mws_auth_token,
            )
            .await?;
        let tokens: Tokens = self
            .token_request(&[("grant_type", "authorization_code"), ("code", &code)])
            .await?;
        self.remember(&tokens);
        Ok(tokens)
    }

    /// `GET /authorization/v1/authorizationCode` with a grantless token.
    async fn authorization_code(
        &self,
        grantless_token: &str,
        seller_id: &str,
        developer_id: &str,
        mws_auth_token: &str,
    ) -> Result<String, ConnectorError> {
        let url = format!(
            "{}/authorization/v1/authorizationCode",
            self.settings.sp_api_url.trim_end_matches('/')
        );
        let query = [
            ("sellingPartnerId", seller_id),
            ("developerId", developer_id),
            ("mwsAuthToken", mws_auth_token),
        ];
        for attempt in 1..=self.attempts() {
            let sent = self
                .http
                .get(&url)
                .query(&query)
                .header("x-amz-access-token", grantless_token)
                .send()
                .await;
            let response = match sent {
                Ok(response) if !response.status().is_server_error() => response,
                _ => {
                    self.back_off(attempt).await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            return match status {
                200..=299 => body["payload"]["authorizationCode"]
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ConnectorError::Refused("the answer has no code".into())),
                // One request per second: a second pause is not worth it
                // in a seller's request; the seller is asked to try again.
                429 => Err(ConnectorError::RateLimited { retry_after_s: 1 }),
                _ => Err(ConnectorError::Refused(sp_api_message(&body))),
            };
        }
        Err(ConnectorError::Unavailable)
    }

    /// A live access token for `refresh_token`, from the cache while it lasts.
    pub async fn access_token(&self, refresh_token: &str) -> Result<String, ConnectorError> {
        if let Some(token) = self.cached(refresh_token) {
            return Ok(token);
        }
        let tokens = self
            .token_request(&[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ])
            .await?;
        self.remember(&tokens);
        Ok(tokens.access_token)
    }

    fn cache_key(refresh_token: &str) -> String {
        hex::encode(Sha256::digest(refresh_token.as_bytes()))
    }

    fn cached(&self, refresh_token: &str) -> Option<String> {
        let cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(&Self::cache_key(refresh_token))
            .filter(|cached| cached.expires_at > Instant::now())
            .map(|cached| cached.access_token.clone())
    }

    fn remember(&self, tokens: &Tokens) {
        let lifetime = Duration::from_secs(tokens.expires_in).saturating_sub(EXPIRY_MARGIN);
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.insert(
            Self::cache_key(&tokens.refresh_token),
            CachedToken {
                access_token: tokens.access_token.clone(),
                expires_at: Instant::now() + lifetime,
            },
        );
    }

    fn forget(&self, refresh_token: &str) {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.remove(&Self::cache_key(refresh_token));
    }

    async fn token_request<T: serde::de::DeserializeOwned>(
        &self,
        grant: &[(&str, &str)],
    ) -> Result<T, ConnectorError> {
        let mut form: Vec<(&str, &str)> = grant.to_vec();
        form.push(("client_id", &self.settings.client_id));
        form.push(("client_secret", self.settings.client_secret.expose()));
        for attempt in 1..=self.attempts() {
            let sent = self
                .http
                .post(&self.settings.lwa_token_url)
                .form(&form)
                .send()
                .await;
            let response = match sent {
                Ok(response) if response.status().is_server_error() => None,
                Ok(response) => Some(response),
                Err(_) => None,
            };
            let Some(response) = response else {
                self.back_off(attempt).await;
                continue;
            };
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if status.is_success() {
                return serde_json::from_value(body)
                    .map_err(|_| ConnectorError::Refused("LWA's answer has no tokens".into()));
            }
            return Err(match body["error"].as_str() {
                Some("invalid_grant") => ConnectorError::InvalidGrant,
                _ => ConnectorError::Refused(
                    body["error_description"]
                        .as_str()
                        .unwrap_or("Login with Amazon refused the request")
                        .to_string(),
                ),
            });
        }
        Err(ConnectorError::Unavailable)
    }

    fn attempts(&self) -> u32 {
        self.settings.max_attempts.max(1)
    }

    /// Sleeps before the next attempt, unless `attempt` was the last.
    async fn back_off(&self, attempt: u32) {
        if attempt < self.attempts() {
            tokio::time::sleep(FIRST_BACKOFF * 2_u32.pow(attempt - 1)).await;
        }
    }

    /// `GET` an SP-API operation for the store behind `refresh_token`.
    pub async fn get(
        &self,
        refresh_token: &str,
        path_and_query: &str,
    ) -> Result<Value, ConnectorError> {
        let url = format!(
            "{}{path_and_query}",
            self.settings.sp_api_url.trim_end_matches('/')
        );
        for attempt in 1..=self.attempts() {
            let access_token = self.access_token(refresh_token).await?;
            let sent = self
                .http
                .get(&url)
                .header("x-amz-access-token", access_token)
                .send()
                .await;
            let response = match sent {
                Ok(response) => response,
                Err(_) => {
                    self.back_off(attempt).await;
                    continue;
                }
            };
            let status = response.status().as_u16();
            let rate = response
                .headers()
                .get("x-amzn-ratelimit-limit")
                .and_then(|value| value.to_str().ok())
                .and_then(micro_requests_per_s);
            let body: Value = response.json().await.unwrap_or(Value::Null);
            match status {
                200..=299 => return Ok(body),
                429 => {
                    // One request's worth of the rate: 1 / rate seconds.
                    let wait_ms = rate.map_or(1_000, |micro| 1_000_000_000_u64.div_ceil(micro));
                    if wait_ms > self.settings.max_rate_limit_wait_ms || attempt == self.attempts()
                    {
                        return Err(ConnectorError::RateLimited {
                            retry_after_s: wait_ms.div_ceil(1_000),
                        });
                    }
                    tokio::time::sleep(Duration::from_millis(wait_ms)).await;
                }
                // An access token can die before its stated expiry (a
                // revoked authorization): drop it and ask LWA again, which
                // answers invalid_grant when the refresh token is dead too.
                403 if attempt < self.attempts() => self.forget(refresh_token),
                500..=599 => self.back_off(attempt).await,
                _ => return Err(ConnectorError::Refused(sp_api_message(&body))),
            }
        }
        Err(ConnectorError::Unavailable)
    }
}

/// `x-amzn-RateLimit-Limit` (`"0.0167"`, `"2"`, `"0.5"`) in millionths of a
/// request per second, read as a decimal so no float is involved.
pub fn micro_requests_per_s(header: &str) -> Option<u64> {
    let (whole, fraction) = header.trim().split_once('.').unwrap_or((header.trim(), ""));
    let whole: u64 = whole.parse().ok()?;
    let fraction: String = fraction.chars().chain("000000".chars()).take(6).collect();
    let fraction: u64 = fraction.parse().ok()?;
    Some(whole * 1_000_000 + fraction).filter(|micro| *micro > 0)
}

fn sp_api_message(body: &Value) -> String {
    body["errors"][0]["message"]
        .as_str()
        .unwrap_or("the Selling Partner API refused the request")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_header_is_read_exactly() {
        assert_eq!(micro_requests_per_s("0.016"), Some(16_000));
        assert_eq!(micro_requests_per_s("0.0167"), Some(16_700));
        assert_eq!(micro_requests_per_s("0.5"), Some(500_000));
        assert_eq!(micro_requests_per_s("2"), Some(2_000_000));
        assert_eq!(micro_requests_per_s("0"), None);
        assert_eq!(micro_requests_per_s("fast"), None);
    }
}
