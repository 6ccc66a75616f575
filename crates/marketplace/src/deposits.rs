//! Deposit methods: the bank account a store's proceeds for one marketplace
//! go to, as entered on Seller Central's Deposit Methods page, with the
//! controls Amazon documents (primary user only, two-step confirmation,
//! re-entering the complete current account number to replace one, and a
//! three-day security hold) and the sandbox's own risk rule.

use crate::clock::MS_PER_DAY;
use ferry_domain::{
    AbaRoutingNumber, AuBsb, Bic, CaRoutingNumber, Iban, JpAccountNumber, JpBankCode, JpBranchCode,
    JpZenginAccount, KatakanaHolderName, UkAccountNumber, UkBankAccount, UkSortCode,
};
use sqlx::{AnyConnection, Row};
use std::collections::HashMap;

/// "Whenever you add or change your bank account information, a three-day
/// security hold goes into effect."
pub const SECURITY_HOLD_MS: i64 = 3 * MS_PER_DAY;
/// Settlement periods are 14 days from registration; the deposit is
/// initiated two days after a period ends (observed in real reports).
pub const SETTLEMENT_PERIOD_MS: i64 = 14 * MS_PER_DAY;
pub const DEPOSIT_AFTER_PERIOD_END_MS: i64 = 2 * MS_PER_DAY;

/// The forms of Seller Central's "Bank location" choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankLocation {
    UnitedStates,
    Canada,
    UnitedKingdom,
    Euro,
    Japan,
    Australia,
}

impl BankLocation {
    pub const ALL: [Self; 6] = [
        Self::UnitedStates,
        Self::Canada,
        Self::UnitedKingdom,
        Self::Euro,
        Self::Japan,
        Self::Australia,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::UnitedStates => "US",
            Self::Canada => "CA",
            Self::UnitedKingdom => "GB",
            Self::Euro => "EURO",
            Self::Japan => "JP",
            Self::Australia => "AU",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::UnitedStates => "United States",
            Self::Canada => "Canada",
            Self::UnitedKingdom => "United Kingdom",
            Self::Euro => "Euro zone (IBAN)",
            Self::Japan => "Japan",
            Self::Australia => "Australia",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|location| location.code() == code)
    }

    /// The form's fields after the holder name: (name, label).
    pub fn fields(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Self::UnitedStates => &[
                ("routing_number", "9-digit routing number"),
                ("account_number", "Bank account number"),
                ("account_type", "Account type"),
            ],
            Self::Canada => &[
                ("institution_number", "Bank (institution) number"),
                ("transit_number", "Branch (transit) number"),
                ("account_number", "Bank account number"),
            ],
            Self::UnitedKingdom => &[
                ("sort_code", "Bank sort code"),
                ("account_number", "Bank account number"),
            ],
            Self::Euro => &[("iban", "IBAN"), ("bic", "BIC")],
            Self::Japan => &[
                ("bank_code", "Bank code"),
                ("branch_code", "Branch code"),
                ("account_number", "Account number"),
            ],
            Self::Australia => &[("bsb", "BSB"), ("account_number", "Account number")],
        }
    }
}

/// An account number for countries without a standard format: digits only
/// (spaces and hyphens dropped), within the lengths banks there issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalAccountNumber(String);

