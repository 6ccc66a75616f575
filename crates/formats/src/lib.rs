//! Wire formats shared by the marketplace sandbox and the provider. Pure:
//! text in, typed values out (and back), no I/O.
//!
//! - [`iso20022::camt054`]: camt.054 bank credit notifications, read in
//!   versions 001.02 and 001.08, written in 001.08.
//! - [`settlement_report`]: Amazon's Flat File V2 settlement report (and the
//!   legacy V1 layout for reading), with per-category totals and the check
//!   that detail rows add up to the summary total.
//!
//! Amounts are [`ferry_domain::Money`] in integer minor units throughout;
//! an amount with more decimals than its currency has is refused, never
//! rounded.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod iso20022;
pub mod settlement_report;
