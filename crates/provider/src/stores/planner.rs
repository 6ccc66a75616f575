//! The change planner: when a store can switch its deposit method to this
//! account without delaying a payout.
//!
//! From the store's financial event groups (settlement periods): the open
//! period's start, the period length (the last closed period's, or 14 days,
//! MARKETPLACE-FACTS §2), the disbursement two days after the period ends,
//! and the three-day security hold a change starts (§1.3). A change is safe
//! while the hold it starts ends before the next disbursement ("do not
//! update your bank account within three days of your next regularly
//! scheduled disbursement"); otherwise the payout slips to the hold's end.

use super::{Binding, binding_of};
use crate::app::{AppState, now_ms};
use crate::i18n::Lang;
use crate::receiving::accounts::ReceivingAccount;
use crate::receiving::problem::{Fail, StoreProblem};
use ferry_platform::db::{from_unix_ms, unix_ms};
use maud::{Markup, html};
use serde::Serialize;
use serde_json::Value;
use time::format_description::well_known::Rfc3339;

const DAY_MS: i64 = 86_400_000;
pub const DEFAULT_PERIOD_MS: i64 = 14 * DAY_MS;
/// Observed: deposit date = settlement end + 2 days.
pub const DISBURSEMENT_AFTER_END_MS: i64 = 2 * DAY_MS;
pub const SECURITY_HOLD_MS: i64 = 3 * DAY_MS;
/// How far back the groups are read (the API refuses windows over 180 days).
const LOOKBACK_MS: i64 = 90 * DAY_MS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub now_ms: i64,
    pub period_start_ms: i64,
    pub period_end_ms: i64,
    pub next_period_end_ms: i64,
    pub next_disbursement_ms: i64,
    pub hold_ms: i64,
    /// Changing between these two moments delays nothing.
    pub window_from_ms: i64,
    pub window_until_ms: i64,
    pub inside_window: bool,
    /// When the next payout would start if the change were made now.
    pub payout_if_changed_now_ms: i64,
}

/// The plan for an open period starting at `period_start_ms`.
pub fn plan(period_start_ms: i64, period_ms: i64, now_ms: i64) -> Plan {
    let period_end_ms = period_start_ms + period_ms;
    let next_disbursement_ms = period_end_ms + DISBURSEMENT_AFTER_END_MS;
    let latest_safe_ms = next_disbursement_ms - SECURITY_HOLD_MS;
    let inside_window = now_ms <= latest_safe_ms;
    let (window_from_ms, window_until_ms) = if inside_window {
        (now_ms, latest_safe_ms)
    } else {
        // The current window is gone: the next one opens once this
        // disbursement has started.
        (next_disbursement_ms, latest_safe_ms + period_ms)
    };
    Plan {
        now_ms,
        period_start_ms,
        period_end_ms,
        next_period_end_ms: period_end_ms + period_ms,
        next_disbursement_ms,
        hold_ms: SECURITY_HOLD_MS,
        window_from_ms,
        window_until_ms,
        inside_window,
        payout_if_changed_now_ms: next_disbursement_ms.max(now_ms + SECURITY_HOLD_MS),
    }
}

fn parse_iso(value: &Value) -> Option<i64> {
    time::OffsetDateTime::parse(value.as_str()?, &Rfc3339)
        .ok()
        .map(unix_ms)
}

fn iso(ms: i64) -> String {
    from_unix_ms(ms)
        .format(&Rfc3339)
        .unwrap_or_else(|_| ms.to_string())
}

/// The open period's start and the period length, from the groups in the
/// account's currency.
fn periods(groups: &[Value], currency: &str) -> Option<(i64, i64)> {
    let ours: Vec<&Value> = groups
        .iter()
        .filter(|group| group["OriginalTotal"]["CurrencyCode"] == currency)
        .collect();
    let open_start = ours
        .iter()
        .filter(|group| group["ProcessingStatus"] == "Open")
        .filter_map(|group| parse_iso(&group["FinancialEventGroupStart"]))
        .max()?;
    let period_ms = ours
        .iter()
        .filter(|group| group["ProcessingStatus"] == "Closed")
        .filter_map(|group| {
            Some((
                parse_iso(&group["FinancialEventGroupStart"])?,
                parse_iso(&group["FinancialEventGroupEnd"])?,
            ))
        })
        .max()
        .map_or(DEFAULT_PERIOD_MS, |(start, end)| end - start);
    Some((open_start, period_ms))
}

