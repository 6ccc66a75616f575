//! Who may pay a store's proceeds into its receiving account: the
//! marketplace's paying entity. A credit from anyone else on a store's
//! account is not a marketplace payout and goes to compliance.

use crate::stores::checks::names_match;
use ferry_domain::Marketplace;
use ferry_domain::marketplace::Region;

/// The legal entity that pays out a marketplace's proceeds, by region:
/// Amazon pays EU and UK sellers from Amazon Payments Europe, North American
/// ones from Amazon.com Services; the Far East entities are per country.
/// The sandbox's payout rail names the same entities.
pub fn paying_entity(marketplace: &Marketplace) -> &'static str {
    match (marketplace.region(), marketplace.country_code()) {
        (Region::NorthAmerica, _) => "Amazon.com Services LLC",
        (Region::Europe, _) => "Amazon Payments Europe S.C.A.",
        (Region::FarEast, "JP") => "Amazon Japan G.K.",
        (Region::FarEast, "AU") => "Amazon Commercial Services Pty Ltd",
        (Region::FarEast, _) => "Amazon Asia-Pacific Holdings Private Limited",
    }
}

/// Whether `debtor_name` (as the bank wrote it) is the marketplace's paying
/// entity. Banks rewrite names (upper case, punctuation dropped, truncated
/// company forms), so names are compared as a reviewer would.
pub fn is_paying_entity(marketplace: &Marketplace, debtor_name: &str) -> bool {
    names_match(paying_entity(marketplace), debtor_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bank_spellings_of_the_paying_entity_are_recognised() {
        let us = Marketplace::by_id("ATVPDKIKX0DER").unwrap();
        assert!(is_paying_entity(us, "Amazon.com Services LLC"));
        assert!(is_paying_entity(us, "AMAZON COM SERVICES, LLC"));
        assert!(!is_paying_entity(us, "Amazon Payments Europe S.C.A."));
        assert!(!is_paying_entity(us, "Example Trading Co"));
        let de = Marketplace::by_id("A1PA6795UKMFR9").unwrap();
        assert!(is_paying_entity(de, "AMAZON PAYMENTS EUROPE SCA"));
    }
}
