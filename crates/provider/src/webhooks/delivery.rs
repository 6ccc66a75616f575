//! Sending a delivery: what the outbox worker calls for topic `webhook`.
//! Each attempt signs the stored event body afresh (new timestamp, same
//! event id), POSTs it with a 10-second timeout, and writes the attempt to
//! the log. A 2xx answer delivers; anything else is retried with the
//! outbox's backoff until the outbox message is 24 hours old, when the
//! delivery gives up (a manual redelivery is a new message with 24 new
//! hours).

use super::WebhookSettings;
use super::events::DeliveryOrder;
use super::guard::{self, PublicOnly};
use super::signature::{self, SIGNATURE_HEADER};
use crate::app::now_ms;
use crate::connector::cipher::TokenCipher;
use crate::settings::Settings;
use crate::tokens;
use ferry_platform::db::Db;
use ferry_platform::outbox::{OutboxMessage, Outcome};
use reqwest::Url;
use sqlx::Row;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Retries stop once a delivery's outbox message is this old.
pub const RETRY_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;
const TIMEOUT: Duration = Duration::from_secs(10);
/// How much of the receiver's answer the log keeps.
const SNIPPET_CHARS: usize = 500;
/// How much of it is read at all (receivers may answer with anything).
const READ_LIMIT_BYTES: usize = 4096;

/// Delivers webhook outbox messages.
#[derive(Clone)]
pub struct Sender {
    db: Db,
    client: reqwest::Client,
    cipher: Arc<TokenCipher>,
    allow_private_targets: bool,
}

/// What one attempt produced.
struct Attempt {
    status_code: Option<u16>,
    error: Option<String>,
    snippet: Option<String>,
    duration_ms: i64,
}

impl Attempt {
    fn delivered(&self) -> bool {
        self.status_code
            .is_some_and(|code| (200..300).contains(&code))
    }

    fn why_not(&self) -> String {
        match (&self.error, self.status_code) {
            (Some(error), _) => error.clone(),
            (None, Some(code)) => format!("the endpoint answered {code}"),
            (None, None) => "no answer".into(),
        }
    }
}

/// The delivery's event and endpoint, read at attempt time so that a
/// deleted endpoint stops receiving.
struct Target {
    endpoint_id: String,
    url: String,
    secret_sealed: Vec<u8>,
    deleted: bool,
    event_id: String,
    body: String,
}

impl Sender {
    pub fn new(settings: &Settings, db: Db) -> Result<Self, String> {
        let webhooks: &WebhookSettings = &settings.webhooks;
        let mut builder = reqwest::Client::builder()
            .timeout(TIMEOUT)
            // A redirect is not a delivery, and following one could lead
            // to an address the guard never saw.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Ferry-Webhooks/", env!("CARGO_PKG_VERSION")));
        if !webhooks.allow_private_targets {
            // A proxy would resolve names itself, past the guard.
            builder = builder.no_proxy().dns_resolver(Arc::new(PublicOnly));
        }
        let cipher = TokenCipher::configured(
            settings.connector.token_encryption_key.as_ref(),
            Path::new(&settings.data_dir),
        )?;
        Ok(Self {
            db,
            client: builder.build().map_err(|error| error.to_string())?,
            cipher: Arc::new(cipher),
            allow_private_targets: webhooks.allow_private_targets,
        })
    }

    pub async fn deliver(&self, message: &OutboxMessage) -> Outcome {
        let order: DeliveryOrder = match serde_json::from_str(&message.payload) {
            Ok(order) => order,
            Err(error) => return Outcome::GiveUp(format!("unreadable webhook order: {error}")),
        };
        let target = match self.target(&order.delivery_id).await {
            Ok(Some(target)) => target,
            Ok(None) => return Outcome::GiveUp("the delivery does not exist".into()),
            Err(error) => return Outcome::Retry(format!("cannot read the delivery: {error}")),
        };
        if target.deleted {
            return Outcome::GiveUp("the endpoint was deleted".into());
        }
        let secret = match self.cipher.open(&target.secret_sealed, &target.endpoint_id) {
            Ok(secret) => secret,
            Err(error) => {
                return Outcome::GiveUp(format!("cannot open the signing secret: {error}"));
            }
        };
        let attempt = self.attempt(&target, &secret).await;
        let now = now_ms();
        let outcome = if attempt.delivered() {
            Outcome::Delivered
        } else if now - message.created_at_ms >= RETRY_WINDOW_MS {
            Outcome::GiveUp(format!("{}; retried for 24 hours", attempt.why_not()))
        } else {
            Outcome::Retry(attempt.why_not())
        };
        let recorded = self
            .record(&order, &target, message.attempt, &attempt, &outcome, now)
            .await;
        if let Err(error) = recorded {
            // The attempt happened either way; the log is what was lost.
            tracing::error!(%error, delivery = %order.delivery_id, "cannot write the webhook delivery log");
        }
        outcome
    }

