//! Endpoints: where a seller wants events, which ones, and the secret they
//! are signed with; the delivery log and manual redelivery.

use super::WebhookSettings;
use super::events::{self, ALL_EVENTS, EventType};
use super::guard;
use super::problem::{Fail, MAX_ENDPOINTS, WebhookProblem};
use crate::accounts::sessions::Current;
use crate::accounts::team::{self, Permission};
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::tokens;
use reqwest::Url;
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

const MAX_URL_CHARS: usize = 2048;
const MAX_DESCRIPTION_CHARS: usize = 200;
/// How many attempts the log shows.
const LOG_LIMIT: i64 = 100;

/// An endpoint URL that passed the rules of [`WebhookSettings`]. Names
/// that resolve to private addresses are refused again at delivery, where
/// the address really used is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointUrl(String);

impl EndpointUrl {
    pub fn parse(raw: &str, settings: &WebhookSettings) -> Result<Self, WebhookProblem> {
        let raw = raw.trim();
        if raw.chars().count() > MAX_URL_CHARS {
            return Err(WebhookProblem::InvalidUrl);
        }
        let url = Url::parse(raw).map_err(|_| WebhookProblem::InvalidUrl)?;
        let host = url.host_str().ok_or(WebhookProblem::InvalidUrl)?;
        match url.scheme() {
            "https" => {}
            "http" if !settings.require_https => {}
            "http" => return Err(WebhookProblem::UrlNotHttps),
            _ => return Err(WebhookProblem::InvalidUrl),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(WebhookProblem::UrlWithCredentials);
        }
        if !settings.allow_private_targets && names_private_host(host) {
            return Err(WebhookProblem::UrlPrivate);
        }
        Ok(Self(url.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An IP literal off the public internet, or a name that only ever means
/// this machine (RFC 6761), refused at once rather than at every delivery.
fn names_private_host(host: &str) -> bool {
    let name = host.trim_end_matches('.').to_ascii_lowercase();
    guard::is_internal_literal(host) || name == "localhost" || name.ends_with(".localhost")
}

/// The subscribed types: known strings, or `*` alone.
fn parse_events(raw: &[String]) -> Result<Vec<String>, WebhookProblem> {
    if raw.iter().any(|name| name == ALL_EVENTS) {
        return Ok(vec![ALL_EVENTS.to_string()]);
    }
    let mut types = Vec::new();
    for name in raw {
        let parsed = EventType::parse(name.trim())
            .ok_or_else(|| WebhookProblem::UnknownEventType(name.clone()))?;
        if !types.contains(&parsed.as_str().to_string()) {
            types.push(parsed.as_str().to_string());
        }
    }
    if types.is_empty() {
        return Err(WebhookProblem::NoEventTypes);
    }
    Ok(types)
}

fn parse_description(raw: Option<&str>) -> Result<String, WebhookProblem> {
    let description = raw.unwrap_or("").trim();
    if description.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(WebhookProblem::InvalidDescription);
    }
    Ok(description.to_string())
}

#[derive(Debug, Deserialize)]
pub struct NewEndpoint {
    pub url: String,
    pub enabled_events: Vec<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: String,
    pub url: String,
    pub description: String,
    pub enabled_events: Vec<String>,
    pub created_at_ms: i64,
}

impl Endpoint {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "url": self.url,
            "description": self.description,
            "enabled_events": self.enabled_events,
            "created_at_ms": self.created_at_ms,
        })
    }
}

/// Endpoints are where the account's events go: owner and admins.
pub fn require_manager(current: &Current) -> Result<(), Problem> {
    team::require(current, Permission::ManageWebhooks)
}