impl LocalAccountNumber {
    fn parse(input: &str, lengths: std::ops::RangeInclusive<usize>) -> Result<Self, String> {
        let compact: String = input.chars().filter(|c| *c != ' ' && *c != '-').collect();
        if let Some(bad) = compact.chars().find(|c| !c.is_ascii_digit()) {
            return Err(format!("only digits are allowed, found {bad:?}"));
        }
        if !lengths.contains(&compact.len()) {
            return Err(format!(
                "expected {} to {} digits, found {}",
                lengths.start(),
                lengths.end(),
                compact.len()
            ));
        }
        Ok(Self(compact))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsAccountType {
    Checking,
    Savings,
}

/// A bank account, parsed by location with the domain types.
#[derive(Debug, Clone)]
pub enum BankAccount {
    Us {
        routing: AbaRoutingNumber,
        account: LocalAccountNumber,
        account_type: UsAccountType,
    },
    Ca {
        routing: CaRoutingNumber,
        account: LocalAccountNumber,
    },
    Uk(UkBankAccount),
    Euro {
        iban: Iban,
        bic: Bic,
    },
    Jp {
        account: JpZenginAccount,
        holder: KatakanaHolderName,
    },
    Au {
        bsb: AuBsb,
        account: LocalAccountNumber,
    },
}

/// A parsed deposit-method form: the holder as entered and the account.
#[derive(Debug, Clone)]
pub struct DepositAccount {
    pub holder_name: String,
    pub account: BankAccount,
}

/// Field errors, keyed by form field, in the order the form shows them.
pub type FieldErrors = Vec<(&'static str, String)>;

fn field<'a>(form: &'a HashMap<String, String>, name: &str) -> &'a str {
    form.get(name).map_or("", |value| value.trim())
}

/// Parses the form for `location`. Every field is checked, so the seller
/// sees all problems at once.
pub fn parse_form(
    location: BankLocation,
    form: &HashMap<String, String>,
) -> Result<DepositAccount, FieldErrors> {
    let mut errors: FieldErrors = Vec::new();
    let holder_name = field(form, "holder_name").to_string();
    if holder_name.is_empty() {
        errors.push(("holder_name", "Enter the account holder name.".into()));
    }
    let mut check = |name: &'static str, label: &str, result: Result<(), String>| {
        if let Err(problem) = result {
            errors.push((name, format!("{label}: {problem}.")));
        }
    };
    macro_rules! parse {
        ($name:literal, $label:literal, $parsed:expr) => {{
            let parsed = $parsed.map_err(|e| e.to_string());
            check(
                $name,
                $label,
                parsed.as_ref().map(|_| ()).map_err(Clone::clone),
            );
            parsed.ok()
        }};
    }
    let account = match location {
        BankLocation::UnitedStates => {
            let routing = parse!(
                "routing_number",
                "Routing number",
                AbaRoutingNumber::parse(field(form, "routing_number"))
            );
            let account = parse!(
                "account_number",
                "Bank account number",
                LocalAccountNumber::parse(field(form, "account_number"), 4..=17)
            );
            let account_type = parse!(
                "account_type",
                "Account type",
                match field(form, "account_type") {
                    "checking" => Ok(UsAccountType::Checking),
                    "savings" => Ok(UsAccountType::Savings),
                    _ => Err("choose checking or savings"),
                }
            );
            match (routing, account, account_type) {
                (Some(routing), Some(account), Some(account_type)) => Some(BankAccount::Us {
                    routing,
                    account,
                    account_type,
                }),
                _ => None,
            }
        }
        BankLocation::Canada => {
            let institution = field(form, "institution_number");
            let transit = field(form, "transit_number");
            let routing = parse!(
                "transit_number",
                "Branch (transit) and bank (institution) number",
                CaRoutingNumber::parse(&format!("{transit} {institution}"))
            );
            let account = parse!(
                "account_number",
                "Bank account number",
                LocalAccountNumber::parse(field(form, "account_number"), 7..=12)
            );
            match (routing, account) {
                (Some(routing), Some(account)) => Some(BankAccount::Ca { routing, account }),
                _ => None,
            }
        }
        BankLocation::UnitedKingdom => {
            let sort_code = parse!(
                "sort_code",
                "Bank sort code",
                UkSortCode::parse(field(form, "sort_code"))
            );
            let account = parse!(
                "account_number",
                "Bank account number",
                UkAccountNumber::parse(field(form, "account_number"))
            );
            match (sort_code, account) {
                (Some(sort_code), Some(account)) => {
                    Some(BankAccount::Uk(UkBankAccount::new(sort_code, account)))
                }
                _ => None,
            }
        }
        BankLocation::Euro => {
            let iban = parse!("iban", "IBAN", Iban::parse(field(form, "iban")));
            let bic = parse!("bic", "BIC", Bic::parse(field(form, "bic")));
            match (iban, bic) {
                (Some(iban), Some(bic)) if iban.country_code() != bic.country() => {
                    errors.push((
                        "bic",
                        format!(
                            "BIC: the BIC is for country {} but the IBAN is for {}; enter the BIC of the bank that holds the IBAN.",
                            bic.country(),
                            iban.country_code()
                        ),
                    ));
                    None
                }
                (Some(iban), Some(bic)) => Some(BankAccount::Euro { iban, bic }),
                _ => None,
            }
        }
        BankLocation::Japan => {
            let bank = parse!(
                "bank_code",
                "Bank code",
                JpBankCode::parse(field(form, "bank_code"))
            );
            let branch = parse!(
                "branch_code",
                "Branch code",
                JpBranchCode::parse(field(form, "branch_code"))
            );
            let number = parse!(
                "account_number",
                "Account number",
                JpAccountNumber::parse(field(form, "account_number"))
            );
            let holder = parse!(
                "holder_name",
                "Account holder name",
                KatakanaHolderName::parse(&holder_name)
            );
            match (bank, branch, number, holder) {
                (Some(bank), Some(branch), Some(number), Some(holder)) => Some(BankAccount::Jp {
                    account: JpZenginAccount::new(bank, branch, number),
                    holder,
                }),
                _ => None,
            }
        }
        BankLocation::Australia => {
            let bsb = parse!("bsb", "BSB", AuBsb::parse(field(form, "bsb")));
            let account = parse!(
                "account_number",
                "Account number",
                LocalAccountNumber::parse(field(form, "account_number"), 5..=9)
            );
            match (bsb, account) {
                (Some(bsb), Some(account)) => Some(BankAccount::Au { bsb, account }),
                _ => None,
            }
        }
    };
    match account {
        Some(account) if errors.is_empty() => {
            // Japanese accounts are held in the bank's half-width katakana
            // spelling, which is what the parser normalised.
            let holder_name = match &account {
                BankAccount::Jp { holder, .. } => holder.as_str().to_string(),
                _ => holder_name,
            };
            Ok(DepositAccount {
                holder_name,
                account,
            })
        }
        _ => Err(errors),
    }
}

