//! The provider's integration tests: each starts the real service on a fresh
//! database (SQLite, or PostgreSQL with `FERRY_TEST_POSTGRES_URL`) and talks
//! to it over HTTP. One binary, one module per feature.

mod api_keys;
mod audit;
mod helpers;
mod openapi;
mod outbox;
mod pages;
mod passwords;
mod registration;
mod schema;
mod sessions;
mod shell;
mod team;
mod two_factor;
