//! The ledger's data model, shaped like TigerBeetle's: accounts hold four
//! monotonic counters, transfers are immutable and identified by the
//! client's id, and pending transfers resolve exactly once.

use std::fmt;

/// One ledger per currency: accounts on different ledgers never transact
/// directly (FX goes through position accounts, one per ledger).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LedgerCode(String);

impl LedgerCode {
    /// A ledger named by an ISO 4217 currency code (three upper-case letters).
    pub fn currency(code: &str) -> Option<Self> {
        let valid = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
        valid.then(|| Self(code.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LedgerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What an account is for. Stored as its number; numbers never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(i64)]
pub enum AccountCode {
    /// A seller's balance in one currency (a liability to the seller).
    SellerWallet = 1,
    /// Money held at a partner bank for one currency (an asset).
    BankSettlement = 2,
    /// Fees earned.
    FeeRevenue = 3,
    /// The FX desk's position in one currency.
    FxPosition = 4,
    /// Money received that cannot be attributed yet.
    Suspense = 5,
    /// Money on its way out to a seller's bank.
    PayoutClearing = 6,
    /// Accounts that exist only for tests and benchmarks.
    Test = 99,
}

impl AccountCode {
    pub fn from_i64(value: i64) -> Option<Self> {
        [
            Self::SellerWallet,
            Self::BankSettlement,
            Self::FeeRevenue,
            Self::FxPosition,
            Self::Suspense,
            Self::PayoutClearing,
            Self::Test,
        ]
        .into_iter()
        .find(|code| *code as i64 == value)
    }
}

/// Account flags, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AccountFlags(pub i64);

impl AccountFlags {
    /// Refuse a transfer that would make debits (pending included) exceed
    /// posted credits: a wallet can never go below zero.
    pub const DEBITS_MUST_NOT_EXCEED_CREDITS: i64 = 1;
    /// The mirror, for accounts whose balance is on the debit side.
    pub const CREDITS_MUST_NOT_EXCEED_DEBITS: i64 = 2;

    pub fn contains(self, bit: i64) -> bool {
        self.0 & bit != 0
    }
}

/// An account to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub id: String,
    pub ledger: LedgerCode,
    pub code: AccountCode,
    pub flags: AccountFlags,
    /// Who the account belongs to (a merchant id), if anyone.
    pub owner: Option<String>,
}

/// An account with its balances, in the ledger's minor units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    pub id: String,
    pub ledger: LedgerCode,
    pub code: i64,
    pub flags: AccountFlags,
    pub owner: Option<String>,
    pub debits_pending: i64,
    pub debits_posted: i64,
    pub credits_pending: i64,
    pub credits_posted: i64,
}

impl Account {
    /// Posted credits minus posted debits: what a wallet holds.
    pub fn credit_balance_posted(&self) -> i64 {
        self.credits_posted - self.debits_posted
    }

    /// What a wallet can still spend: posted credits minus every debit,
    /// pending ones included.
    pub fn credit_balance_available(&self) -> i64 {
        self.credits_posted - self.debits_posted - self.debits_pending
    }
}

/// Transfer flags, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TransferFlags(pub i64);

impl TransferFlags {
    /// This transfer and the next one in the batch succeed or fail together.
    pub const LINKED: i64 = 1;
    /// Reserve the amount in the pending counters until posted or voided.
    pub const PENDING: i64 = 2;
    /// Post (all or part of) the pending transfer named by `pending_id`.
    pub const POST_PENDING: i64 = 4;
    /// Release the pending transfer named by `pending_id`.
    pub const VOID_PENDING: i64 = 8;
    /// Release a pending transfer whose deadline has passed. Written by the
    /// expiry sweep, so that every balance change is a transfer row.
    pub const EXPIRE_PENDING: i64 = 16;

    /// Whether this transfer resolves a pending transfer.
    pub fn resolves_pending(self) -> bool {
        self.contains(Self::POST_PENDING)
            || self.contains(Self::VOID_PENDING)
            || self.contains(Self::EXPIRE_PENDING)
    }

