//! The provider's integration tests: each starts the real service on a fresh
//! database (SQLite, or PostgreSQL with `FERRY_TEST_POSTGRES_URL`) and talks
//! to it over HTTP. One binary, one module per feature.

mod api_keys;
mod audit;
mod fx;
mod helpers;
mod idempotency;
mod kyc_documents;
mod kyc_flow;
mod kyc_pages;
mod kyc_support;
mod money_support;
mod openapi;
mod ops_console;
mod ops_support;
mod outbox;
mod owner_actions;
mod pages;
mod password_meter;
mod passwords;
mod payouts;
mod receiving;
mod receiving_support;
mod receiving_verification;
mod reconciliation;
mod registration;
mod schema;
mod sessions;
mod shell;
mod stores_mws;
mod stores_oauth;
mod stores_planner;
mod team;
mod two_factor;
mod wallets;
mod webhooks;
mod withdrawals;
