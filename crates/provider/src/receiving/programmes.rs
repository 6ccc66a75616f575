//! Partner-bank programmes: which bank issues Ferry's receiving accounts in a
//! currency, its details as a marketplace asks for them, and the range of
//! account numbers Ferry may hand out.
//!
//! The defaults are sandbox programmes at fictitious banks whose codes pass
//! every check (ABA check digit, IBAN check digits); `ferry up` registers
//! them in the sandbox's bank directory as a participating provider.

use ferry_domain::{
    AbaRoutingNumber, AuBsb, Bic, CaRoutingNumber, Currency, Iban, JpBankCode, JpBranchCode,
    UkSortCode,
};
use serde::{Deserialize, Serialize};

/// How the partner bank is routed to in its country.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "scheme", rename_all = "snake_case")]
pub enum LocalRouting {
    /// US: ABA routing number; accounts are checking accounts.
    Aba { routing_number: AbaRoutingNumber },
    /// Euro area: the IBAN's country and the bank code that starts its BBAN
    /// (for Germany the 8-digit Bankleitzahl).
    Iban { country: String, bank_code: String },
    /// UK: sort code and 8-digit account numbers.
    SortCode { sort_code: UkSortCode },
    /// Canada: institution and transit number.
    Canada { routing_number: CaRoutingNumber },
    /// Japan: Zengin bank and branch codes; ordinary (futsu) accounts.
    Zengin {
        bank_code: JpBankCode,
        branch_code: JpBranchCode,
    },
    /// Australia: BSB.
    Bsb { bsb: AuBsb },
}

/// One partner bank's programme for one currency.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Programme {
    /// Stable name of the programme; the allocation counter is keyed by it,
    /// so it must never be reused for another bank.
    pub id: String,
    pub currency: Currency,
    pub bank_name: String,
    pub bank_address: String,
    /// ISO 3166 country of the bank.
    pub country: String,
    /// For international (SWIFT) wires.
    pub bic: Bic,
    pub routing: LocalRouting,
    /// The first and last account number Ferry may issue (inclusive).
    pub first_account_number: u64,
    pub last_account_number: u64,
    /// Account numbers are zero-padded to this many digits.
    pub account_number_digits: usize,
}

/// Local details of one issued account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedNumber {
    /// The code a marketplace uses to find the bank.
    pub bank_code: String,
    /// The complete account number (the IBAN for euro accounts).
    pub account_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IssueError {
    #[error("programme {0} has no account numbers left")]
    Exhausted(String),
    #[error("programme {programme}: {reason}")]
    Misconfigured { programme: String, reason: String },
}

impl Programme {
    /// The account number for the `sequence`-th issuance (1-based).
    pub fn number(&self, sequence: u64) -> Result<IssuedNumber, IssueError> {
        let value = self
            .first_account_number
            .checked_add(sequence.saturating_sub(1))
            .filter(|value| *value <= self.last_account_number)
            .ok_or_else(|| IssueError::Exhausted(self.id.clone()))?;
        let digits = self.account_number_digits;
        let local = format!("{value:0digits$}");
        if local.len() != digits {
            return Err(self.misconfigured("an account number has more digits than configured"));
        }
        Ok(match &self.routing {
            LocalRouting::Iban { country, bank_code } => {
                let iban = Iban::from_bban(country, &format!("{bank_code}{local}"))
                    .map_err(|error| self.misconfigured(&error.to_string()))?;
                IssuedNumber {
                    bank_code: self.bic8(),
                    account_number: iban.as_str().to_string(),
                }
            }
            _ => IssuedNumber {
                bank_code: self.bank_code(),
                account_number: local,
            },
        })
    }

    fn misconfigured(&self, reason: &str) -> IssueError {
        IssueError::Misconfigured {
            programme: self.id.clone(),
            reason: reason.to_string(),
        }
    }

    fn bic8(&self) -> String {
        self.bic.as_str().chars().take(8).collect()
    }

    /// The code a marketplace sends with an account at this bank.
    pub fn bank_code(&self) -> String {
        match &self.routing {
            LocalRouting::Aba { routing_number } => routing_number.as_str().to_string(),
            LocalRouting::Iban { .. } => self.bic8(),
            LocalRouting::SortCode { sort_code } => sort_code.as_str().to_string(),
            LocalRouting::Canada { routing_number } => routing_number.as_str().to_string(),
            LocalRouting::Zengin {
                bank_code,
                branch_code,
            } => format!("{}{}", bank_code.as_str(), branch_code.as_str()),
            LocalRouting::Bsb { bsb } => bsb.as_str().to_string(),
        }
    }

    /// Where the sandbox's (and a marketplace's) bank directory files this
    /// bank: (code type, code).
    pub fn directory_key(&self) -> (&'static str, String) {
        match &self.routing {
            LocalRouting::Aba { routing_number } => ("aba", routing_number.as_str().to_string()),
            LocalRouting::Iban { .. } => ("bic8", self.bic8()),
            LocalRouting::SortCode { sort_code } => ("sort_code", sort_code.as_str().to_string()),
            LocalRouting::Canada { routing_number } => {
                ("ca_institution", routing_number.institution().to_string())
            }
            LocalRouting::Zengin { bank_code, .. } => {
                ("zengin_bank", bank_code.as_str().to_string())
            }
            LocalRouting::Bsb { bsb } => ("bsb", bsb.as_str().to_string()),
        }
    }

