//! Receiving accounts: local bank details per currency, issued from
//! partner-bank programmes to sellers whose real-name verification is
//! approved, one per store and currency; the details as Seller Central asks
//! for them; and the account-verification endpoint marketplaces call.

pub mod accounts;
mod api;
pub mod details;
mod letter;
mod pages;
pub mod problem;
pub mod programmes;
pub mod verification;

use crate::app::AppState;
use crate::connector::cipher::TokenCipher;
use crate::connector::{Connector, ConnectorSettings};
use crate::settings::Settings;
use axum::Router;
use ferry_platform::Secret;
use programmes::Programme;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// `[provider.receiving]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ReceivingSettings {
    /// One programme per currency.
    pub programmes: Vec<Programme>,
    /// Marketplaces allowed to ask whether an account is Ferry's.
    pub marketplaces: Vec<RegisteredMarketplace>,
    /// Partner banks allowed to notify credits to Ferry's accounts
    /// (`POST /bank/v1/notifications`), each with its signing secret.
    pub partner_banks: Vec<crate::payouts::PartnerBank>,
}

impl Default for ReceivingSettings {
    fn default() -> Self {
        Self {
            programmes: programmes::sandbox_programmes(),
            marketplaces: Vec::new(),
            partner_banks: Vec::new(),
        }
    }
}

/// A marketplace in the payment-provider program, with the secret it signs
/// its account-verification requests with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegisteredMarketplace {
    pub name: String,
    pub signing_secret: Secret<String>,
}

/// What the receiving and store features keep for the life of the service.
pub struct Collection {
    pub receiving: ReceivingSettings,
    pub connector: Connector,
    pub cipher: TokenCipher,
}

impl Collection {
    pub fn new(
        receiving: &ReceivingSettings,
        connector: &ConnectorSettings,
        data_dir: &str,
    ) -> Result<Self, String> {
        for programme in &receiving.programmes {
            programme.validate().map_err(|error| error.to_string())?;
        }
        Ok(Self {
            receiving: receiving.clone(),
            cipher: TokenCipher::configured(
                connector.token_encryption_key.as_ref(),
                Path::new(data_dir),
            )?,
            connector: Connector::new(connector.clone())?,
        })
    }

    pub fn from_settings(settings: &Settings) -> Result<Self, String> {
        Self::new(&settings.receiving, &settings.connector, &settings.data_dir)
    }
}

/// Pages and JSON API of receiving accounts and store binding, and the
/// marketplaces' verification endpoint.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(api::routes())
        .merge(pages::routes())
        .merge(verification::routes())
        .merge(crate::stores::routes())
}
