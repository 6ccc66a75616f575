//! ISO 4217 currencies with their minor units.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An ISO 4217 currency this platform handles: the marketplace currencies,
/// the collection providers' receiving currencies and CNY for withdrawals.
///
/// Variants are named by their ISO code, as everyone in payments writes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    /// UAE dirham.
    AED,
    /// Australian dollar.
    AUD,
    /// Bahraini dinar (3 decimals).
    BHD,
    /// Brazilian real.
    BRL,
    /// Canadian dollar.
    CAD,
    /// Swiss franc.
    CHF,
    /// Chinese yuan renminbi.
    CNY,
    /// Czech koruna.
    CZK,
    /// Danish krone.
    DKK,
    /// Egyptian pound.
    EGP,
    /// Euro.
    EUR,
    /// Pound sterling.
    GBP,
    /// Hong Kong dollar.
    HKD,
    /// Hungarian forint.
    HUF,
    /// Indonesian rupiah.
    IDR,
    /// Israeli new shekel.
    ILS,
    /// Indian rupee.
    INR,
    /// Jordanian dinar (3 decimals).
    JOD,
    /// Japanese yen (no decimals).
    JPY,
    /// South Korean won (no decimals).
    KRW,
    /// Kuwaiti dinar (3 decimals).
    KWD,
    /// Mexican peso.
    MXN,
    /// Malaysian ringgit.
    MYR,
    /// Norwegian krone.
    NOK,
    /// New Zealand dollar.
    NZD,
    /// Omani rial (3 decimals).
    OMR,
    /// Philippine peso.
    PHP,
    /// Polish zloty.
    PLN,
    /// Romanian leu.
    RON,
    /// Saudi riyal.
    SAR,
    /// Swedish krona.
    SEK,
    /// Singapore dollar.
    SGD,
    /// Thai baht.
    THB,
    /// Turkish lira.
    TRY,
    /// US dollar.
    USD,
    /// Vietnamese dong (no decimals).
    VND,
    /// South African rand.
    ZAR,
}

impl Currency {
    /// Every supported currency, in code order.
    pub const ALL: [Currency; 37] = [
        Self::AED,
        Self::AUD,
        Self::BHD,
        Self::BRL,
        Self::CAD,
        Self::CHF,
        Self::CNY,
        Self::CZK,
        Self::DKK,
        Self::EGP,
        Self::EUR,
        Self::GBP,
        Self::HKD,
        Self::HUF,
        Self::IDR,
        Self::ILS,
        Self::INR,
        Self::JOD,
        Self::JPY,
        Self::KRW,
        Self::KWD,
        Self::MXN,
        Self::MYR,
        Self::NOK,
        Self::NZD,
        Self::OMR,
        Self::PHP,
        Self::PLN,
        Self::RON,
        Self::SAR,
        Self::SEK,
        Self::SGD,
        Self::THB,
        Self::TRY,
        Self::USD,
        Self::VND,
        Self::ZAR,
    ];

    /// Parses a three-letter ISO 4217 code; surrounding whitespace and lower
    /// case are tolerated.
    pub fn parse(input: &str) -> Result<Self, CurrencyError> {
        let code = input.trim();
        if code.chars().count() != 3 {
            return Err(CurrencyError::WrongLength {
                found: code.chars().count(),
            });
        }
        Self::ALL
            .into_iter()
            .find(|currency| currency.code().eq_ignore_ascii_case(code))
            .ok_or_else(|| CurrencyError::Unsupported {
                code: code.to_owned(),
            })
    }

