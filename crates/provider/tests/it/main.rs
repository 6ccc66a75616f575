//! The provider's integration tests: each starts the real service on a fresh
//! database (SQLite, or PostgreSQL with `FERRY_TEST_POSTGRES_URL`) and talks
//! to it over HTTP. One binary, one module per feature.

mod audit;
mod helpers;
mod outbox;
mod pages;
mod passwords;
mod registration;
mod schema;
mod sessions;
mod shell;
mod two_factor;
