//! Ferry's double-entry ledger, shaped like TigerBeetle's.
//!
//! - Accounts hold four counters (`debits_pending`, `debits_posted`,
//!   `credits_pending`, `credits_posted`); balances are derived from them.
//!   One ledger per currency; an account code per kind (wallet, bank
//!   settlement, fee revenue, FX position, suspense, payout clearing).
//! - Transfers are immutable and carry the client's id, which makes them
//!   idempotent: a repeated id answers `exists`, a repeated id with other
//!   fields `exists_with_different_fields`.
//! - Pending transfers reserve money and resolve exactly once: posted (in
//!   full or in part), voided, or expired.
//! - Linked transfers commit all or nothing.
//! - Account flags such as "debits must not exceed credits" keep wallets from
//!   going below zero, counting pending debits.
//!
//! The rules live in [`engine`] (pure, no IO); [`store`] applies a batch in
//! one database transaction; [`writer`] gathers concurrent requests into
//! batches; [`verify`] checks the invariants over the whole database.

pub mod accounts;
pub mod engine;
pub mod history;
pub mod model;
pub mod store;
pub mod verify;
pub mod writer;

pub use accounts::{AccountResult, accounts_of_owner, create_accounts, lookup_accounts};
pub use engine::StoredTransfer;
pub use history::{Cursor, history, history_between, posted_credit_balance_before};
pub use model::{
    Account, AccountCode, AccountFlags, LedgerCode, NewAccount, PendingStatus, Transfer,
    TransferFlags, TransferResult,
};
pub use store::LedgerError;
pub use verify::{Violation, verify};
pub use writer::LedgerWriter;

use ferry_platform::db::Migrations;
use std::sync::LazyLock;

/// The ledger's tables, for the database of whichever service embeds it.
/// They keep their own migration table (`_ledger_migrations`), so the
/// service's own migrations and the ledger's never collide.
pub static MIGRATIONS: LazyLock<Migrations> = LazyLock::new(|| Migrations {
    sqlite: own_table(sqlx::migrate!("migrations/sqlite")),
    postgres: own_table(sqlx::migrate!("migrations/postgres")),
});

fn own_table(embedded: sqlx::migrate::Migrator) -> sqlx::migrate::Migrator {
    let mut migrator = sqlx::migrate::Migrator::with_migrations(embedded.iter().cloned().collect());
    migrator.dangerous_set_table_name("_ledger_migrations");
    migrator
}