impl BankAccount {
    pub fn location(&self) -> BankLocation {
        match self {
            Self::Us { .. } => BankLocation::UnitedStates,
            Self::Ca { .. } => BankLocation::Canada,
            Self::Uk(_) => BankLocation::UnitedKingdom,
            Self::Euro { .. } => BankLocation::Euro,
            Self::Jp { .. } => BankLocation::Japan,
            Self::Au { .. } => BankLocation::Australia,
        }
    }

    /// The bank's country (ISO 3166-1 alpha-2).
    pub fn country_code(&self) -> &str {
        match self {
            Self::Us { .. } => "US",
            Self::Ca { .. } => "CA",
            Self::Uk(_) => "GB",
            Self::Euro { iban, .. } => iban.country_code(),
            Self::Jp { .. } => "JP",
            Self::Au { .. } => "AU",
        }
    }

    /// The code that routes to the bank: ABA, Canadian EFT routing, sort
    /// code, BIC, Zengin bank+branch, or BSB.
    pub fn bank_identifier(&self) -> String {
        match self {
            Self::Us { routing, .. } => routing.as_str().to_string(),
            Self::Ca { routing, .. } => routing.as_str().to_string(),
            Self::Uk(account) => account.sort_code().as_str().to_string(),
            Self::Euro { bic, .. } => bic.as_str().to_string(),
            Self::Jp { account, .. } => {
                format!(
                    "{}{}",
                    account.bank_code().as_str(),
                    account.branch_code().as_str()
                )
            }
            Self::Au { bsb, .. } => bsb.as_str().to_string(),
        }
    }

    /// The complete account number as stored and compared (the IBAN for
    /// euro accounts, the 7-digit padded number for Japan).
    pub fn account_number(&self) -> String {
        match self {
            Self::Us { account, .. } | Self::Ca { account, .. } | Self::Au { account, .. } => {
                account.0.clone()
            }
            Self::Uk(account) => account.account_number().as_str().to_string(),
            Self::Euro { iban, .. } => iban.as_str().to_string(),
            Self::Jp { account, .. } => account.account_number().as_str().to_string(),
        }
    }

    pub fn account_type(&self) -> Option<&'static str> {
        match self {
            Self::Us {
                account_type: UsAccountType::Checking,
                ..
            } => Some("checking"),
            Self::Us {
                account_type: UsAccountType::Savings,
                ..
            } => Some("savings"),
            _ => None,
        }
    }
}

/// The last three characters of an account number, which is what Amazon
/// shows (`tail`, `AccountTail`).
pub fn tail(account_number: &str) -> String {
    let chars: Vec<char> = account_number.chars().collect();
    chars[chars.len().saturating_sub(3)..].iter().collect()
}

/// Whether what the seller re-entered is the complete current account
/// number: separators and case are ignored, and Japanese numbers compare
/// after the usual zero-padding to seven digits.
pub fn is_same_account_number(location: BankLocation, stored: &str, entered: &str) -> bool {
    let compact: String = entered
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if location == BankLocation::Japan {
        return JpAccountNumber::parse(&compact).is_ok_and(|n| n.as_str() == stored);
    }
    !compact.is_empty() && compact == stored
}

