//! The state every handler shares, and the outbox deliverer of the
//! provider's side effects.

use crate::error::Failure;
use crate::password::Hasher;
use crate::settings::{SecuritySettings, Settings};
use ferry_platform::db::{Db, unix_ms};
use ferry_platform::mail::{MAIL_TOPIC, MailError, MailMessage, Mailer};
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
            db,
            security: settings.security.clone(),
            public_url: public_url.trim_end_matches('/').to_string(),
            hasher,
            dummy_hash,
            kyc: settings.kyc.clone(),
            documents: crate::documents::DocumentStore::open(settings)
                .map_err(|error| Failure::Internal(error.to_string()))?,
            collection: crate::receiving::Collection::from_settings(settings)
                .map_err(Failure::Internal)?,
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

/// Delivers the provider's outbox topics (today: e-mail).
#[derive(Clone)]
pub struct Deliverer {
    mailer: Mailer,
}

impl Deliverer {
    pub fn new(settings: &Settings) -> Result<Self, MailError> {
        Ok(Self {
            mailer: Mailer::new(&settings.mail, Path::new(&settings.data_dir))?,
        })
    }
}

impl Deliver for Deliverer {
    async fn deliver(&self, message: &OutboxMessage) -> Outcome {
        if message.topic != MAIL_TOPIC {
            return Outcome::GiveUp(format!("no deliverer for topic {}", message.topic));
        }
        match serde_json::from_str::<MailMessage>(&message.payload) {
            Ok(mail) => self.mailer.send(&mail).await,
            Err(error) => Outcome::GiveUp(format!("unreadable mail payload: {error}")),
        }
    }
}
