//! Events and [`emit`]: the one call features make when something a seller
//! may want to hear about has happened.

use super::WEBHOOK_TOPIC;
use crate::tokens;
use ferry_platform::outbox;
use serde_json::{Value, json};
use sqlx::{AnyConnection, Row};

/// The event types, with the strings receivers match on (stable: never
/// rename one, add a new one instead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    PayoutReceived,
    PayoutHeld,
    PayoutReleased,
    PayoutReturned,
    ConversionCompleted,
    WithdrawalPending,
    WithdrawalSucceeded,
    WithdrawalFailed,
    WithdrawalReturned,
    StoreBindingChanged,
    KycStatusChanged,
    /// Sent only by "Send test event", to that one endpoint; nobody
    /// subscribes to it.
    EndpointTest,
}

impl EventType {
    /// The types an endpoint can subscribe to.
    pub const SUBSCRIBABLE: [Self; 11] = [
        Self::PayoutReceived,
        Self::PayoutHeld,
        Self::PayoutReleased,
        Self::PayoutReturned,
        Self::ConversionCompleted,
        Self::WithdrawalPending,
        Self::WithdrawalSucceeded,
        Self::WithdrawalFailed,
        Self::WithdrawalReturned,
        Self::StoreBindingChanged,
        Self::KycStatusChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::PayoutReceived => "payout.received",
            Self::PayoutHeld => "payout.held",
            Self::PayoutReleased => "payout.released",
            Self::PayoutReturned => "payout.returned",
            Self::ConversionCompleted => "conversion.completed",
            Self::WithdrawalPending => "withdrawal.pending",
            Self::WithdrawalSucceeded => "withdrawal.succeeded",
            Self::WithdrawalFailed => "withdrawal.failed",
            Self::WithdrawalReturned => "withdrawal.returned",
            Self::StoreBindingChanged => "store.binding_changed",
            Self::KycStatusChanged => "kyc.status_changed",
            Self::EndpointTest => "webhook_endpoint.test",
        }
    }

    /// A subscribable type from its string.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::SUBSCRIBABLE
            .into_iter()
            .find(|event_type| event_type.as_str() == raw)
    }
}

/// An endpoint subscribed to every type.
pub const ALL_EVENTS: &str = "*";

/// The body every attempt of an event sends, Stripe's shape: receivers
/// dedupe on `id`.
fn body(id: &str, event_type: EventType, data: &Value, now_ms: i64) -> String {
    json!({
        "id": id,
        "object": "event",
        "type": event_type.as_str(),
        "created": now_ms.div_euclid(1000),
        "data": data,
        // Ferry has no separate test mode yet: every account is live.
        "livemode": false,
    })
    .to_string()
}

async fn insert_event(
    conn: &mut AnyConnection,
    account_id: &str,
    event_type: EventType,
    data: &Value,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let id = tokens::new_id("evt");
    sqlx::query(
        "INSERT INTO webhook_events (id, account_id, event_type, body, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(event_type.as_str())
    .bind(body(&id, event_type, data, now_ms))
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(id)
}

/// What the outbox message of a delivery carries.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct DeliveryOrder {
    pub delivery_id: String,
    /// Sent again by hand from the log (the log marks its attempts).
    #[serde(default)]
    pub manual: bool,
}

/// Queues one delivery of `event_id` to `endpoint_id`.
async fn insert_delivery(
    conn: &mut AnyConnection,
    account_id: &str,
    event_id: &str,
    endpoint_id: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let id = tokens::new_id("whd");
    sqlx::query(
        "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, account_id, created_at_ms) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(&id)
    .bind(event_id)
    .bind(endpoint_id)
    .bind(account_id)
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    order(conn, &id, false, now_ms).await?;
    Ok(id)
}

/// The outbox message that makes the worker (re)send a delivery.
pub async fn order(
    conn: &mut AnyConnection,
    delivery_id: &str,
    manual: bool,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let order = DeliveryOrder {
        delivery_id: delivery_id.to_string(),
        manual,
    };
    let payload =
        serde_json::to_string(&order).map_err(|error| sqlx::Error::Encode(error.into()))?;
    outbox::enqueue(conn, WEBHOOK_TOPIC, &payload, now_ms).await?;
    Ok(())
}

fn subscribes(enabled_events: &str, event_type: EventType) -> bool {
    serde_json::from_str::<Vec<String>>(enabled_events).is_ok_and(|types| {
        types
            .iter()
            .any(|name| name == ALL_EVENTS || name == event_type.as_str())
    })
}

/// Records an event for `seller_account_id` and queues a delivery to each
/// of the seller's endpoints subscribed to its type. Call it with the
/// connection of the transaction that makes the change, so the event exists
/// exactly when the change does. Returns the event id (`evt_…`).
pub async fn emit(
    conn: &mut AnyConnection,
    seller_account_id: &str,
    event_type: EventType,
    data: Value,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let event_id = insert_event(conn, seller_account_id, event_type, &data, now_ms).await?;
    let endpoints = sqlx::query(
        "SELECT id, enabled_events FROM webhook_endpoints \
         WHERE account_id = $1 AND deleted_at_ms IS NULL ORDER BY id",
    )
    .bind(seller_account_id)
    .fetch_all(&mut *conn)
    .await?;
    for endpoint in endpoints {
        let enabled: String = endpoint.try_get("enabled_events")?;
        if subscribes(&enabled, event_type) {
            let endpoint_id: String = endpoint.try_get("id")?;
            insert_delivery(conn, seller_account_id, &event_id, &endpoint_id, now_ms).await?;
        }
    }
    Ok(event_id)
}

/// "Send test event": a `webhook_endpoint.test` event delivered to this
/// endpoint only. Returns the delivery id.
pub async fn send_test(
    conn: &mut AnyConnection,
    account_id: &str,
    endpoint_id: &str,
    now_ms: i64,
) -> Result<String, sqlx::Error> {
    let data = json!({ "endpoint_id": endpoint_id });
    let event_id = insert_event(conn, account_id, EventType::EndpointTest, &data, now_ms).await?;
    insert_delivery(conn, account_id, &event_id, endpoint_id, now_ms).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_strings_round_trip_and_the_test_type_is_not_subscribable() {
        for event_type in EventType::SUBSCRIBABLE {
            assert_eq!(EventType::parse(event_type.as_str()), Some(event_type));
        }
        assert_eq!(EventType::parse("webhook_endpoint.test"), None);
    }

    #[test]
    fn an_endpoint_hears_its_types_or_all_of_them() {
        assert!(subscribes(
            r#"["kyc.status_changed"]"#,
            EventType::KycStatusChanged
        ));
        assert!(!subscribes(
            r#"["kyc.status_changed"]"#,
            EventType::PayoutHeld
        ));
        assert!(subscribes(r#"["*"]"#, EventType::PayoutHeld));
    }
}