    pub fn contains(self, bit: i64) -> bool {
        self.0 & bit != 0
    }
}

/// A transfer as the client submits it. The id is the idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transfer {
    pub id: String,
    pub debit_account_id: String,
    pub credit_account_id: String,
    /// Minor units, greater than zero. For a void it is ignored and the
    /// pending amount is used.
    pub amount: i64,
    pub ledger: LedgerCode,
    /// Why the money moves (payout received, fee, FX, withdrawal, ...).
    pub code: i64,
    pub flags: TransferFlags,
    /// For post and void: the pending transfer being resolved.
    pub pending_id: Option<String>,
    /// For pending transfers: when the reservation expires (ms since the
    /// epoch); 0 means never.
    pub expires_at_ms: i64,
    /// An external reference (a bank reference, a quote id, ...).
    pub reference: Option<String>,
}

/// The outcome of one transfer in a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransferResult {
    Created,
    /// The same id with the same fields was already applied: nothing changed.
    Exists,
    ExistsWithDifferentFields,
    /// This id failed before with a balance error; it stays failed so a retry
    /// can never flip the outcome.
    IdAlreadyFailed,
    IdMustNotBeEmpty,
    AmountMustBePositive,
    AccountsMustBeDifferent,
    DebitAccountNotFound,
    CreditAccountNotFound,
    LedgerMustMatchAccounts,
    ExceedsCredits,
    ExceedsDebits,
    Overflow,
    PendingIdRequired,
    PendingIdNotAllowed,
    PendingTransferNotFound,
    PendingTransferNotPending,
    PendingTransferAlreadyPosted,
    PendingTransferAlreadyVoided,
    PendingTransferExpired,
    PendingTransferNotExpired,
    ExceedsPendingAmount,
    PendingTransferHasDifferentAccounts,
    FlagsAreMutuallyExclusive,
    LinkedEventFailed,
    LinkedEventChainOpen,
}

impl TransferResult {
    pub fn is_ok(self) -> bool {
        matches!(self, Self::Created | Self::Exists)
    }

    /// Failures that depend on balances at the time, which a retry could
    /// otherwise turn into a success; their ids are remembered.
    pub fn is_transient(self) -> bool {
        matches!(self, Self::ExceedsCredits | Self::ExceedsDebits)
    }

    /// A stable snake_case code for APIs and logs.
    pub fn code(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::Exists => "exists",
            Self::ExistsWithDifferentFields => "exists_with_different_fields",
            Self::IdAlreadyFailed => "id_already_failed",
            Self::IdMustNotBeEmpty => "id_must_not_be_empty",
            Self::AmountMustBePositive => "amount_must_be_positive",
            Self::AccountsMustBeDifferent => "accounts_must_be_different",
            Self::DebitAccountNotFound => "debit_account_not_found",
            Self::CreditAccountNotFound => "credit_account_not_found",
            Self::LedgerMustMatchAccounts => "ledger_must_match_accounts",
            Self::ExceedsCredits => "exceeds_credits",
            Self::ExceedsDebits => "exceeds_debits",
            Self::Overflow => "overflow",
            Self::PendingIdRequired => "pending_id_required",
            Self::PendingIdNotAllowed => "pending_id_not_allowed",
            Self::PendingTransferNotFound => "pending_transfer_not_found",
            Self::PendingTransferNotPending => "pending_transfer_not_pending",
            Self::PendingTransferAlreadyPosted => "pending_transfer_already_posted",
            Self::PendingTransferAlreadyVoided => "pending_transfer_already_voided",
            Self::PendingTransferExpired => "pending_transfer_expired",
            Self::PendingTransferNotExpired => "pending_transfer_not_expired",
            Self::ExceedsPendingAmount => "exceeds_pending_amount",
            Self::PendingTransferHasDifferentAccounts => "pending_transfer_has_different_accounts",
            Self::FlagsAreMutuallyExclusive => "flags_are_mutually_exclusive",
            Self::LinkedEventFailed => "linked_event_failed",
            Self::LinkedEventChainOpen => "linked_event_chain_open",
        }
    }
}

/// Where a pending transfer stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PendingStatus {
    Pending,
    Posted,
    Voided,
    Expired,
}

impl PendingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Posted => "posted",
            Self::Voided => "voided",
            Self::Expired => "expired",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        [Self::Pending, Self::Posted, Self::Voided, Self::Expired]
            .into_iter()
            .find(|status| status.as_str() == value)
    }
}
