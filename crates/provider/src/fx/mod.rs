//! Currency conversion between a seller's wallets.
//!
//! Rates come from a configured source ([`RateSourceKind`]): the ECB's daily
//! euro reference rates fetched from its URL, the snapshot of them bundled
//! in the binary (offline use), or a fixed table (tests). A quote shows the
//! mid rate, the margin (in basis points and as money), the fee and the net
//! amount before the seller confirms, and expires after
//! [`FxSettings::quote_ttl_secs`]. Executing it is one linked chain of
//! ledger transfers through the FX position accounts ([`quotes`]).

pub mod api;
pub mod pages;
pub mod pricing;
pub mod problem;
pub mod quotes;
pub mod rate;

use rate::{RateOrigin, RateTable};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

pub fn routes() -> axum::Router<crate::app::AppState> {
    axum::Router::new()
        .merge(api::routes())
        .merge(pages::routes())
}

/// Where rates come from.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum RateSourceKind {
    /// The ECB snapshot compiled into the binary.
    Bundled,
    /// `ecb_url`, fetched again every `refresh_secs`; until the first fetch
    /// succeeds (or if it fails) the bundled snapshot answers, and the
    /// quote says which date its rates are from.
    EcbUrl,
    /// `fixed_rates` (units per EUR) dated `fixed_as_of`.
    Fixed,
}

/// `[provider.fx]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct FxSettings {
    pub source: RateSourceKind,
    pub ecb_url: String,
    pub refresh_secs: u64,
    /// Units of each currency per 1 EUR, as decimal strings.
    pub fixed_rates: BTreeMap<String, String>,
    pub fixed_as_of: String,
    /// The margin on the mid rate, in basis points (50 = 0.50 %).
    pub margin_bps: i64,
    /// A fixed fee per conversion, in minor units of the sell currency
    /// (`USD = 100` is 1.00 USD); currencies not listed convert without one.
    pub fees: BTreeMap<String, i64>,
    /// How long a quote can be executed.
    pub quote_ttl_secs: u64,
}

impl Default for FxSettings {
    fn default() -> Self {
        Self {
            source: RateSourceKind::Bundled,
            ecb_url: "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml".into(),
            refresh_secs: 3600,
            fixed_rates: BTreeMap::new(),
            fixed_as_of: String::new(),
            margin_bps: 30,
            fees: BTreeMap::new(),
            quote_ttl_secs: 30,
        }
    }
}

/// The FX desk of the process: the settings and the current rate table.
#[derive(Clone)]
pub struct FxDesk {
    pub settings: FxSettings,
    table: Arc<RwLock<Cached>>,
    http: reqwest::Client,
}

struct Cached {
    table: Arc<RateTable>,
    fetched_at: Option<Instant>,
}

impl FxDesk {
    pub fn from_settings(settings: &FxSettings) -> Result<Self, String> {
        if !(0..10_000).contains(&settings.margin_bps) {
            return Err(format!(
                "fx.margin_bps must be from 0 to 9999, not {}",
                settings.margin_bps
            ));
        }
        if let Some((code, fee)) = settings.fees.iter().find(|(_, fee)| **fee < 0) {
            return Err(format!("fx.fees.{code} must not be negative, not {fee}"));
        }
        let table = match settings.source {
            RateSourceKind::Bundled | RateSourceKind::EcbUrl => RateTable::bundled(),
            RateSourceKind::Fixed => {
                let pairs: Vec<(&str, &str)> = settings
                    .fixed_rates
                    .iter()
                    .map(|(code, rate)| (code.as_str(), rate.as_str()))
                    .collect();
                RateTable::new(&settings.fixed_as_of, RateOrigin::Fixed, &pairs)
                    .map_err(|error| format!("fx.fixed_rates: {error}"))?
            }
        };
        Ok(Self {
            settings: settings.clone(),
            table: Arc::new(RwLock::new(Cached {
                table: Arc::new(table),
                fetched_at: None,
            })),
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .map_err(|error| error.to_string())?,
        })
    }

    /// The rates to quote with now (fetching the ECB file first when the
    /// source is `ecb_url` and the last fetch is older than `refresh_secs`).
    pub async fn rates(&self) -> Arc<RateTable> {
        if self.settings.source == RateSourceKind::EcbUrl && self.is_stale() {
            self.refresh().await;
        }
        self.current()
    }

    fn current(&self) -> Arc<RateTable> {
        let cached = self
            .table
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        cached.table.clone()
    }

    fn is_stale(&self) -> bool {
        let cached = self
            .table
            .read()
            .unwrap_or_else(|poison| poison.into_inner());
        let refresh = Duration::from_secs(self.settings.refresh_secs);
        cached.fetched_at.is_none_or(|at| at.elapsed() >= refresh)
    }

    async fn refresh(&self) {
        let fetched = async {
            let body = self
                .http
                .get(&self.settings.ecb_url)
                .send()
                .await?
                .error_for_status()?
                .text()
                .await?;
            Ok::<_, reqwest::Error>(body)
        };
        let table = match fetched.await {
            Ok(body) => RateTable::from_ecb_xml(&body, RateOrigin::Ecb).map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        let mut cached = self
            .table
            .write()
            .unwrap_or_else(|poison| poison.into_inner());
        // A failed fetch keeps the previous table (dated, so quotes say how
        // old it is) and waits a full interval before trying again.
        cached.fetched_at = Some(Instant::now());
        match table {
            Ok(table) => cached.table = Arc::new(table),
            Err(error) => tracing::warn!(%error, "cannot refresh the ECB reference rates"),
        }
    }

    /// The fixed fee for selling `currency`, in its minor units.
    pub fn fee_minor(&self, currency: ferry_domain::Currency) -> i64 {
        self.settings
            .fees
            .get(currency.code())
            .copied()
            .unwrap_or(0)
    }
}
