//! The ledger against a real database (SQLite by default, PostgreSQL with
//! `FERRY_TEST_POSTGRES_URL`).

mod helpers;
mod pending;
mod transfers;
mod verification;
