//! The marketplace sandbox: a stand-in for Amazon's Seller Central that speaks
//! SP-API and Login-with-Amazon, with its own database. It reaches Ferry only
//! over HTTP, as a marketplace and a bank would.

mod admin;
mod apps;
mod banks;
mod clock;
mod crypto;
mod deposit_accounts;
mod deposits;
mod errors;
mod lwa;
mod mws;
mod sellers;
pub mod settings;
mod settlement;
mod spapi;
pub mod startup;
mod state;
mod support;
mod web;

pub use settings::Settings;
pub use startup::{MIGRATIONS, build};
