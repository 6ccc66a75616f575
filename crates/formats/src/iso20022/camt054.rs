//! camt.054 BankToCustomerDebitCreditNotification: the per-booking notice a
//! bank sends when money lands on (or leaves) an account.
//!
//! [`parse`] reads versions 001.02 and 001.08 (the two shapes banks send for
//! collection accounts today); [`write_v08`] writes 001.08. Only the fields a
//! collection platform routes and reconciles on are modelled; everything else
//! in the message is ignored when reading.
//!
//! Differences between the versions that the reader absorbs:
//! - `Ntry/Sts` is text (`BOOK`) in 02 and `Sts/Cd` in 08.
//! - Parties are `Dbtr/Nm` in 02 and `Dbtr/Pty/Nm` in 08.
//! - Agents are `FinInstnId/BIC` in 02 and `FinInstnId/BICFI` in 08.
//! - `TxDtls/Amt` and `Refs/UETR` exist only in 08; 02 carries the
//!   transaction amount in `AmtDtls/TxAmt/Amt` (or only on the entry).

mod read;
mod write;

use ferry_domain::bank::{BicError, IbanError};
use ferry_domain::money::CurrencyError;
use ferry_domain::{Bic, Iban};
use time::Date;

use super::types::{
    AmountTextError, IsoAmount, IsoDateTime, IsoText, IsoTextError, Max35Text, Max140Text, Uetr,
};

pub use read::parse;
pub use write::write_v08;

/// Namespace of camt.054.001.02.
pub const NAMESPACE_V02: &str = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02";
/// Namespace of camt.054.001.08.
pub const NAMESPACE_V08: &str = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.08";

/// One camt.054 message with one notification (`Ntfctn`). Messages carrying
/// several notifications are refused by [`parse`] rather than silently
/// truncated; banks send one per account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNotification {
    /// `GrpHdr/MsgId`.
    pub message_id: Max35Text,
    /// `GrpHdr/CreDtTm` (also written as `Ntfctn/CreDtTm`).
    pub created_at: IsoDateTime,
    /// `Ntfctn/Id`.
    pub notification_id: Max35Text,
    /// `Ntfctn/Acct/Id`: the account the bank reports on (for pooled
    /// collection accounts, the master account).
    pub account: AccountId,
    /// `Ntfctn/Ntry`, in message order.
    pub entries: Vec<Entry>,
}

/// `Ntry`: one booking on the account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `Ntry/Amt` with its `Ccy`.
    pub amount: IsoAmount,
    /// `Ntry/CdtDbtInd`.
    pub direction: CreditDebit,
    /// `Ntry/Sts`: only booked credits are money a seller can have.
    pub status: EntryStatus,
    /// `Ntry/BookgDt` (`Dt`, or the date part of `DtTm`); pending entries
    /// have none.
    pub booking_date: Option<Date>,
    /// `Ntry/ValDt` (`Dt`, or the date part of `DtTm`).
    pub value_date: Option<Date>,
    /// `Ntry/AcctSvcrRef`: the bank's own reference, the dedupe key.
    pub bank_reference: Option<Max35Text>,
    /// `Ntry/BkTxCd/Domn`.
    pub bank_transaction_code: Option<BankTransactionCode>,
    /// `Ntry/NtryDtls/TxDtls`: a batch booking has several. [`parse`]
    /// refuses an entry without any, since a credit cannot be routed without
    /// its creditor account; [`write_v08`] omits `NtryDtls` for an empty list.
    pub transactions: Vec<TransactionDetails>,
}

/// `TxDtls`: one underlying payment of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransactionDetails {
    /// `TxDtls/Amt` (08) or `AmtDtls/TxAmt/Amt`; for a single transaction
    /// without either, the entry amount.
    pub amount: IsoAmount,
    /// `Refs/EndToEndId`.
    pub end_to_end_id: Option<Max35Text>,
    /// `Refs/UETR` (08 only).
    pub uetr: Option<Uetr>,
    /// `Refs/InstrId`.
    pub instruction_id: Option<Max35Text>,
    /// `RltdPties/Dbtr/(Pty/)Nm`: who paid.
    pub debtor_name: Option<Max140Text>,
    /// `RltdPties/DbtrAcct/Id`.
    pub debtor_account: Option<AccountId>,
    /// `RltdAgts/DbtrAgt/FinInstnId/BICFI` (08) or `BIC` (02).
    pub debtor_agent_bic: Option<Bic>,
    /// `RltdPties/Cdtr/(Pty/)Nm`.
    pub creditor_name: Option<Max140Text>,
    /// `RltdPties/CdtrAcct/Id`: the (virtual) account credited, which is
    /// how a credit is routed to a seller, hence required.
    pub creditor_account: AccountId,
    /// `RmtInf/Ustrd`, every line in order.
    pub remittance_info: Vec<Max140Text>,
}

/// An account identification: `Id/IBAN` or `Id/Othr`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountId {
    /// `Id/IBAN`, check digits verified.
    Iban(Iban),
    /// `Id/Othr/Id` with its optional scheme (e.g. `Cd` = `BBAN`, or a
    /// proprietary scheme for US account numbers).
    Other {
        /// `Othr/Id` (Max34Text).
        id: IsoText<34>,
        /// `Othr/SchmeNm`.
        scheme: Option<AccountScheme>,
    },
}

/// `Othr/SchmeNm`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountScheme {
    /// `SchmeNm/Cd`, an external code list value such as `BBAN`.
    Code(IsoText<4>),
    /// `SchmeNm/Prtry`.
    Proprietary(Max35Text),
}

