//! The ledger against a real database (SQLite by default, PostgreSQL with
//! `FERRY_TEST_POSTGRES_URL`).

mod helpers;
mod history;
mod pending;
mod transfers;
mod verification;
