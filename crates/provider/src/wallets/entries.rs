//! A wallet's history: ledger transfers into or out of it, each labelled by
//! its transfer code, and the cursor that pages through them.

use super::transfer_code;
use crate::i18n::Lang;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ferry_domain::{Currency, Money};
use ferry_ledger::{Cursor, StoredTransfer, TransferFlags};

/// Why money moved, as the seller reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    PayoutReceived,
    PayoutHeld,
    HoldReleased,
    HoldReturned,
    Conversion,
    ConversionFee,
    Withdrawal,
    WithdrawalFee,
    WithdrawalReturned,
    /// A code this version does not know (written by a newer one).
    Other,
}

impl Kind {
    pub fn from_code(code: i64) -> Self {
        match code {
            transfer_code::PAYOUT_RECEIVED => Self::PayoutReceived,
            transfer_code::PAYOUT_HELD => Self::PayoutHeld,
            transfer_code::HOLD_RELEASED => Self::HoldReleased,
            transfer_code::HOLD_RETURNED => Self::HoldReturned,
            transfer_code::FX_CONVERSION => Self::Conversion,
            transfer_code::FX_FEE => Self::ConversionFee,
            transfer_code::WITHDRAWAL => Self::Withdrawal,
            transfer_code::WITHDRAWAL_FEE => Self::WithdrawalFee,
            transfer_code::WITHDRAWAL_RETURNED => Self::WithdrawalReturned,
            _ => Self::Other,
        }
    }

    /// A stable snake_case name for the API.
    pub fn slug(self) -> &'static str {
        match self {
            Self::PayoutReceived => "payout_received",
            Self::PayoutHeld => "payout_held",
            Self::HoldReleased => "hold_released",
            Self::HoldReturned => "hold_returned",
            Self::Conversion => "conversion",
            Self::ConversionFee => "conversion_fee",
            Self::Withdrawal => "withdrawal",
            Self::WithdrawalFee => "withdrawal_fee",
            Self::WithdrawalReturned => "withdrawal_returned",
            Self::Other => "other",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::PayoutReceived => lang.pick("平台回款", "Payout received"),
            Self::PayoutHeld => lang.pick("回款待核实", "Payout held for review"),
            Self::HoldReleased => lang.pick("核实后入账", "Held payout released"),
            Self::HoldReturned => lang.pick("退回付款方", "Returned to payer"),
            Self::Conversion => lang.pick("换汇", "Conversion"),
            Self::ConversionFee => lang.pick("换汇手续费", "Conversion fee"),
            Self::Withdrawal => lang.pick("提现", "Withdrawal"),
            Self::WithdrawalFee => lang.pick("提现手续费", "Withdrawal fee"),
            Self::WithdrawalReturned => lang.pick("提现退回", "Withdrawal returned"),
            Self::Other => lang.pick("其他", "Other"),
        }
    }
}

/// Where a row stands: posted money, or a reservation and its fate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Posted,
    /// Reserved (a withdrawal in flight): counted in "pending", not posted.
    Pending,
    /// A reservation released without moving money.
    Voided,
    Expired,
}

impl Status {
    fn of(flags: TransferFlags) -> Self {
        if flags.contains(TransferFlags::PENDING) {
            Self::Pending
        } else if flags.contains(TransferFlags::VOID_PENDING) {
            Self::Voided
        } else if flags.contains(TransferFlags::EXPIRE_PENDING) {
            Self::Expired
        } else {
            Self::Posted
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Self::Posted => "posted",
            Self::Pending => "pending",
            Self::Voided => "voided",
            Self::Expired => "expired",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Posted => lang.pick("已入账", "Posted"),
            Self::Pending => lang.pick("处理中", "Pending"),
            Self::Voided => lang.pick("已撤销", "Voided"),
            Self::Expired => lang.pick("已过期", "Expired"),
        }
    }
}

/// One row of a wallet's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub transfer_id: String,
    pub at_ms: i64,
    pub kind: Kind,
    pub status: Status,
    /// Signed from the wallet's side: money in is positive.
    pub amount: Money,
    /// How much the posted balance changed (zero for reservations).
    pub posted_change: Money,
    /// The transfer's reference: the receiving account of a payout.
    pub reference: Option<String>,
    cursor: Cursor,
}

impl Entry {
    pub fn new(stored: &StoredTransfer, wallet_account_id: &str, currency: Currency) -> Self {
        let transfer = &stored.transfer;
        let signed = if transfer.credit_account_id == wallet_account_id {
            transfer.amount
        } else {
            -transfer.amount
        };
        Self {
            transfer_id: transfer.id.clone(),
            at_ms: stored.created_at_ms,
            kind: Kind::from_code(transfer.code),
            status: Status::of(transfer.flags),
            amount: Money::from_minor(signed, currency),
            posted_change: Money::from_minor(stored.posted_effect(wallet_account_id), currency),
            reference: transfer.reference.clone(),
            cursor: stored.cursor(),
        }
    }

    /// The opaque cursor of the page after this row.
    pub fn next_cursor(&self) -> String {
        let raw = format!("{}.{}", self.cursor.created_at_ms, self.cursor.id);
        URL_SAFE_NO_PAD.encode(raw)
    }
}

/// Reads a cursor made by [`Entry::next_cursor`].
pub fn parse_cursor(raw: &str) -> Option<Cursor> {
    let bytes = URL_SAFE_NO_PAD.decode(raw.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (ms, id) = text.split_once('.')?;
    Some(Cursor {
        created_at_ms: ms.parse().ok()?,
        id: id.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_foreign_ones_are_refused() {
        let cursor = Cursor {
            created_at_ms: 1_732_400_000_123,
            id: "payout:ra_1.x".into(),
        };
        let raw = URL_SAFE_NO_PAD.encode(format!("{}.{}", cursor.created_at_ms, cursor.id));
        assert_eq!(parse_cursor(&raw), Some(cursor));
        assert_eq!(parse_cursor("not base64 at all!"), None);
        assert_eq!(parse_cursor(&URL_SAFE_NO_PAD.encode("12x.id")), None);
    }
}