/// `CdtDbtInd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CreditDebit {
    /// `CRDT`: money in.
    Credit,
    /// `DBIT`: money out.
    Debit,
}

/// `Ntry/Sts`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EntryStatus {
    /// `BOOK`.
    Booked,
    /// `PDNG`: announced, not yet booked.
    Pending,
    /// `INFO`: informational only, never booked.
    Info,
}

/// `BkTxCd/Domn`: ISO bank transaction code, e.g. `PMNT`/`RCDT`/`ESCT`
/// (payments / received credit transfers / SEPA credit transfer).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankTransactionCode {
    /// `Domn/Cd`.
    pub domain: IsoText<4>,
    /// `Domn/Fmly/Cd`.
    pub family: IsoText<4>,
    /// `Domn/Fmly/SubFmlyCd`.
    pub sub_family: IsoText<4>,
}

impl CreditDebit {
    fn code(self) -> &'static str {
        match self {
            Self::Credit => "CRDT",
            Self::Debit => "DBIT",
        }
    }
}

impl EntryStatus {
    fn code(self) -> &'static str {
        match self {
            Self::Booked => "BOOK",
            Self::Pending => "PDNG",
            Self::Info => "INFO",
        }
    }
}

/// Why a camt.054 message was refused. Paths are element paths from the
/// root with 1-based indices on repeating elements, e.g.
/// `Document/BkToCstmrDbtCdtNtfctn/Ntfctn/Ntry[2]/NtryDtls[1]/TxDtls[1]/RltdPties/CdtrAcct`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Camt054Error {
    /// Not well-formed XML.
    #[error("the file is not well-formed XML (at byte {byte_offset}): {message}")]
    Syntax {
        /// Where reading stopped.
        byte_offset: u64,
        /// The XML reader's explanation.
        message: String,
    },
    /// Well-formed, but not a camt.054 version this reader knows.
    #[error(
        "not a camt.054.001.02 or camt.054.001.08 message (root element {root}, namespace {namespace:?})"
    )]
    UnsupportedMessage {
        /// The root element's local name.
        root: String,
        /// Its namespace, if any.
        namespace: Option<String>,
    },
    /// A required element is absent.
    #[error("the element {path} is missing")]
    MissingElement {
        /// Where it was expected.
        path: String,
    },
    /// More notifications than one in a message.
    #[error("the message holds {found} notifications; one per message is supported")]
    SeveralNotifications {
        /// How many `Ntfctn` elements were found.
        found: usize,
    },
    /// A text element is empty or too long.
    #[error("{path}: {source}")]
    InvalidText {
        /// The element.
        path: String,
        /// What is wrong.
        source: IsoTextError,
    },
    /// A coded element holds a value outside its code list.
    #[error("{path} is {found:?}; expected one of {expected}")]
    InvalidCode {
        /// The element.
        path: String,
        /// The value found.
        found: String,
        /// The allowed codes.
        expected: &'static str,
    },
    /// `Ccy` is missing or not a supported currency.
    #[error("{path}: currency {found:?}: {source}")]
    InvalidCurrency {
        /// The amount element.
        path: String,
        /// The `Ccy` value.
        found: String,
        /// What is wrong.
        source: CurrencyError,
    },
    /// The amount text is not a valid amount in its currency (including more
    /// decimals than the currency has, e.g. `1500.50` JPY).
    #[error("{path}: amount {found:?}: {source}")]
    InvalidAmount {
        /// The amount element.
        path: String,
        /// The text found.
        found: String,
        /// What is wrong.
        source: AmountTextError,
    },
    /// A date or date-time that does not parse.
    #[error("{path}: {found:?} is not a valid ISO 8601 date or date-time")]
    InvalidDate {
        /// The element.
        path: String,
        /// The text found.
        found: String,
    },
    /// An IBAN that fails its checks.
    #[error("{path}: IBAN {found:?}: {source}")]
    InvalidIban {
        /// The `IBAN` element.
        path: String,
        /// The text found.
        found: String,
        /// What is wrong.
        source: IbanError,
    },
    /// A BIC that fails its checks.
    #[error("{path}: BIC {found:?}: {source}")]
    InvalidBic {
        /// The `BICFI`/`BIC` element.
        path: String,
        /// The text found.
        found: String,
        /// What is wrong.
        source: BicError,
    },
    /// A UETR that is not a version-4 UUID.
    #[error("{path}: {found:?} is not a UETR (a version-4 UUID)")]
    InvalidUetr {
        /// The `UETR` element.
        path: String,
        /// The text found.
        found: String,
    },
}

impl Camt054Error {
    /// A stable machine code for APIs and logs.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } => "camt054_not_xml",
            Self::UnsupportedMessage { .. } => "camt054_unsupported_message",
            Self::MissingElement { .. } => "camt054_missing_element",
            Self::SeveralNotifications { .. } => "camt054_several_notifications",
            Self::InvalidText { .. } => "camt054_invalid_text",
            Self::InvalidCode { .. } => "camt054_invalid_code",
            Self::InvalidCurrency { .. } => "camt054_invalid_currency",
            Self::InvalidAmount { .. } => "camt054_invalid_amount",
            Self::InvalidDate { .. } => "camt054_invalid_date",
            Self::InvalidIban { .. } => "camt054_invalid_iban",
            Self::InvalidBic { .. } => "camt054_invalid_bic",
            Self::InvalidUetr { .. } => "camt054_invalid_uetr",
        }
    }
}