    /// The ISO 4217 alphabetic code, e.g. `"USD"`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::AED => "AED",
            Self::AUD => "AUD",
            Self::BHD => "BHD",
            Self::BRL => "BRL",
            Self::CAD => "CAD",
            Self::CHF => "CHF",
            Self::CNY => "CNY",
            Self::CZK => "CZK",
            Self::DKK => "DKK",
            Self::EGP => "EGP",
            Self::EUR => "EUR",
            Self::GBP => "GBP",
            Self::HKD => "HKD",
            Self::HUF => "HUF",
            Self::IDR => "IDR",
            Self::ILS => "ILS",
            Self::INR => "INR",
            Self::JOD => "JOD",
            Self::JPY => "JPY",
            Self::KRW => "KRW",
            Self::KWD => "KWD",
            Self::MXN => "MXN",
            Self::MYR => "MYR",
            Self::NOK => "NOK",
            Self::NZD => "NZD",
            Self::OMR => "OMR",
            Self::PHP => "PHP",
            Self::PLN => "PLN",
            Self::RON => "RON",
            Self::SAR => "SAR",
            Self::SEK => "SEK",
            Self::SGD => "SGD",
            Self::THB => "THB",
            Self::TRY => "TRY",
            Self::USD => "USD",
            Self::VND => "VND",
            Self::ZAR => "ZAR",
        }
    }

    /// Number of decimal places of the minor unit, per the current ISO 4217
    /// list (not a provider's variant of it: Stripe, for example, treats HUF
    /// as zero-decimal, and LianLian rounds every amount to 2 places; convert
    /// at that boundary).
    pub const fn minor_units(self) -> u8 {
        match self {
            Self::JPY | Self::KRW | Self::VND => 0,
            Self::BHD | Self::JOD | Self::KWD | Self::OMR => 3,
            _ => 2,
        }
    }

    /// How many minor units make one major unit: 100 for USD, 1 for JPY,
    /// 1000 for KWD.
    pub const fn minor_per_major(self) -> u64 {
        10_u64.pow(self.minor_units() as u32)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::ident::deserialize_parsed(deserializer)
    }
}

/// Why a currency code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurrencyError {
    /// ISO 4217 codes have exactly three letters.
    #[error("a currency code has 3 letters, found {found} characters")]
    WrongLength {
        /// Characters found after trimming.
        found: usize,
    },
    /// Three characters, but not a code this platform supports.
    #[error("unsupported currency code {code:?}")]
    Unsupported {
        /// The code as given (trimmed).
        code: String,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_iso_4217() {
        assert_eq!(Currency::USD.minor_units(), 2);
        assert_eq!(Currency::EUR.minor_units(), 2);
        assert_eq!(Currency::CNY.minor_units(), 2);
        assert_eq!(Currency::JPY.minor_units(), 0);
        assert_eq!(Currency::KRW.minor_units(), 0);
        assert_eq!(Currency::BHD.minor_units(), 3);
        assert_eq!(Currency::KWD.minor_units(), 3);
        assert_eq!(Currency::JPY.minor_per_major(), 1);
        assert_eq!(Currency::KWD.minor_per_major(), 1000);
    }

    #[test]
    fn codes_round_trip_and_are_in_order() {
        for currency in Currency::ALL {
            assert_eq!(currency.code().parse::<Currency>(), Ok(currency));
            assert_eq!(currency.to_string(), currency.code());
        }
        assert!(Currency::ALL.windows(2).all(|w| w[0].code() < w[1].code()));
    }

    #[test]
    fn parse_tolerates_case_and_spaces() {
        assert_eq!(Currency::parse(" usd "), Ok(Currency::USD));
        assert_eq!(Currency::parse("Jpy"), Ok(Currency::JPY));
    }

    #[test]
    fn parse_refuses_unknown_codes() {
        assert_eq!(
            Currency::parse("XYZ"),
            Err(CurrencyError::Unsupported { code: "XYZ".into() })
        );
        assert_eq!(
            Currency::parse("US"),
            Err(CurrencyError::WrongLength { found: 2 })
        );
        assert_eq!(
            Currency::parse("CNH"),
            Err(CurrencyError::Unsupported { code: "CNH".into() })
        );
    }

    #[test]
    fn serde_uses_the_code() {
        assert_eq!(serde_json::to_string(&Currency::GBP).unwrap(), "\"GBP\"");
        assert_eq!(
            serde_json::from_str::<Currency>("\"SEK\"").unwrap(),
            Currency::SEK
        );
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    }
}
