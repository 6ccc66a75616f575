//! Matching inbound credits to settlements, and what the difference means.
//!
//! A credit belongs to a settlement when the currency agrees, the account
//! tails agree (where both are known), and a reference ties them: the
//! credit's end-to-end id is the settlement id (Amazon sends it so), or its
//! bank reference is the financial event group's trace id. A bank that drops
//! both references still credits the right amount to the right account, so
//! a credit left over is matched, as a second pass, to an unclaimed
//! settlement of exactly its amount and tail received within
//! [`AMOUNT_MATCH_WINDOW_MS`] of the deposit date.

use super::Settlement;
use crate::i18n::Lang;
use ferry_domain::{Currency, Money};
use serde::Serialize;

const DAY_MS: i64 = 86_400_000;
/// Amazon initiates the transfer on the deposit date; banks take three to
/// five business days, longer over holidays.
pub const AMOUNT_MATCH_WINDOW_MS: i64 = 10 * DAY_MS;

/// A credit to a receiving account, as the bank notified it (a payout).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundCredit {
    pub payout_id: String,
    pub currency: Currency,
    pub amount_minor: i64,
    /// `EndToEndId`: Amazon's settlement id.
    pub end_to_end_id: Option<String>,
    /// The bank's reference / instruction id: the event group's trace id.
    pub bank_reference: Option<String>,
    /// The last three digits of the account credited.
    pub account_tail: Option<String>,
    pub received_at_ms: i64,
}

impl InboundCredit {
    fn money(&self) -> Money {
        Money::from_minor(self.amount_minor, self.currency)
    }

    fn tail_agrees(&self, settlement: &Settlement) -> bool {
        match (&self.account_tail, &settlement.account_tail) {
            (Some(ours), Some(theirs)) => ours == theirs,
            _ => true,
        }
    }

    fn references(&self, settlement: &Settlement) -> bool {
        let by_settlement_id =
            self.end_to_end_id.as_deref().map(str::trim) == Some(settlement.settlement_id.as_str());
        let by_trace_id = settlement
            .trace_id
            .as_deref()
            .is_some_and(|trace| self.bank_reference.as_deref().map(str::trim) == Some(trace));
        by_settlement_id || by_trace_id
    }

    fn belongs_to(&self, settlement: &Settlement) -> bool {
        self.currency == settlement.currency && self.tail_agrees(settlement)
    }
}

/// How a settlement stands against what arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Status {
    /// Received exactly the report's total.
    Matched,
    /// Nothing has arrived for a positive total.
    NotReceived,
    /// Less arrived than the total; `by_minor` is the difference.
    Short { by_minor: i64 },
    /// More arrived than the total.
    Over { by_minor: i64 },
    /// The total is zero or negative: Amazon pays nothing out (it charges
    /// the card on file or carries the balance over).
    NoPayoutDue,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Self::Matched => "matched",
            Self::NotReceived => "not_received",
            Self::Short { .. } => "short",
            Self::Over { .. } => "over",
            Self::NoPayoutDue => "no_payout_due",
        }
    }
}

/// One settlement's reconciliation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reconciliation {
    /// The report's total (the deposit Amazon makes), in minor units.
    pub expected_minor: i64,
    /// The sum of the matched credits.
    pub received_minor: i64,
    /// `expected - received`.
    pub difference_minor: i64,
    pub status: Status,
    /// The payouts counted as received.
    pub payout_ids: Vec<String>,
    pub currency: Currency,
    pub deposit_at_ms: i64,
}

impl Reconciliation {
    fn of(settlement: &Settlement, credits: &[&InboundCredit]) -> Self {
        let expected_minor = settlement.total_minor;
        let received_minor: i64 = credits.iter().map(|credit| credit.amount_minor).sum();
        let difference_minor = expected_minor - received_minor;
        let status = if credits.is_empty() && expected_minor <= 0 {
            Status::NoPayoutDue
        } else if credits.is_empty() {
            Status::NotReceived
        } else if difference_minor == 0 {
            Status::Matched
        } else if difference_minor > 0 {
            Status::Short {
                by_minor: difference_minor,
            }
        } else {
            Status::Over {
                by_minor: -difference_minor,
            }
        };
        Self {
            expected_minor,
            received_minor,
            difference_minor,
            status,
            payout_ids: credits.iter().map(|c| c.payout_id.clone()).collect(),
            currency: settlement.currency,
            deposit_at_ms: settlement.deposit_at_ms,
        }
    }

    fn money(&self, minor: i64) -> Money {
        Money::from_minor(minor, self.currency)
    }

