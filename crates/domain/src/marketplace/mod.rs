//! Amazon marketplace identifiers: the marketplace table, seller IDs and the
//! legacy MWS auth token.

mod mws_token;
mod seller_id;
mod table;

pub use mws_token::{MwsAuthToken, MwsAuthTokenError};
pub use seller_id::{SellerId, SellerIdError};
pub use table::{Marketplace, MarketplaceId, MarketplaceIdError, Region};
