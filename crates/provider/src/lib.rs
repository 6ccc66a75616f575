//! Ferry's collection platform: the service a seller signs up to, verifies
//! with, receives marketplace payouts in, converts and withdraws from.
//!
//! Each feature is a folder holding its types, service functions, storage and
//! routes; [`startup`] wires them into one router.

pub mod accounts;
pub mod app;
pub mod audit;
pub mod connector;
pub mod documents;
pub mod emails;
pub mod error;
pub mod fx;
pub mod i18n;
pub mod idempotency;
pub mod kyc;
pub mod openapi;
pub mod ops;
pub mod password;
pub mod payouts;
pub mod ratelimit;
pub mod receiving;
pub mod reconciliation;
pub mod settings;
pub mod startup;
pub mod stores;
pub mod tokens;
pub mod wallets;
mod web;
pub mod webhooks;
pub mod withdrawals;

pub use app::Deliverer;
pub use settings::{SecuritySettings, Settings};
pub use startup::{BuildError, MIGRATIONS, all_migrations, build, migrate};
