//! The provider's settings (`[provider]` in the configuration file,
//! `FERRY__PROVIDER__…` in the environment).

use ferry_platform::mail::MailSettings;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free one.
    pub listen: String,
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DATABASE`.
    pub database_url: String,
    /// Folder for the mail outbox and the document store.
    pub data_dir: String,
    /// The address sellers reach the portal at, used in e-mail links
    /// (e.g. `https://pay.example.com`). Unset: `http://` + the address
    /// really bound, which suits `ferry up` on one machine.
    pub public_url: Option<String>,
    pub mail: MailSettings,
    pub security: SecuritySettings,
    /// Run the outbox worker (delivering e-mail) inside the service. Tests
    /// turn it off and deliver with `outbox::deliver_due` when they choose.
    pub outbox_worker: bool,
    pub documents: crate::documents::DocumentSettings,
    pub kyc: crate::kyc::KycSettings,
    pub receiving: crate::receiving::ReceivingSettings,
    pub connector: crate::connector::ConnectorSettings,
    pub webhooks: crate::webhooks::WebhookSettings,
    pub fx: crate::fx::FxSettings,
    pub withdrawals: crate::withdrawals::WithdrawalSettings,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            database_url: "sqlite://ferry-data/ferry.db".into(),
            data_dir: "ferry-data".into(),
            public_url: None,
            mail: MailSettings::default(),
            security: SecuritySettings::default(),
            outbox_worker: true,
            documents: crate::documents::DocumentSettings::default(),
            kyc: crate::kyc::KycSettings::default(),
            receiving: crate::receiving::ReceivingSettings::default(),
            connector: crate::connector::ConnectorSettings::default(),
            webhooks: crate::webhooks::WebhookSettings::default(),
            fx: crate::fx::FxSettings::default(),
            withdrawals: crate::withdrawals::WithdrawalSettings::default(),
        }
    }
}

/// Session and password policy (`[provider.security]`). The defaults follow
/// OWASP ASVS 5.0 level 2 and NIST SP 800-63B AAL2 (see docs/security.md).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct SecuritySettings {
    /// A session unused for this long ends.
    pub session_idle_secs: i64,
    /// A session ends this long after sign-in, however active.
    pub session_absolute_secs: i64,
    /// After this many days a password gets a reminder (never a forced
    /// expiry unless `enforce_password_max_age`).
    pub password_max_age_days: i64,
    /// Force the change at the next sign-in instead of only reminding.
    pub enforce_password_max_age: bool,
    /// The least time between two activation (or reset) e-mails to one
    /// account.
    pub email_resend_interval_secs: i64,
    /// Argon2id memory cost. The default is OWASP's 19 MiB; lower it only
    /// for tests.
    pub argon2_memory_kib: u32,
    /// Argon2id iterations (OWASP: 2 with 19 MiB).
    pub argon2_iterations: u32,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self {
            session_idle_secs: 30 * 60,
            session_absolute_secs: 12 * 60 * 60,
            password_max_age_days: 180,
            enforce_password_max_age: false,
            email_resend_interval_secs: 60,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
        }
    }
}
