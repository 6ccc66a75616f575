//! Both services in real Chromium, through their web pages only.
//!
//! These tests need Debian's `chromium` and `chromium-driver`; they are
//! ignored by a plain `cargo test` and run by `.ci/run` with
//! `cargo test -p ferry-e2e -- --ignored`. Every page they visit is saved as
//! a screenshot under `target/e2e-screenshots/<test>/`.

mod harness;
mod journey;
mod seller_central;
mod seller_onboarding;
mod store_binding;
mod verification;
