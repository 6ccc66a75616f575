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
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8090".into(),
            database_url: "sqlite://ferry-data/marketplace.db".into(),
            data_dir: "ferry-data".into(),
            risk_notice_window_days: 7,
        }
    }
}
