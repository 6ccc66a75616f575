//! Webhooks: a seller registers HTTPS endpoints and Ferry POSTs them signed
//! events (payouts, conversions, withdrawals, store binding, verification).
//!
//! A feature calls [`emit`] inside the transaction of its change, so an
//! event exists exactly when the change committed. Each subscribed endpoint
//! gets a delivery driven by an outbox message (topic [`WEBHOOK_TOPIC`]):
//! retried with the outbox's backoff for 24 hours, every attempt written to
//! the delivery log. The recipe receivers verify with is in docs/webhooks.md.

mod api;
pub mod delivery;
pub mod endpoints;
pub mod events;
mod guard;
mod pages;
pub mod problem;
pub mod signature;

use crate::app::AppState;
use axum::Router;
use serde::{Deserialize, Serialize};

pub use delivery::Sender;
pub use events::{EventType, emit};

/// The outbox topic of webhook deliveries.
pub const WEBHOOK_TOPIC: &str = "webhook";

/// `[provider.webhooks]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct WebhookSettings {
    /// Deliver to loopback, private, link-local and other non-public
    /// addresses. Off in production (a seller could otherwise make Ferry
    /// call its own internal services); `ferry up` and the tests turn it on.
    pub allow_private_targets: bool,
    /// Accept only `https://` endpoint URLs. `ferry up` and the tests turn
    /// it off to reach a receiver on the same machine.
    pub require_https: bool,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            allow_private_targets: false,
            require_https: true,
        }
    }
}

impl WebhookSettings {
    /// What `ferry up` and the tests use: receivers on this machine, plain HTTP.
    pub fn local_development() -> Self {
        Self {
            allow_private_targets: true,
            require_https: false,
        }
    }
}

/// The JSON API and the page.
pub fn routes() -> Router<AppState> {
    Router::new().merge(api::routes()).merge(pages::routes())
}
