//! Shared service plumbing for Ferry's two services (the provider and the
//! marketplace sandbox): configuration, secrets, database pools and
//! migrations for SQLite and PostgreSQL, telemetry, and the HTTP shell that
//! every service wears (`/healthz`, `/readyz`, `/metrics`, request ids,
//! graceful shutdown).
//!
//! Nothing here knows about sellers, stores or money; the services depend on
//! this crate, never the other way round.

pub mod config;
pub mod db;
pub mod http;
pub mod mail;
pub mod outbox;
pub mod secret;
pub mod service;
pub mod telemetry;
pub mod testing;

pub use secret::Secret;