/// A marketplace's current default deposit method.
#[derive(Debug, Clone)]
pub struct Assigned {
    pub deposit_method_id: String,
    pub location: BankLocation,
    pub holder_name: String,
    pub account_number: String,
    pub tail: String,
    pub assigned_at_ms: i64,
    pub hold_until_at_ms: i64,
}

pub async fn assigned(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
) -> Result<Option<Assigned>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT m.deposit_method_id, m.bank_location, m.holder_name, \
         m.account_number, m.tail, a.assigned_at_ms, a.hold_until_at_ms \
         FROM deposit_assignments a JOIN deposit_methods m ON m.deposit_method_id = a.deposit_method_id \
         WHERE a.seller_id = $1 AND a.marketplace_id = $2",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        let location: String = row.try_get("bank_location")?;
        Ok(Assigned {
            deposit_method_id: row.try_get("deposit_method_id")?,
            location: BankLocation::parse(&location)
                .ok_or_else(|| sqlx::Error::Decode(format!("bank location {location}").into()))?,
            holder_name: row.try_get("holder_name")?,
            account_number: row.try_get("account_number")?,
            tail: row.try_get("tail")?,
            assigned_at_ms: row.try_get("assigned_at_ms")?,
            hold_until_at_ms: row.try_get("hold_until_at_ms")?,
        })
    })
    .transpose()
}

/// The next scheduled disbursement after `now_ms`: periods of 14 days from
/// the day the seller joined the marketplace, each paid two days after it
/// ends.
pub fn next_disbursement_at_ms(joined_at_ms: i64, now_ms: i64) -> i64 {
    let first = joined_at_ms + SETTLEMENT_PERIOD_MS + DEPOSIT_AFTER_PERIOD_END_MS;
    if now_ms < first {
        return first;
    }
    let periods_passed = (now_ms - first) / SETTLEMENT_PERIOD_MS + 1;
    first + periods_passed * SETTLEMENT_PERIOD_MS
}

/// Opens a disbursement review for the marketplace (the sandbox's risk
/// rule), unless one is already open.
pub async fn open_review(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    deposit_method_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    if review_open(conn, seller_id, marketplace_id).await? {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO disbursement_reviews (review_id, seller_id, marketplace_id, \
         deposit_method_id, opened_at_ms) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(format!("rev_{}", uuid::Uuid::now_v7().simple()))
    .bind(seller_id)
    .bind(marketplace_id)
    .bind(deposit_method_id)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn review_open(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
) -> Result<bool, sqlx::Error> {
    let open = sqlx::query(
        "SELECT review_id FROM disbursement_reviews WHERE seller_id = $1 AND marketplace_id = $2 \
         AND cleared_at_ms IS NULL",
    )
    .bind(seller_id)
    .bind(marketplace_id)
    .fetch_optional(conn)
    .await?;
    Ok(open.is_some())
}

pub async fn clear_review(
    conn: &mut AnyConnection,
    seller_id: &str,
    marketplace_id: &str,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE disbursement_reviews SET cleared_at_ms = $1 WHERE seller_id = $2 \
         AND marketplace_id = $3 AND cleared_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(seller_id)
    .bind(marketplace_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_disbursement_is_two_days_after_each_fourteen_day_period() {
        let day = MS_PER_DAY;
        assert_eq!(next_disbursement_at_ms(0, 0), 16 * day);
        assert_eq!(next_disbursement_at_ms(0, 16 * day - 1), 16 * day);
        assert_eq!(next_disbursement_at_ms(0, 16 * day), 30 * day);
        assert_eq!(next_disbursement_at_ms(0, 29 * day), 30 * day);
    }

    #[test]
    fn replacing_needs_the_complete_number() {
        assert!(is_same_account_number(
            BankLocation::UnitedStates,
            "000123456789",
            "0001 2345 6789"
        ));
        assert!(!is_same_account_number(
            BankLocation::UnitedStates,
            "000123456789",
            "6789"
        ));
        assert!(is_same_account_number(
            BankLocation::Japan,
            "0009876",
            "9876"
        ));
        assert!(is_same_account_number(
            BankLocation::Euro,
            "DE89370400440532013000",
            "de89 3704 0044 0532 0130 00"
        ));
    }

    #[test]
    fn the_tail_is_the_last_three_characters() {
        assert_eq!(tail("000123456789"), "789");
        assert_eq!(tail("12"), "12");
    }
}
