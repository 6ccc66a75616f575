//! Mainland-China KYC/KYB identifiers and bank cards.

mod bank_card;
mod org_code;
mod resident_id;
mod uscc;

pub use bank_card::{UnionPayCard, UnionPayCardError};
pub use org_code::{CnOrgCode, CnOrgCodeError};
pub use resident_id::{CnResidentId, CnResidentIdError, Sex};
pub use uscc::{CnUscc, CnUsccError};

pub(crate) use uscc::uscc_value;
