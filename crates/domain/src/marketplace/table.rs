//! Amazon marketplaces: static data from the SP-API marketplace-ID table.

use std::fmt;

use crate::ident::string_identifier;
use crate::money::Currency;

/// SP-API selling region; an authorization covers a whole region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Region {
    /// North America: CA, US, MX, BR.
    NorthAmerica,
    /// Europe, also serving the Middle East, India and South Africa.
    Europe,
    /// Far East: SG, AU, JP.
    FarEast,
}

impl Region {
    /// Amazon's code: `NA`, `EU` or `FE`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::NorthAmerica => "NA",
            Self::Europe => "EU",
            Self::FarEast => "FE",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An Amazon marketplace (a country store).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Marketplace {
    id: &'static str,
    country_code: &'static str,
    country_name: &'static str,
    currency: Currency,
    region: Region,
    seller_central_host: Option<&'static str>,
}

const fn marketplace(
    id: &'static str,
    country_code: &'static str,
    country_name: &'static str,
    currency: Currency,
    region: Region,
    seller_central_host: Option<&'static str>,
) -> Marketplace {
    Marketplace {
        id,
        country_code,
        country_name,
        currency,
        region,
        seller_central_host,
    }
}

const EU_SELLER_CENTRAL: Option<&str> = Some("sellercentral-europe.amazon.com");

/// SP-API marketplace IDs (developer-docs "marketplace-ids") with currencies
/// and Seller Central hosts (bizon/amazon-ids), as in MARKETPLACE-FACTS §3.2.
/// Ireland uses the unified EU Seller Central; South Africa has no host in
/// the sources.
#[rustfmt::skip]
static MARKETPLACES: [Marketplace; 23] = {
    use Currency::*;
    use Region::{Europe, FarEast, NorthAmerica};
    [
        marketplace("A2EUQ1WTGCTBG2", "CA", "Canada", CAD, NorthAmerica, Some("sellercentral.amazon.ca")),
        marketplace("ATVPDKIKX0DER", "US", "United States", USD, NorthAmerica, Some("sellercentral.amazon.com")),
        marketplace("A1AM78C64UM0Y8", "MX", "Mexico", MXN, NorthAmerica, Some("sellercentral.amazon.com.mx")),
        marketplace("A2Q3Y263D00KWC", "BR", "Brazil", BRL, NorthAmerica, Some("sellercentral.amazon.com.br")),
        marketplace("A28R8C7NBKEWEA", "IE", "Ireland", EUR, Europe, EU_SELLER_CENTRAL),
        marketplace("A1RKKUPIHCS9HS", "ES", "Spain", EUR, Europe, EU_SELLER_CENTRAL),
        marketplace("A1F83G8C2ARO7P", "GB", "United Kingdom", GBP, Europe, EU_SELLER_CENTRAL),
        marketplace("A13V1IB3VIYZZH", "FR", "France", EUR, Europe, EU_SELLER_CENTRAL),
        marketplace("AMEN7PMS3EDWL", "BE", "Belgium", EUR, Europe, Some("sellercentral.amazon.com.be")),
        marketplace("A1805IZSGTT6HS", "NL", "Netherlands", EUR, Europe, Some("sellercentral.amazon.nl")),
        marketplace("A1PA6795UKMFR9", "DE", "Germany", EUR, Europe, EU_SELLER_CENTRAL),
        marketplace("APJ6JRA9NG5V4", "IT", "Italy", EUR, Europe, EU_SELLER_CENTRAL),
        marketplace("A2NODRKZP88ZB9", "SE", "Sweden", SEK, Europe, Some("sellercentral.amazon.se")),
        marketplace("AE08WJ6YKNBMC", "ZA", "South Africa", ZAR, Europe, None),
        marketplace("A1C3SOZRARQ6R3", "PL", "Poland", PLN, Europe, Some("sellercentral.amazon.pl")),
        marketplace("ARBP9OOSHTCHU", "EG", "Egypt", EGP, Europe, Some("sellercentral.amazon.eg")),
        marketplace("A33AVAJ2PDY3EV", "TR", "Turkey", TRY, Europe, Some("sellercentral.amazon.com.tr")),
        marketplace("A17E79C6D8DWNP", "SA", "Saudi Arabia", SAR, Europe, Some("sellercentral.amazon.com.sa")),
        marketplace("A2VIGQ35RCS4UG", "AE", "United Arab Emirates", AED, Europe, Some("sellercentral.amazon.ae")),
        marketplace("A21TJRUUN4KGV", "IN", "India", INR, Europe, Some("sellercentral.amazon.in")),
        marketplace("A19VAU5U5O7RUS", "SG", "Singapore", SGD, FarEast, Some("sellercentral.amazon.sg")),
        marketplace("A39IBJ37TRP1C6", "AU", "Australia", AUD, FarEast, Some("sellercentral.amazon.com.au")),
        marketplace("A1VC38T7YXB528", "JP", "Japan", JPY, FarEast, Some("sellercentral.amazon.co.jp")),
    ]
};

impl Marketplace {
    /// Every marketplace in the table.
    pub fn all() -> &'static [Marketplace] {
        &MARKETPLACES
    }