    /// Checks what serde cannot: the range fits the digits and the first
    /// and last numbers build valid accounts.
    pub fn validate(&self) -> Result<(), IssueError> {
        if self.first_account_number > self.last_account_number {
            return Err(self.misconfigured("the first account number is after the last"));
        }
        self.number(1)?;
        let last_sequence = self.last_account_number - self.first_account_number + 1;
        self.number(last_sequence).map(|_| ())
    }
}

/// A routing number with its check digit computed.
fn aba(first_8: &str) -> AbaRoutingNumber {
    let check = AbaRoutingNumber::check_digit_for(first_8).expect("eight digits");
    AbaRoutingNumber::parse(&format!("{first_8}{check}")).expect("a computed check digit")
}

fn parsed<T: std::str::FromStr>(text: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    text.parse().expect("a valid built-in code")
}

/// The sandbox programmes for USD, EUR, GBP, JPY, CAD and AUD.
pub fn sandbox_programmes() -> Vec<Programme> {
    let programme = |id: &str,
                     currency: Currency,
                     bank_name: &str,
                     bank_address: &str,
                     country: &str,
                     bic: &str,
                     routing: LocalRouting,
                     digits: usize| Programme {
        id: id.into(),
        currency,
        bank_name: bank_name.into(),
        bank_address: bank_address.into(),
        country: country.into(),
        bic: parsed(bic),
        routing,
        first_account_number: 10u64.pow(digits as u32 - 1) * 8,
        last_account_number: 10u64.pow(digits as u32) - 1,
        account_number_digits: digits,
    };
    vec![
        programme(
            "sandbox-usd",
            Currency::USD,
            "Ferry Sandbox Bank, N.A.",
            "1 Harbor Plaza, New York, NY 10004, United States",
            "US",
            "FRYSUS33",
            LocalRouting::Aba {
                routing_number: aba("02600959"),
            },
            12,
        ),
        programme(
            "sandbox-eur",
            Currency::EUR,
            "Ferry Sandbox Bank AG",
            "Mainzer Landstraße 1, 60329 Frankfurt am Main, Germany",
            "DE",
            "FRYSDEFFXXX",
            LocalRouting::Iban {
                country: "DE".into(),
                bank_code: "50099000".into(),
            },
            10,
        ),
        programme(
            "sandbox-gbp",
            Currency::GBP,
            "Ferry Sandbox Bank Ltd",
            "1 King William Street, London EC4N 7AR, United Kingdom",
            "GB",
            "FRYSGB2L",
            LocalRouting::SortCode {
                sort_code: parsed("608371"),
            },
            8,
        ),
        programme(
            "sandbox-jpy",
            Currency::JPY,
            "Ferry Sandbox Bank (Tokyo)",
            "1-1 Marunouchi, Chiyoda-ku, Tokyo 100-0005, Japan",
            "JP",
            "FRYSJPJT",
            LocalRouting::Zengin {
                bank_code: parsed("0990"),
                branch_code: parsed("101"),
            },
            7,
        ),
        programme(
            "sandbox-cad",
            Currency::CAD,
            "Ferry Sandbox Bank of Canada",
            "100 King Street West, Toronto, ON M5X 1A9, Canada",
            "CA",
            "FRYSCATT",
            LocalRouting::Canada {
                routing_number: parsed("039910202"),
            },
            7,
        ),
        programme(
            "sandbox-aud",
            Currency::AUD,
            "Ferry Sandbox Bank Australia",
            "1 Martin Place, Sydney NSW 2000, Australia",
            "AU",
            "FRYSAU2S",
            LocalRouting::Bsb {
                bsb: parsed("939200"),
            },
            9,
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sandbox_programme_is_valid() {
        for programme in sandbox_programmes() {
            programme.validate().unwrap();
        }
    }

    #[test]
    fn euro_numbers_are_ibans_with_computed_check_digits() {
        let eur = sandbox_programmes()
            .into_iter()
            .find(|p| p.currency == Currency::EUR)
            .unwrap();
        let first = eur.number(1).unwrap();
        let iban = Iban::parse(&first.account_number).unwrap();
        assert_eq!(iban.country_code(), "DE");
        assert!(iban.bban().starts_with("50099000"));
        assert_eq!(first.bank_code, "FRYSDEFF");
        assert_ne!(eur.number(2).unwrap().account_number, first.account_number);
    }

    #[test]
    fn a_programme_refuses_numbers_past_its_range() {
        let mut usd = sandbox_programmes().remove(0);
        usd.last_account_number = usd.first_account_number + 1;
        assert!(usd.number(2).is_ok());
        assert_eq!(
            usd.number(3),
            Err(IssueError::Exhausted("sandbox-usd".into()))
        );
        assert!(AbaRoutingNumber::parse(&usd.bank_code()).is_ok());
    }
}
