//! Store binding: Ferry's authorization for the store a receiving account
//! is for, obtained the seed's way (Seller ID + MWS auth token, where the
//! marketplace still answers it) or today's way (SP-API OAuth), and the
//! checks that the store really pays out to the account.

mod api;
pub mod binding;
pub mod checks;
pub mod planner;
pub mod reminders;

use crate::app::AppState;
use axum::Router;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

pub use api::CALLBACK_PATH;

pub fn routes() -> Router<AppState> {
    api::routes()
}

/// Authorizations are renewed yearly in Manage Your Apps.
pub const AUTHORIZATION_LIFETIME_MS: i64 = 365 * 86_400_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    OAuth,
    Mws,
}

impl Method {
    pub fn code(self) -> &'static str {
        match self {
            Self::OAuth => "oauth",
            Self::Mws => "mws",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        [Self::OAuth, Self::Mws]
            .into_iter()
            .find(|m| m.code() == code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindingState {
    /// Ferry holds an authorization; the store is not checked yet (or cannot
    /// be: an MWS token gives no SP-API access).
    Authorized,
    /// The store's default deposit method is not this account yet.
    WaitingForDepositMethod,
    /// Participation, business name and default deposit method all agree.
    Bound,
    /// Something disagrees; a business-name mismatch goes to compliance review.
    Mismatch,
    /// LWA answered `invalid_grant`: re-authorize.
    ExpiredOrRevoked,
}

impl BindingState {
    pub const ALL: [Self; 5] = [
        Self::Authorized,
        Self::WaitingForDepositMethod,
        Self::Bound,
        Self::Mismatch,
        Self::ExpiredOrRevoked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::Authorized => "authorized",
            Self::WaitingForDepositMethod => "waiting_for_deposit_method",
            Self::Bound => "bound",
            Self::Mismatch => "mismatch",
            Self::ExpiredOrRevoked => "expired_or_revoked",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.code() == code)
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub receiving_account_id: String,
    pub method: Method,
    pub refresh_token_sealed: Option<Vec<u8>>,
    pub state: BindingState,
    pub findings: Value,
    pub authorized_at_ms: i64,
    pub reauthorize_by_at_ms: i64,
    pub checked_at_ms: Option<i64>,
}

impl Binding {
    pub fn to_json(&self) -> Value {
        json!({
            "method": self.method.code(),
            "state": self.state.code(),
            "findings": self.findings,
            "authorized_at_ms": self.authorized_at_ms,
            "reauthorize_by_ms": self.reauthorize_by_at_ms,
            "checked_at_ms": self.checked_at_ms,
        })
    }
}

pub async fn binding_of(
    conn: &mut AnyConnection,
    receiving_account_id: &str,
) -> Result<Option<Binding>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT receiving_account_id, method, refresh_token_sealed, state, findings, \
         authorized_at_ms, reauthorize_by_at_ms, checked_at_ms FROM store_bindings \
         WHERE receiving_account_id = $1",
    )
    .bind(receiving_account_id)
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let corrupt = |what: &str| sqlx::Error::Protocol(format!("stored binding {what} is unknown"));
    let findings: String = row.try_get("findings")?;
    Ok(Some(Binding {
        receiving_account_id: row.try_get("receiving_account_id")?,
        method: Method::parse(&row.try_get::<String, _>("method")?)
            .ok_or_else(|| corrupt("method"))?,
        refresh_token_sealed: row.try_get("refresh_token_sealed")?,
        state: BindingState::parse(&row.try_get::<String, _>("state")?)
            .ok_or_else(|| corrupt("state"))?,
        findings: serde_json::from_str(&findings).unwrap_or(Value::Null),
        authorized_at_ms: row.try_get("authorized_at_ms")?,
        reauthorize_by_at_ms: row.try_get("reauthorize_by_at_ms")?,
        checked_at_ms: row.try_get("checked_at_ms")?,
    }))
}

/// Inserts or replaces the binding of an account; a new state is announced
/// to the seller's webhooks (`store.binding_changed`).
pub async fn save(
    conn: &mut AnyConnection,
    account_id: &str,
    binding: &Binding,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let previous: Option<String> =
        sqlx::query("SELECT state FROM store_bindings WHERE receiving_account_id = $1")
            .bind(&binding.receiving_account_id)
            .fetch_optional(&mut *conn)
            .await?
            .map(|row| row.try_get("state"))
            .transpose()?;
    sqlx::query(
        "INSERT INTO store_bindings (receiving_account_id, account_id, method, refresh_token_sealed, \
         state, findings, authorized_at_ms, reauthorize_by_at_ms, checked_at_ms, updated_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (receiving_account_id) DO UPDATE SET method = excluded.method, \
         refresh_token_sealed = excluded.refresh_token_sealed, state = excluded.state, \
         findings = excluded.findings, authorized_at_ms = excluded.authorized_at_ms, \
         reauthorize_by_at_ms = excluded.reauthorize_by_at_ms, checked_at_ms = excluded.checked_at_ms, \
         last_reminder_days = CASE WHEN store_bindings.authorized_at_ms = excluded.authorized_at_ms \
         THEN store_bindings.last_reminder_days END, updated_at_ms = excluded.updated_at_ms",
    )
    .bind(&binding.receiving_account_id)
    .bind(account_id)
    .bind(binding.method.code())
    .bind(binding.refresh_token_sealed.clone())
    .bind(binding.state.code())
    .bind(binding.findings.to_string())
    .bind(binding.authorized_at_ms)
    .bind(binding.reauthorize_by_at_ms)
    .bind(binding.checked_at_ms)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    if previous.as_deref() != Some(binding.state.code()) {
        let data = json!({
            "receiving_account_id": binding.receiving_account_id,
            "state": binding.state.code(),
            "previous_state": previous,
            "method": binding.method.code(),
        });
        crate::webhooks::emit(
            conn,
            account_id,
            crate::webhooks::EventType::StoreBindingChanged,
            data,
            now_ms,
        )
        .await?;
    }
    Ok(())
}
