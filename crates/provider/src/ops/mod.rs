//! The operator console: operator accounts (separate from sellers, TOTP
//! mandatory), the review queue and decisions on verification cases, under
//! `/ops` (pages) and `/api/v1/ops` (JSON).

pub mod api;
pub mod operators;
pub mod pages;