    /// Why the difference is what it is, as a sentence for the seller.
    pub fn reason(&self, lang: Lang, now_ms: i64) -> String {
        let expected = self.money(self.expected_minor);
        let received = self.money(self.received_minor);
        let deposit = day(self.deposit_at_ms);
        match (self.status, lang) {
            (Status::Matched, Lang::ZhCn) => {
                format!("已全额到账：银行入账 {received} 与结算报告总额一致。")
            }
            (Status::Matched, Lang::En) => {
                format!("Received in full: the bank credited {received}, the report's total.")
            }
            (Status::NotReceived, Lang::ZhCn) if now_ms < self.deposit_at_ms => {
                format!("尚未到账：亚马逊将于 {deposit} 发起 {expected} 的付款。")
            }
            (Status::NotReceived, Lang::En) if now_ms < self.deposit_at_ms => format!(
                "Not received yet: Amazon initiates the payment of {expected} on {deposit}."
            ),
            (Status::NotReceived, Lang::ZhCn) => format!(
                "尚未到账：亚马逊已于 {deposit} 发起 {expected} 的付款，银行通常需要 3 到 5 个工作日入账。"
            ),
            (Status::NotReceived, Lang::En) => format!(
                "Not received yet: Amazon initiated the payment of {expected} on {deposit}; banks usually take three to five business days."
            ),
            (Status::Short { by_minor }, Lang::ZhCn) => format!(
                "少到账 {}：结算报告总额 {expected}，实际入账 {received}。差额可能是中转银行扣除的手续费；如差额较大，请凭结算编号联系亚马逊卖家支持。",
                self.money(by_minor)
            ),
            (Status::Short { by_minor }, Lang::En) => format!(
                "Short by {}: the report's total is {expected} but {received} arrived. An intermediary bank may have deducted a fee; if the difference is larger than a bank fee, contact Amazon Seller Support with the settlement id.",
                self.money(by_minor)
            ),
            (Status::Over { by_minor }, Lang::ZhCn) => format!(
                "多到账 {}：结算报告总额 {expected}，实际入账 {received}。请检查是否有两笔结算合并付款或重复入账。",
                self.money(by_minor)
            ),
            (Status::Over { by_minor }, Lang::En) => format!(
                "{} more than expected: the report's total is {expected} but {received} arrived. Check whether two settlements were paid together or a credit was booked twice.",
                self.money(by_minor)
            ),
            (Status::NoPayoutDue, Lang::ZhCn) => format!(
                "本期无付款：结算总额为 {expected}，亚马逊会从备用信用卡扣款或结转到下一期。"
            ),
            (Status::NoPayoutDue, Lang::En) => format!(
                "No payout for this period: the total is {expected}; Amazon charges the card on file or carries the balance over."
            ),
        }
    }
}

/// A credit that belongs to no imported settlement, explained.
pub fn unmatched_reason(credit: &InboundCredit, lang: Lang) -> String {
    let amount = credit.money();
    let received = day(credit.received_at_ms);
    let reference = credit
        .end_to_end_id
        .as_deref()
        .or(credit.bank_reference.as_deref())
        .unwrap_or("-");
    match lang {
        Lang::ZhCn => format!(
            "未匹配的入账：{received} 收到 {amount}（参考号 {reference}），没有对应的结算报告。请导入该结算的报告或刷新结算。"
        ),
        Lang::En => format!(
            "Unmatched credit: {amount} received on {received} (reference {reference}) matches no settlement report. Import that settlement's report or refresh settlements."
        ),
    }
}

