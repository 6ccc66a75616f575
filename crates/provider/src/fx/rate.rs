//! Exchange rates without floats: a [`Rate`] is a positive decimal held as
//! an integer mantissa at a fixed scale of ten decimals, and a
//! [`RateTable`] holds the euro reference rates of one day (the ECB's
//! `eurofxref-daily.xml` shape), from which every pair is a cross via EUR.

use ferry_domain::Currency;
use std::collections::BTreeMap;
use std::fmt;

/// Decimals a rate keeps. Ten is more than any reference rate publishes
/// (the ECB gives at most six significant digits) and keeps a cross rate's
/// rounding error below 10^-10 per unit.
pub const RATE_DECIMALS: u32 = 10;
/// 10^[`RATE_DECIMALS`].
pub const RATE_SCALE: i128 = 10_000_000_000;

/// A positive exchange rate: units of one currency per unit of another,
/// stored as `value × 10^10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(i128);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("{0:?} is not a decimal number like 1.0823")]
    NotDecimal(String),
    #[error("{0:?} has more than ten decimals")]
    TooManyDecimals(String),
    #[error("a rate must be greater than zero")]
    NotPositive,
    #[error("{0:?} is too large")]
    TooLarge(String),
}

impl Rate {
    /// Parses `1.0823`, `181.47` or `7`: digits with an optional decimal
    /// point, at most ten decimals, greater than zero.
    pub fn parse(input: &str) -> Result<Self, RateError> {
        let text = input.trim();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits_only = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) {
            return Err(RateError::NotDecimal(text.to_string()));
        }
        if fraction.len() > RATE_DECIMALS as usize {
            return Err(RateError::TooManyDecimals(text.to_string()));
        }
        let too_large = || RateError::TooLarge(text.to_string());
        let whole: i128 = whole.parse().map_err(|_| too_large())?;
        let padded = format!("{fraction:0<width$}", width = RATE_DECIMALS as usize);
        let fraction: i128 = padded.parse().map_err(|_| too_large())?;
        let mantissa = whole
            .checked_mul(RATE_SCALE)
            .and_then(|scaled| scaled.checked_add(fraction))
            .ok_or_else(too_large)?;
        Self::from_mantissa(mantissa).ok_or(RateError::NotPositive)
    }

    /// A rate from `value × 10^10`, if positive.
    pub fn from_mantissa(mantissa: i128) -> Option<Self> {
        (mantissa > 0).then_some(Self(mantissa))
    }

    /// `value × 10^10`.
    pub fn mantissa(self) -> i128 {
        self.0
    }

    /// `numerator / denominator` (both per EUR): units of the numerator's
    /// currency per unit of the denominator's, rounded half to even at the
    /// tenth decimal. Half-even is neutral: the mid rate favours nobody; the
    /// customer's amounts are rounded separately (see `quote`).
    pub fn cross(numerator: Rate, denominator: Rate) -> Option<Rate> {
        let scaled = numerator.0.checked_mul(RATE_SCALE)?;
        Self::from_mantissa(divide_half_even(scaled, denominator.0))
    }
}

/// `numerator / denominator` for positive operands, rounded half to even.
fn divide_half_even(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    let twice = remainder * 2;
    if twice > denominator || (twice == denominator && quotient % 2 == 1) {
        quotient + 1
    } else {
        quotient
    }
}

impl fmt::Display for Rate {
    /// The shortest exact decimal: `7.2`, `1.0823`, `181`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / RATE_SCALE;
        let fraction = self.0 % RATE_SCALE;
        if fraction == 0 {
            return write!(f, "{whole}");
        }
        let digits = format!("{fraction:0width$}", width = RATE_DECIMALS as usize);
        write!(f, "{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Where a rate table came from, shown next to every quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateOrigin {
    /// The snapshot compiled into the binary (for offline use).
    Bundled,
    /// Fetched from the ECB's daily reference-rate file.
    Ecb,
    /// The fixed table of the configuration (tests, demos).
    Fixed,
}

impl RateOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bundled => "ecb_bundled_snapshot",
            Self::Ecb => "ecb_daily",
            Self::Fixed => "fixed",
        }
    }
}

/// Euro reference rates of one day: units of each currency per 1 EUR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTable {
    /// The reference date (`YYYY-MM-DD`), shown as "rates as of".
    pub as_of: String,
    pub origin: RateOrigin,
    per_euro: BTreeMap<Currency, Rate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateTableError {
    #[error("the file has no <Cube time=\"…\"> date")]
    NoDate,
    #[error("the file has no rates")]
    NoRates,
    #[error("the rate of {currency}: {error}")]
    BadRate { currency: String, error: RateError },
}

