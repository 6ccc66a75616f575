//! Wire formats shared by the marketplace sandbox and the provider. Pure:
//! text in, typed values out (and back), no I/O.
//!
//! - [`iso20022::camt054`]: camt.054 bank debit/credit notifications, read
//!   in versions 001.02 and 001.08 ([`iso20022::camt054::parse`]) and
//!   written in 001.08 ([`iso20022::camt054::write_v08`]). Errors name the
//!   element path at fault.
//! - [`settlement_report`]: Amazon's Flat File V2 settlement report, read
//!   in either locale and also in the legacy V1 layout
//!   ([`settlement_report::parse`], with a progress callback variant),
//!   written in a chosen locale ([`settlement_report::write_v2`]), with
//!   per-category totals and the check that detail rows add up exactly to
//!   the summary total ([`settlement_report::SettlementReport::verify_totals`]).
//!
//! Amounts are [`ferry_domain::Money`] in integer minor units throughout;
//! an amount with more decimals than its currency has is refused, never
//! rounded. Every error type has a `code()` giving a stable machine code.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod iso20022;
pub mod settlement_report;