/// `YYYY-MM-DD` (UTC) of a moment.
pub fn day(at_ms: i64) -> String {
    let at = ferry_platform::db::from_unix_ms(at_ms);
    format!(
        "{:04}-{:02}-{:02}",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// Every settlement's reconciliation (in the order given) and the credits
/// no settlement claimed.
pub fn reconcile<'c>(
    settlements: &[Settlement],
    credits: &'c [InboundCredit],
) -> (Vec<Reconciliation>, Vec<&'c InboundCredit>) {
    let mut claimed: Vec<Option<usize>> = vec![None; credits.len()];
    for (credit_index, credit) in credits.iter().enumerate() {
        claimed[credit_index] = settlements
            .iter()
            .position(|s| credit.belongs_to(s) && credit.references(s));
    }
    for (credit_index, credit) in credits.iter().enumerate() {
        if claimed[credit_index].is_some() {
            continue;
        }
        claimed[credit_index] = settlements.iter().enumerate().position(|(index, s)| {
            credit.belongs_to(s)
                && credit.amount_minor == s.total_minor
                && (credit.received_at_ms - s.deposit_at_ms).abs() <= AMOUNT_MATCH_WINDOW_MS
                && !claimed.contains(&Some(index))
        });
    }
    let reconciliations = settlements
        .iter()
        .enumerate()
        .map(|(index, settlement)| {
            let mine: Vec<&InboundCredit> = credits
                .iter()
                .zip(&claimed)
                .filter(|(_, owner)| **owner == Some(index))
                .map(|(credit, _)| credit)
                .collect();
            Reconciliation::of(settlement, &mine)
        })
        .collect();
    let unmatched = credits
        .iter()
        .zip(&claimed)
        .filter(|(_, owner)| owner.is_none())
        .map(|(credit, _)| credit)
        .collect();
    (reconciliations, unmatched)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reconciliation::{Figures, Layout, Source};

    fn settlement(settlement_id: &str, total_minor: i64) -> Settlement {
        Settlement {
            id: format!("stl_{settlement_id}"),
            account_id: "acc_1".into(),
            receiving_account_id: Some("ra_1".into()),
            settlement_id: settlement_id.into(),
            layout: Layout::V2,
            source: Source::Uploaded,
            report_id: None,
            currency: Currency::USD,
            period_start_at_ms: 0,
            period_end_at_ms: 14 * DAY_MS,
            deposit_at_ms: 16 * DAY_MS,
            figures: Figures {
                orders_minor: total_minor,
                ..Figures::default()
            },
            total_minor,
            rows_count: 1,
            group_id: None,
            trace_id: Some(format!("TRACE{settlement_id}")),
            account_tail: Some("789".into()),
            fund_transfer_status: None,
            imported_at_ms: 0,
        }
    }

    fn credit(id: &str, amount_minor: i64, end_to_end_id: Option<&str>) -> InboundCredit {
        InboundCredit {
            payout_id: id.into(),
            currency: Currency::USD,
            amount_minor,
            end_to_end_id: end_to_end_id.map(str::to_string),
            bank_reference: None,
            account_tail: Some("789".into()),
            received_at_ms: 17 * DAY_MS,
        }
    }

    #[test]
    fn a_clean_settlement_has_no_difference() {
        let settlements = [settlement("111", 108_177)];
        let credits = [credit("po_1", 108_177, Some("111"))];
        let (result, unmatched) = reconcile(&settlements, &credits);
        assert_eq!(result[0].status, Status::Matched);
        assert_eq!(result[0].difference_minor, 0);
        assert_eq!(result[0].payout_ids, ["po_1"]);
        assert!(unmatched.is_empty());
        assert!(result[0].reason(Lang::En, 0).contains("USD 1,081.77"));
    }

    #[test]
    fn a_short_credit_gives_the_difference_and_says_so() {
        let settlements = [settlement("111", 108_177)];
        let credits = [credit("po_1", 106_677, Some("111"))];
        let (result, _) = reconcile(&settlements, &credits);
        assert_eq!(result[0].difference_minor, 1_500);
        assert_eq!(result[0].status, Status::Short { by_minor: 1_500 });
        let reason = result[0].reason(Lang::En, 0);
        assert!(reason.starts_with("Short by USD 15.00"), "{reason}");
        assert!(result[0].reason(Lang::ZhCn, 0).contains("少到账 USD 15.00"));
    }

    #[test]
    fn the_trace_id_matches_when_the_end_to_end_id_is_missing() {
        let settlements = [settlement("111", 5_000), settlement("222", 5_000)];
        let mut by_trace = credit("po_1", 5_000, None);
        by_trace.bank_reference = Some("TRACE222".into());
        let (result, _) = reconcile(&settlements, &[by_trace]);
        assert_eq!(result[0].status, Status::NotReceived);
        assert_eq!(result[1].status, Status::Matched);
    }

    #[test]
    fn another_accounts_tail_or_currency_never_matches() {
        let settlements = [settlement("111", 5_000)];
        let mut other_tail = credit("po_1", 5_000, Some("111"));
        other_tail.account_tail = Some("123".into());
        let mut other_currency = credit("po_2", 5_000, Some("111"));
        other_currency.currency = Currency::EUR;
        let credits = [other_tail, other_currency];
        let (result, unmatched) = reconcile(&settlements, &credits);
        assert_eq!(result[0].status, Status::NotReceived);
        assert_eq!(result[0].difference_minor, 5_000);
        assert_eq!(unmatched.len(), 2);
        assert!(unmatched_reason(unmatched[0], Lang::En).starts_with("Unmatched credit"));
    }

    #[test]
    fn without_references_the_exact_amount_near_the_deposit_date_matches_once() {
        let settlements = [settlement("111", 5_000)];
        let credits = [credit("po_1", 5_000, None), credit("po_2", 5_000, None)];
        let (result, unmatched) = reconcile(&settlements, &credits);
        assert_eq!(result[0].payout_ids, ["po_1"]);
        assert_eq!(unmatched.len(), 1);
        let mut late = credit("po_3", 5_000, None);
        late.received_at_ms = 16 * DAY_MS + AMOUNT_MATCH_WINDOW_MS + 1;
        let (result, _) = reconcile(&settlements, &[late]);
        assert_eq!(result[0].status, Status::NotReceived);
    }

    #[test]
    fn a_negative_total_expects_nothing() {
        let (result, _) = reconcile(&[settlement("111", -2_500)], &[]);
        assert_eq!(result[0].status, Status::NoPayoutDue);
    }
}