/// Creates an endpoint; the answer carries the signing secret, which is
/// shown this once.
pub async fn create(
    app: &AppState,
    current: &Current,
    request: &NewEndpoint,
) -> Result<(Endpoint, String), Fail> {
    require_manager(current)?;
    let url = EndpointUrl::parse(&request.url, &app.webhooks)?;
    let enabled_events = parse_events(&request.enabled_events)?;
    let description = parse_description(request.description.as_deref())?;
    let account_id = &current.user.account_id;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    let existing: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM webhook_endpoints WHERE account_id = $1 AND deleted_at_ms IS NULL",
    )
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await?
    .try_get("n")?;
    if existing >= MAX_ENDPOINTS {
        return Err(WebhookProblem::TooManyEndpoints.into());
    }
    let endpoint = Endpoint {
        id: tokens::new_id("we"),
        url: url.as_str().to_string(),
        description,
        enabled_events,
        created_at_ms: now,
    };
    let secret = format!("whsec_{}", tokens::generate());
    let sealed = app
        .collection
        .cipher
        .seal(&secret, &endpoint.id)
        .map_err(Fail::internal)?;
    sqlx::query(
        "INSERT INTO webhook_endpoints (id, account_id, url, description, enabled_events, \
         secret_sealed, created_by, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&endpoint.id)
    .bind(account_id)
    .bind(&endpoint.url)
    .bind(&endpoint.description)
    .bind(json!(endpoint.enabled_events).to_string())
    .bind(sealed)
    .bind(&current.user.id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((endpoint, secret))
}

fn endpoint_from(row: &sqlx::any::AnyRow) -> Result<Endpoint, sqlx::Error> {
    let enabled: String = row.try_get("enabled_events")?;
    Ok(Endpoint {
        id: row.try_get("id")?,
        url: row.try_get("url")?,
        description: row.try_get("description")?,
        enabled_events: serde_json::from_str(&enabled).unwrap_or_default(),
        created_at_ms: row.try_get("created_at_ms")?,
    })
}

pub async fn list(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<Vec<Endpoint>, sqlx::Error> {
    sqlx::query(
        "SELECT id, url, description, enabled_events, created_at_ms FROM webhook_endpoints \
         WHERE account_id = $1 AND deleted_at_ms IS NULL ORDER BY created_at_ms, id",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?
    .iter()
    .map(endpoint_from)
    .collect()
}

/// A live endpoint of the account; another account's id is not found.
pub async fn get(
    conn: &mut AnyConnection,
    account_id: &str,
    id: &str,
) -> Result<Option<Endpoint>, sqlx::Error> {
    sqlx::query(
        "SELECT id, url, description, enabled_events, created_at_ms FROM webhook_endpoints \
         WHERE id = $1 AND account_id = $2 AND deleted_at_ms IS NULL",
    )
    .bind(id)
    .bind(account_id)
    .fetch_optional(conn)
    .await?
    .as_ref()
    .map(endpoint_from)
    .transpose()
}

/// Deletes an endpoint: it gets nothing more, pending retries stop; its log stays.
pub async fn delete(app: &AppState, current: &Current, id: &str) -> Result<(), Fail> {
    require_manager(current)?;
    let deleted = sqlx::query(
        "UPDATE webhook_endpoints SET deleted_at_ms = $1 \
         WHERE id = $2 AND account_id = $3 AND deleted_at_ms IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .bind(&current.user.account_id)
    .execute(app.db.writer())
    .await?;
    if deleted.rows_affected() == 0 {
        return Err(Problem::NotFound.into());
    }
    Ok(())
}

/// Queues a `webhook_endpoint.test` event to the endpoint; returns the delivery id.
pub async fn send_test(app: &AppState, current: &Current, id: &str) -> Result<String, Fail> {
    require_manager(current)?;
    let mut tx = app.db.begin().await?;
    let account_id = &current.user.account_id;
    get(&mut tx, account_id, id)
        .await?
        .ok_or(Problem::NotFound)?;
    let delivery_id = events::send_test(&mut tx, account_id, id, now_ms()).await?;
    tx.commit().await?;
    Ok(delivery_id)
}

/// A queued redelivery.
pub struct Redelivery {
    pub event_id: String,
    pub endpoint_id: String,
}

/// Sends a delivery again, same event id and body, with a fresh 24 hours
/// of retries.
pub async fn redeliver(
    app: &AppState,
    current: &Current,
    delivery_id: &str,
) -> Result<Redelivery, Fail> {
    require_manager(current)?;
    let mut tx = app.db.begin().await?;
    let row = sqlx::query(
        "SELECT d.event_id, d.endpoint_id FROM webhook_deliveries d \
         JOIN webhook_endpoints e ON e.id = d.endpoint_id \
         WHERE d.id = $1 AND d.account_id = $2 AND e.deleted_at_ms IS NULL",
    )
    .bind(delivery_id)
    .bind(&current.user.account_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(Problem::NotFound)?;
    let redelivery = Redelivery {
        event_id: row.try_get("event_id")?,
        endpoint_id: row.try_get("endpoint_id")?,
    };
    events::order(&mut tx, delivery_id, true, now_ms()).await?;
    tx.commit().await?;
    Ok(redelivery)
}

/// The newest attempts to an endpoint, newest first.
pub async fn log(conn: &mut AnyConnection, endpoint_id: &str) -> Result<Vec<Value>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.id, a.delivery_id, d.event_id, ev.event_type, a.attempt, a.manual, a.outcome, \
         a.status_code, a.error, a.response_snippet, a.duration_ms, a.at_ms \
         FROM webhook_attempts a \
         JOIN webhook_deliveries d ON d.id = a.delivery_id \
         JOIN webhook_events ev ON ev.id = d.event_id \
         WHERE a.endpoint_id = $1 ORDER BY a.at_ms DESC, a.id DESC LIMIT $2",
    )
    .bind(endpoint_id)
    .bind(LOG_LIMIT)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(json!({
                "id": row.try_get::<String, _>("id")?,
                "delivery_id": row.try_get::<String, _>("delivery_id")?,
                "event_id": row.try_get::<String, _>("event_id")?,
                "event_type": row.try_get::<String, _>("event_type")?,
                "attempt": row.try_get::<i64, _>("attempt")?,
                "manual": row.try_get::<i64, _>("manual")? == 1,
                "outcome": row.try_get::<String, _>("outcome")?,
                "status_code": row.try_get::<Option<i64>, _>("status_code")?,
                "error": row.try_get::<Option<String>, _>("error")?,
                "response_snippet": row.try_get::<Option<String>, _>("response_snippet")?,
                "duration_ms": row.try_get::<i64, _>("duration_ms")?,
                "at_ms": row.try_get::<i64, _>("at_ms")?,
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_urls_are_public_https_without_credentials() {
        let production = WebhookSettings::default();
        assert!(EndpointUrl::parse("https://example.com/hooks", &production).is_ok());
        let refused = [
            ("http://example.com/hooks", WebhookProblem::UrlNotHttps),
            ("https://127.0.0.1/hooks", WebhookProblem::UrlPrivate),
            ("https://[::1]/hooks", WebhookProblem::UrlPrivate),
            ("https://localhost:8443/", WebhookProblem::UrlPrivate),
            ("https://169.254.169.254/latest", WebhookProblem::UrlPrivate),
            (
                "https://u:p@example.com/",
                WebhookProblem::UrlWithCredentials,
            ),
            ("ftp://example.com/", WebhookProblem::InvalidUrl),
            ("example.com/hooks", WebhookProblem::InvalidUrl),
        ];
        for (raw, problem) in refused {
            assert_eq!(EndpointUrl::parse(raw, &production), Err(problem), "{raw}");
        }
        let local = WebhookSettings::local_development();
        assert!(EndpointUrl::parse("http://127.0.0.1:9000/hooks", &local).is_ok());
    }

    #[test]
    fn events_are_known_types_or_all() {
        assert_eq!(
            parse_events(&["kyc.status_changed".into(), "kyc.status_changed".into()]),
            Ok(vec!["kyc.status_changed".to_string()])
        );
        assert_eq!(parse_events(&["*".into()]), Ok(vec!["*".to_string()]));
        assert_eq!(parse_events(&[]), Err(WebhookProblem::NoEventTypes));
        assert_eq!(
            parse_events(&["payout.sent".into()]),
            Err(WebhookProblem::UnknownEventType("payout.sent".into()))
        );
    }
}