    async fn target(&self, delivery_id: &str) -> Result<Option<Target>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT d.endpoint_id, e.url, e.secret_sealed, e.deleted_at_ms, ev.id AS event_id, ev.body \
             FROM webhook_deliveries d \
             JOIN webhook_endpoints e ON e.id = d.endpoint_id \
             JOIN webhook_events ev ON ev.id = d.event_id \
             WHERE d.id = $1",
        )
        .bind(delivery_id)
        .fetch_optional(self.db.reader())
        .await?;
        row.map(|row| {
            Ok(Target {
                endpoint_id: row.try_get("endpoint_id")?,
                url: row.try_get("url")?,
                secret_sealed: row.try_get("secret_sealed")?,
                deleted: row.try_get::<Option<i64>, _>("deleted_at_ms")?.is_some(),
                event_id: row.try_get("event_id")?,
                body: row.try_get("body")?,
            })
        })
        .transpose()
    }

    /// The URL's host is an IP literal off the public internet (names are
    /// checked by the resolver).
    fn refused_literal(&self, url: &str) -> bool {
        !self.allow_private_targets
            && Url::parse(url)
                .ok()
                .and_then(|url| url.host_str().map(guard::is_internal_literal))
                .unwrap_or(false)
    }

    async fn attempt(&self, target: &Target, secret: &str) -> Attempt {
        let started = Instant::now();
        let elapsed_ms = || i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
        if self.refused_literal(&target.url) {
            return Attempt {
                status_code: None,
                error: Some(guard::REFUSED_PRIVATE.into()),
                snippet: None,
                duration_ms: 0,
            };
        }
        let header = signature::header(secret, now_ms().div_euclid(1000), target.body.as_bytes());
        let sent = self
            .client
            .post(&target.url)
            .header("Content-Type", "application/json")
            .header(SIGNATURE_HEADER, header)
            .header("Ferry-Event-Id", &target.event_id)
            .body(target.body.clone())
            .send()
            .await;
        match sent {
            Ok(mut response) => {
                let status_code = Some(response.status().as_u16());
                let snippet = read_snippet(&mut response).await;
                Attempt {
                    status_code,
                    error: None,
                    snippet: Some(snippet),
                    duration_ms: elapsed_ms(),
                }
            }
            Err(error) => Attempt {
                status_code: None,
                error: Some(describe(&error)),
                snippet: None,
                duration_ms: elapsed_ms(),
            },
        }
    }

    async fn record(
        &self,
        order: &DeliveryOrder,
        target: &Target,
        attempt_number: i64,
        attempt: &Attempt,
        outcome: &Outcome,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let outcome_code = match outcome {
            Outcome::Delivered => "delivered",
            Outcome::Retry(_) => "retrying",
            Outcome::GiveUp(_) => "gave_up",
        };
        let mut tx = self.db.begin().await?;
        sqlx::query(
            "INSERT INTO webhook_attempts (id, delivery_id, endpoint_id, attempt, manual, outcome, \
             status_code, error, response_snippet, duration_ms, at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(tokens::new_id("wha"))
        .bind(&order.delivery_id)
        .bind(&target.endpoint_id)
        .bind(attempt_number)
        .bind(i64::from(order.manual))
        .bind(outcome_code)
        .bind(attempt.status_code.map(i64::from))
        .bind(attempt.error.as_deref())
        .bind(attempt.snippet.as_deref())
        .bind(attempt.duration_ms)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let column = match outcome {
            Outcome::Delivered => Some("delivered_at_ms"),
            Outcome::GiveUp(_) => Some("gave_up_at_ms"),
            Outcome::Retry(_) => None,
        };
        if let Some(column) = column {
            let sql = format!("UPDATE webhook_deliveries SET {column} = $1 WHERE id = $2");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(now)
                .bind(&order.delivery_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }
}

/// The start of the answer, at most [`READ_LIMIT_BYTES`] read.
async fn read_snippet(response: &mut reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < READ_LIMIT_BYTES {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    String::from_utf8_lossy(&bytes)
        .chars()
        .take(SNIPPET_CHARS)
        .collect()
}

/// A transport error with its causes (the guard's refusal is one of them).
fn describe(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "timed out after 10 seconds".into();
    }
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
