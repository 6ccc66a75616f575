//! The marketplace's settings (`[marketplace]` in the configuration file,
//! `FERRY__MARKETPLACE__…` in the environment).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Settings {
    /// Address to listen on; port 0 picks a free one.
    pub listen: String,
    /// `sqlite://PATH` or `postgres://USER@HOST:PORT/DATABASE`.
    pub database_url: String,
    /// Folder for files the sandbox writes (reports, mail).
    pub data_dir: String,
    /// The sandbox's risk rule (its own model, not Amazon's): a deposit-method
    /// change puts disbursements under review unless the seller opened a
    /// "notice of deposit-method change" support case this many days before.
    pub risk_notice_window_days: i64,
    /// Base URL of this sandbox as clients reach it (report-document links
    /// point here); default `http://` + the bound address.
    pub public_url: Option<String>,
    /// Real-time mode: how often (milliseconds) the settlement engine
    /// closes periods and starts disbursements that sandbox time reached.
    /// 0 turns the tick off (periods then close when the clock is advanced
    /// or an API call looks at settlements).
    pub settlement_tick_ms: u64,
    /// Serve report documents gzip-compressed (`compressionAlgorithm: GZIP`).
    pub report_documents_gzip: bool,
    /// Run the outbox worker that delivers camt.054 notifications to banks.
    pub outbox_worker: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8090".into(),
            database_url: "sqlite://ferry-data/marketplace.db".into(),
            data_dir: "ferry-data".into(),
            risk_notice_window_days: 7,
            public_url: None,
            settlement_tick_ms: 60_000,
            report_documents_gzip: false,
            outbox_worker: true,
        }
    }
}