    /// The marketplace with this exact ID.
    pub fn by_id(id: &str) -> Option<&'static Marketplace> {
        MARKETPLACES.iter().find(|marketplace| marketplace.id == id)
    }

    /// The marketplace of an ISO 3166 country code (case-insensitive);
    /// Amazon's `UK` is accepted for `GB`.
    pub fn by_country(country_code: &str) -> Option<&'static Marketplace> {
        let country_code = country_code.trim();
        let country_code = if country_code.eq_ignore_ascii_case("UK") {
            "GB"
        } else {
            country_code
        };
        MARKETPLACES
            .iter()
            .find(|marketplace| marketplace.country_code.eq_ignore_ascii_case(country_code))
    }

    /// The marketplace ID, e.g. `ATVPDKIKX0DER`.
    pub fn id(&self) -> &'static str {
        self.id
    }

    /// ISO 3166 country code (`GB` for the UK store).
    pub fn country_code(&self) -> &'static str {
        self.country_code
    }

    /// Country name in English.
    pub fn country_name(&self) -> &'static str {
        self.country_name
    }

    /// The marketplace currency, in which Amazon settles.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The SP-API region.
    pub fn region(&self) -> Region {
        self.region
    }

    /// The Seller Central host, where the sources name one.
    pub fn seller_central_host(&self) -> Option<&'static str> {
        self.seller_central_host
    }
}

/// The ID of a known Amazon marketplace; unknown IDs do not parse.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct MarketplaceId(&'static Marketplace);

/// Why a marketplace ID was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarketplaceIdError {
    /// Not in the marketplace table.
    #[error("{id:?} is not a known Amazon marketplace ID")]
    Unknown {
        /// The ID as given (trimmed, upper-cased).
        id: String,
    },
}

impl MarketplaceId {
    /// Parses a known marketplace ID; whitespace and case are forgiven.
    pub fn parse(input: &str) -> Result<Self, MarketplaceIdError> {
        let id = input.trim().to_ascii_uppercase();
        Marketplace::by_id(&id)
            .map(Self)
            .ok_or(MarketplaceIdError::Unknown { id })
    }

    /// The ID.
    pub fn as_str(&self) -> &'static str {
        self.0.id
    }

    /// The marketplace it identifies.
    pub fn marketplace(&self) -> &'static Marketplace {
        self.0
    }
}

impl From<&'static Marketplace> for MarketplaceId {
    fn from(marketplace: &'static Marketplace) -> Self {
        Self(marketplace)
    }
}

string_identifier!(MarketplaceId, MarketplaceIdError);

impl fmt::Debug for MarketplaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MarketplaceId").field(&self.0.id).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_unique_ids_and_countries() {
        let all = Marketplace::all();
        assert_eq!(all.len(), 23);
        for (index, marketplace) in all.iter().enumerate() {
            assert!(
                all[index + 1..]
                    .iter()
                    .all(|other| other.id != marketplace.id)
            );
            assert!(
                all[index + 1..]
                    .iter()
                    .all(|other| other.country_code != marketplace.country_code)
            );
            assert_eq!(Marketplace::by_id(marketplace.id), Some(marketplace));
            assert_eq!(
                Marketplace::by_country(marketplace.country_code),
                Some(marketplace)
            );
        }
    }

    #[test]
    fn looks_up_by_id_and_country() {
        let germany = Marketplace::by_id("A1PA6795UKMFR9").unwrap();
        assert_eq!(germany.country_code(), "DE");
        assert_eq!(germany.country_name(), "Germany");
        assert_eq!(germany.currency(), Currency::EUR);
        assert_eq!(germany.region(), Region::Europe);
        assert_eq!(
            germany.seller_central_host(),
            Some("sellercentral-europe.amazon.com")
        );
        let uk = Marketplace::by_country("uk").unwrap();
        assert_eq!(uk.id(), "A1F83G8C2ARO7P");
        assert_eq!(uk.currency(), Currency::GBP);
        let japan = Marketplace::by_country("JP").unwrap();
        assert_eq!(japan.currency(), Currency::JPY);
        assert_eq!(japan.region().code(), "FE");
        assert_eq!(
            Marketplace::by_country("ZA").unwrap().seller_central_host(),
            None
        );
        assert_eq!(Marketplace::by_country("CN"), None);
        assert_eq!(Marketplace::by_id("A2ZV50J4W1RKNI"), None);
    }

    #[test]
    fn marketplace_ids_parse_known_ids_only() {
        let us = MarketplaceId::parse(" atvpdkikx0der ").unwrap();
        assert_eq!(us.as_str(), "ATVPDKIKX0DER");
        assert_eq!(us.marketplace().country_code(), "US");
        assert_eq!(us.marketplace().region(), Region::NorthAmerica);
        assert_eq!(format!("{us:?}"), "MarketplaceId(\"ATVPDKIKX0DER\")");
        assert_eq!(
            MarketplaceId::parse("A2ZV50J4W1RKNI"),
            Err(MarketplaceIdError::Unknown {
                id: "A2ZV50J4W1RKNI".into()
            })
        );
        let json = serde_json::to_string(&us).unwrap();
        assert_eq!(json, "\"ATVPDKIKX0DER\"");
        assert_eq!(serde_json::from_str::<MarketplaceId>(&json).unwrap(), us);
    }
}
