//! The marketplace sandbox's integration tests: each starts the real service
//! on a fresh database (SQLite, or PostgreSQL with `FERRY_TEST_POSTGRES_URL`)
//! and talks to it over HTTP. One binary, one module per feature.

mod admin;
mod banks;
mod consent;
mod deposit_limits;
mod deposit_methods;
mod helpers;
mod lwa;
mod mws;
mod openapi;
mod payout_holds;
mod payout_rail;
mod python_client;
mod risk;
mod schema;
mod settlements;
mod signin;
mod signup;
mod spapi_authorization;
mod spapi_finances;
mod spapi_model;
mod spapi_sellers;
mod support;