impl RateTable {
    /// A table from `(currency code, units per EUR)` pairs. Codes Ferry does
    /// not hold money in are skipped; EUR itself is 1.
    pub fn new(
        as_of: &str,
        origin: RateOrigin,
        rates: &[(&str, &str)],
    ) -> Result<Self, RateTableError> {
        let mut per_euro = BTreeMap::new();
        for (code, rate) in rates {
            let rate = Rate::parse(rate).map_err(|error| RateTableError::BadRate {
                currency: code.to_string(),
                error,
            })?;
            if let Ok(currency) = Currency::parse(code) {
                per_euro.insert(currency, rate);
            }
        }
        if per_euro.is_empty() {
            return Err(RateTableError::NoRates);
        }
        per_euro.insert(Currency::EUR, Rate(RATE_SCALE));
        Ok(Self {
            as_of: as_of.to_string(),
            origin,
            per_euro,
        })
    }

    /// Reads the ECB's `eurofxref-daily.xml`: the date from
    /// `<Cube time='…'>` and each `<Cube currency='…' rate='…'/>`.
    pub fn from_ecb_xml(xml: &str, origin: RateOrigin) -> Result<Self, RateTableError> {
        let mut as_of = None;
        let mut pairs = Vec::new();
        for tag in xml.split("<Cube").skip(1) {
            let tag = tag.split('>').next().unwrap_or_default();
            if let Some(time) = attribute(tag, "time") {
                as_of = Some(time);
            }
            if let (Some(currency), Some(rate)) =
                (attribute(tag, "currency"), attribute(tag, "rate"))
            {
                pairs.push((currency, rate));
            }
        }
        let as_of = as_of.ok_or(RateTableError::NoDate)?;
        let borrowed: Vec<(&str, &str)> = pairs.iter().map(|(c, r)| (*c, *r)).collect();
        Self::new(as_of, origin, &borrowed)
    }

    /// The snapshot compiled into the binary.
    pub fn bundled() -> Self {
        Self::from_ecb_xml(BUNDLED_SNAPSHOT, RateOrigin::Bundled)
            .expect("the bundled snapshot is a valid ECB file")
    }

    /// Units of `buy` per unit of `sell`, crossed via EUR; `None` when
    /// either currency has no reference rate.
    pub fn mid(&self, sell: Currency, buy: Currency) -> Option<Rate> {
        let sell_per_euro = *self.per_euro.get(&sell)?;
        let buy_per_euro = *self.per_euro.get(&buy)?;
        Rate::cross(buy_per_euro, sell_per_euro)
    }

    /// Every currency with a rate, EUR included, with its rate per EUR.
    pub fn per_euro(&self) -> impl Iterator<Item = (Currency, Rate)> + '_ {
        self.per_euro
            .iter()
            .map(|(currency, rate)| (*currency, *rate))
    }
}

/// The value of `name='…'` or `name="…"` inside one tag.
fn attribute<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let start = tag.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[start..];
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let value = &rest[1..];
    value.find(quote).map(|end| &value[..end])
}

/// The ECB reference rates of Friday 20 November 2026, in the file's own
/// shape, for running without network access.
const BUNDLED_SNAPSHOT: &str = include_str!("eurofxref-snapshot.xml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_exactly_and_print_shortest() {
        assert_eq!(Rate::parse("1.0823").unwrap().mantissa(), 10_823_000_000);
        assert_eq!(Rate::parse("181.47").unwrap().to_string(), "181.47");
        assert_eq!(Rate::parse("7").unwrap().to_string(), "7");
        assert!(Rate::parse("0").is_err());
        assert!(Rate::parse("-1.2").is_err());
        assert!(Rate::parse("1e3").is_err());
        assert!(Rate::parse("1.00000000001").is_err());
    }

    #[test]
    fn cross_rates_round_half_to_even_at_the_tenth_decimal() {
        let nine = Rate::parse("9").unwrap();
        let one_quarter = Rate::parse("1.25").unwrap();
        assert_eq!(Rate::cross(nine, one_quarter).unwrap().to_string(), "7.2");
        let two = Rate::parse("2").unwrap();
        let three = Rate::parse("3").unwrap();
        assert_eq!(Rate::cross(two, three).unwrap().to_string(), "0.6666666667");
        assert_eq!(Rate::cross(three, two).unwrap().to_string(), "1.5");
    }

    #[test]
    fn the_bundled_snapshot_reads_as_an_ecb_file() {
        let table = RateTable::bundled();
        assert_eq!(table.as_of, "2026-11-20");
        assert_eq!(
            table.mid(Currency::EUR, Currency::USD).unwrap().to_string(),
            "1.1582"
        );
        // CNY per USD = 8.2196 / 1.1582, half-even at ten decimals.
        assert_eq!(
            table.mid(Currency::USD, Currency::CNY).unwrap().to_string(),
            "7.0968744604"
        );
        // The Gulf currencies have no ECB reference rate.
        assert!(table.mid(Currency::USD, Currency::AED).is_none());
    }

    #[test]
    fn double_quoted_attributes_are_read_too() {
        let xml =
            r#"<Cube><Cube time="2026-01-02"><Cube currency="USD" rate="1.10"/></Cube></Cube>"#;
        let table = RateTable::from_ecb_xml(xml, RateOrigin::Ecb).unwrap();
        assert_eq!(table.as_of, "2026-01-02");
        assert_eq!(
            table.mid(Currency::USD, Currency::EUR).unwrap().to_string(),
            "0.9090909091"
        );
    }
}