/// Reads the store's groups over SP-API and plans.
pub async fn plan_for(app: &AppState, account: &ReceivingAccount) -> Result<Plan, Fail> {
    let binding: Binding = binding_of(&mut *app.db.reader().acquire().await?, &account.id)
        .await?
        .ok_or(StoreProblem::NotAuthorized)?;
    let sealed = binding
        .refresh_token_sealed
        .ok_or(StoreProblem::NotAuthorized)?;
    let refresh_token = app
        .collection
        .cipher
        .open(&sealed, &account.id)
        .map_err(Fail::internal)?;
    let now = now_ms();
    let path = format!(
        "/finances/v0/financialEventGroups?MaxResultsPerPage=100&FinancialEventGroupStartedAfter={}",
        iso(now - LOOKBACK_MS)
    );
    let answer = app
        .collection
        .connector
        .get(&refresh_token, &path)
        .await
        .map_err(StoreProblem::from)?;
    let groups = answer["payload"]["FinancialEventGroupList"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let (start, period) =
        periods(&groups, &account.currency.to_string()).ok_or(StoreProblem::NoOpenSettlement)?;
    Ok(plan(start, period, now))
}

pub fn to_json(plan: &Plan) -> Value {
    serde_json::json!({
        "now": iso(plan.now_ms),
        "period_start": iso(plan.period_start_ms),
        "period_end": iso(plan.period_end_ms),
        "next_period_end": iso(plan.next_period_end_ms),
        "next_disbursement": iso(plan.next_disbursement_ms),
        "hold_days": plan.hold_ms / DAY_MS,
        "safe_window": { "from": iso(plan.window_from_ms), "until": iso(plan.window_until_ms) },
        "inside_window": plan.inside_window,
        "payout_if_changed_now": iso(plan.payout_if_changed_now_ms),
    })
}

fn day(ms: i64) -> String {
    from_unix_ms(ms).date().to_string()
}

/// The timeline: this period and the next, the disbursement, the window,
/// and the hold a change made now would start.
pub fn svg(plan: &Plan, lang: Lang) -> Markup {
    const WIDTH: i64 = 640;
    let from = plan.period_start_ms;
    let to = plan.next_period_end_ms + DISBURSEMENT_AFTER_END_MS;
    let x = |ms: i64| 10 + (ms.clamp(from, to) - from) * (WIDTH - 20) / (to - from).max(1);
    html! {
        svg xmlns="http://www.w3.org/2000/svg" width=(WIDTH) height="150" role="img" aria-label=(lang.pick("结算周期与安全窗口", "Settlement periods and the safe window")) {
            rect x=(x(plan.period_start_ms)) y="20" width=(x(plan.period_end_ms) - x(plan.period_start_ms)) height="24" fill="#dde8f5" {}
            rect x=(x(plan.period_end_ms)) y="20" width=(x(plan.next_period_end_ms) - x(plan.period_end_ms)) height="24" fill="#eef2f7" {}
            text x=(x(plan.period_start_ms) + 4) y="36" font-size="11" { (lang.pick("本期", "This period")) " " (day(plan.period_start_ms)) }
            text x=(x(plan.period_end_ms) + 4) y="36" font-size="11" { (lang.pick("下期", "Next period")) " " (day(plan.period_end_ms)) }
            rect x=(x(plan.window_from_ms)) y="54" width=(x(plan.window_until_ms) - x(plan.window_from_ms)) height="18" fill="#9c9" {}
            text x=(x(plan.window_from_ms) + 4) y="67" font-size="11" { (lang.pick("安全窗口至 ", "Safe until ")) (day(plan.window_until_ms)) }
            rect x=(x(plan.now_ms)) y="80" width=(x(plan.now_ms + plan.hold_ms) - x(plan.now_ms)) height="18" fill="#f4c27a" {}
            text x=(x(plan.now_ms) + 4) y="93" font-size="11" { (lang.pick("现在更改的 3 天保留期", "3-day hold if changed now")) }
            line x1=(x(plan.next_disbursement_ms)) y1="14" x2=(x(plan.next_disbursement_ms)) y2="110" stroke="#333" stroke-width="2" {}
            text x=(x(plan.next_disbursement_ms) - 60) y="126" font-size="11" { (lang.pick("下次付款 ", "Next payout ")) (day(plan.next_disbursement_ms)) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_the_window_nothing_slips() {
        let plan = plan(0, DEFAULT_PERIOD_MS, DAY_MS);
        assert_eq!(plan.next_disbursement_ms, 16 * DAY_MS);
        assert!(plan.inside_window);
        assert_eq!(plan.window_until_ms, 13 * DAY_MS);
        assert_eq!(plan.payout_if_changed_now_ms, 16 * DAY_MS);
    }

    #[test]
    fn a_change_within_three_days_of_the_payout_delays_it_to_the_holds_end() {
        let now = 14 * DAY_MS;
        let plan = plan(0, DEFAULT_PERIOD_MS, now);
        assert!(!plan.inside_window);
        assert_eq!(plan.payout_if_changed_now_ms, 17 * DAY_MS);
        assert_eq!(
            (plan.window_from_ms, plan.window_until_ms),
            (16 * DAY_MS, 27 * DAY_MS)
        );
    }
}
