//! The state every handler shares, and the outbox deliverer of the
//! provider's side effects.

use crate::error::Failure;
use crate::password::Hasher;
use crate::settings::{SecuritySettings, Settings};
use ferry_platform::db::{Db, unix_ms};
use ferry_platform::mail::{MAIL_TOPIC, MailMessage, Mailer};
use ferry_platform::outbox::{Deliver, OutboxMessage, Outcome};
use std::ops::Deref;
use std::path::Path;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

pub struct Inner {
    pub db: Db,
    pub security: SecuritySettings,
    /// Base of links in e-mails, without a trailing slash.
    pub public_url: String,
    pub hasher: Hasher,
    /// A real Argon2id hash of a random password: unknown e-mails are
    /// checked against it so that they take as long as known ones.
    pub dummy_hash: String,
    pub kyc: crate::kyc::KycSettings,
    /// The encrypted store of verification documents.
    pub documents: crate::documents::DocumentStore,
    /// Partner-bank programmes, the marketplace connector and the token cipher.
    pub collection: crate::receiving::Collection,
    /// The process's batching ledger writer: every money movement goes
    /// through it (see `crate::wallets` for the accounts).
    pub ledger: ferry_ledger::LedgerWriter,
    /// Which endpoint URLs sellers may register.
    pub webhooks: crate::webhooks::WebhookSettings,
    /// Conversion rates, margin and fees.
    pub fx: crate::fx::FxDesk,
    /// Withdrawal fees and limits, and the paying bank.
    pub withdrawals: crate::withdrawals::WithdrawalDesk,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    pub async fn new(db: Db, settings: &Settings, public_url: String) -> Result<Self, Failure> {
        let hasher = Hasher::new(&settings.security);
        let dummy_hash = hasher.hash(crate::tokens::generate()).await?;
        Ok(Self(Arc::new(Inner {
            security: settings.security.clone(),
            public_url: public_url.trim_end_matches('/').to_string(),
            hasher,
            dummy_hash,
            kyc: settings.kyc.clone(),
            documents: crate::documents::DocumentStore::open(settings)
                .map_err(|error| Failure::Internal(error.to_string()))?,
            collection: crate::receiving::Collection::from_settings(settings)
                .map_err(Failure::Internal)?,
            ledger: ferry_ledger::LedgerWriter::start(db.clone()),
            webhooks: settings.webhooks.clone(),
            fx: crate::fx::FxDesk::from_settings(&settings.fx).map_err(Failure::Internal)?,
            withdrawals: crate::withdrawals::WithdrawalDesk::from_settings(&settings.withdrawals)
                .map_err(Failure::Internal)?,
            db,
        })))
    }

    /// Cookies get `Secure` when the portal is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.public_url)
    }
}

pub fn now_ms() -> i64 {
    unix_ms(time::OffsetDateTime::now_utc())
}

/// Delivers the provider's outbox topics (e-mail, webhooks).
#[derive(Clone)]
pub struct Deliverer {
    mailer: Mailer,
    webhooks: crate::webhooks::Sender,
}

impl Deliverer {
    pub fn new(settings: &Settings, db: Db) -> Result<Self, crate::startup::BuildError> {
        Ok(Self {
            mailer: Mailer::new(&settings.mail, Path::new(&settings.data_dir))?,
            webhooks: crate::webhooks::Sender::new(settings, db)
                .map_err(crate::startup::BuildError::Prepare)?,
        })
    }
}

impl Deliver for Deliverer {
    async fn deliver(&self, message: &OutboxMessage) -> Outcome {
        if message.topic == crate::webhooks::WEBHOOK_TOPIC {
            return self.webhooks.deliver(message).await;
        }
        if message.topic != MAIL_TOPIC {
            return Outcome::GiveUp(format!("no deliverer for topic {}", message.topic));
        }
        match serde_json::from_str::<MailMessage>(&message.payload) {
            Ok(mail) => self.mailer.send(&mail).await,
            Err(error) => Outcome::GiveUp(format!("unreadable mail payload: {error}")),
        }
    }
}
