//! "Refresh settlements" for a bound store: over SP-API, the store's
//! settlement reports not imported yet are downloaded and imported, and
//! each settlement is tied to its financial event group (trace id and
//! account tail of Amazon's transfer).

use super::problem::SettlementFail;
use super::{EventGroup, Outcome, Owner, Source, attach_group, import_report};
use crate::accounts::sessions::Current;
use crate::app::{AppState, now_ms};
use crate::receiving::accounts::ReceivingAccount;
use crate::receiving::problem::{Fail, StoreProblem};
use crate::stores::binding::own_account;
use crate::stores::binding_of;
use ferry_domain::{Currency, Money};
use ferry_platform::db::{from_unix_ms, unix_ms};
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use time::format_description::well_known::Rfc3339;

const DAY_MS: i64 = 86_400_000;
/// The Finances API returns nothing for windows over 180 days; the Reports
/// API keeps reports for 90.
const GROUPS_LOOKBACK_MS: i64 = 179 * DAY_MS;

/// What a refresh did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Refreshed {
    /// Settlement ids by what happened to them.
    pub imported: Vec<String>,
    pub replaced: Vec<String>,
    pub unchanged: Vec<String>,
    /// Reports listed that were imported by an earlier refresh.
    pub already_imported_reports: usize,
    /// Settlements now tied to their event group.
    pub groups_matched: usize,
}

/// Refreshes the settlements of the caller's receiving account.
pub async fn refresh(
    app: &AppState,
    current: &Current,
    receiving_account_id: &str,
) -> Result<Refreshed, SettlementFail> {
    super::require_bookkeeper(current)?;
    let account = own_account(app, current, receiving_account_id).await?;
    let refresh_token = refresh_token_of(app, &account).await?;
    let store = account.store.as_ref().ok_or(StoreProblem::NoStoreLinked)?;
    let connector = &app.collection.connector;
    let started_after = iso(now_ms() - GROUPS_LOOKBACK_MS);
    let groups: Vec<EventGroup> = connector
        .financial_event_groups(&refresh_token, &started_after)
        .await
        .map_err(StoreProblem::from)?
        .iter()
        .filter_map(event_group)
        .collect();
    let listed = connector
        .settlement_reports(&refresh_token, store.marketplace.as_str())
        .await
        .map_err(StoreProblem::from)?;
    let known = known_report_ids(app, &account.account_id).await?;
    let owner = Owner {
        account_id: account.account_id.clone(),
        receiving_account_id: Some(account.id.clone()),
    };
    let mut refreshed = Refreshed::default();
    for report in listed {
        if known.contains(&report.report_id) {
            refreshed.already_imported_reports += 1;
            continue;
        }
        let text = connector
            .report_document(&refresh_token, &report.document_id)
            .await
            .map_err(StoreProblem::from)?;
        let imported = import_report(
            &app.db,
            &owner,
            &text,
            Source::ReportsApi,
            Some(&report.report_id),
            |_| {},
        )
        .await?;
        let settlement_id = imported.settlement.settlement_id;
        match imported.outcome {
            Outcome::Imported => refreshed.imported.push(settlement_id),
            Outcome::Replaced => refreshed.replaced.push(settlement_id),
            Outcome::Unchanged => refreshed.unchanged.push(settlement_id),
        }
    }
    refreshed.groups_matched = match_groups(app, &account, &groups).await?;
    Ok(refreshed)
}

async fn refresh_token_of(app: &AppState, account: &ReceivingAccount) -> Result<String, Fail> {
    let mut conn = app.db.reader().acquire().await?;
    let binding = binding_of(&mut conn, &account.id)
        .await?
        .ok_or(StoreProblem::NotAuthorized)?;
    let sealed = binding
        .refresh_token_sealed
        .ok_or(StoreProblem::NotAuthorized)?;
    app.collection
        .cipher
        .open(&sealed, &account.id)
        .map_err(Fail::internal)
}

async fn known_report_ids(app: &AppState, account_id: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT report_id FROM settlement_reports WHERE account_id = $1 AND report_id IS NOT NULL",
    )
    .bind(account_id)
    .fetch_all(app.db.reader())
    .await?;
    rows.iter().map(|row| row.try_get("report_id")).collect()
}

/// Ties every settlement of the account to its group; returns how many
/// have one.
async fn match_groups(
    app: &AppState,
    account: &ReceivingAccount,
    groups: &[EventGroup],
) -> Result<usize, sqlx::Error> {
    let mut tx = app.db.begin().await?;
    let settlements = super::list(&mut tx, &account.account_id).await?;
    let mut matched = 0;
    for settlement in settlements
        .iter()
        .filter(|s| s.receiving_account_id.as_deref() == Some(account.id.as_str()))
    {
        if let Some(group) = groups.iter().find(|group| group.is_of(settlement)) {
            attach_group(&mut tx, settlement, group).await?;
            matched += 1;
        }
    }
    tx.commit().await?;
    Ok(matched)
}

fn iso(ms: i64) -> String {
    from_unix_ms(ms)
        .format(&Rfc3339)
        .unwrap_or_else(|_| ms.to_string())
}

fn parse_iso(value: &Value) -> Option<i64> {
    time::OffsetDateTime::parse(value.as_str()?, &Rfc3339)
        .ok()
        .map(unix_ms)
}

/// `{"CurrencyCode","CurrencyAmount"}`: the amount is a JSON number, read
/// from its decimal text so that no float is involved.
fn currency_amount(value: &Value) -> Option<Money> {
    let currency = Currency::parse(value["CurrencyCode"].as_str()?).ok()?;
    let number = value["CurrencyAmount"].as_number()?;
    Money::parse_major(&number.to_string(), currency).ok()
}

/// A `FinancialEventGroup` of the Finances API.
fn event_group(group: &Value) -> Option<EventGroup> {
    let total = currency_amount(&group["OriginalTotal"])?;
    let text = |key: &str| group[key].as_str().map(str::to_string);
    Some(EventGroup {
        group_id: text("FinancialEventGroupId")?,
        currency: total.currency(),
        start_at_ms: parse_iso(&group["FinancialEventGroupStart"])?,
        end_at_ms: parse_iso(&group["FinancialEventGroupEnd"]),
        total_minor: Some(total.amount_minor()),
        trace_id: text("TraceId"),
        account_tail: text("AccountTail"),
        fund_transfer_status: text("FundTransferStatus"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_group_is_read_with_exact_amounts() {
        let group = event_group(&json!({
            "FinancialEventGroupId": "G1",
            "ProcessingStatus": "Closed",
            "OriginalTotal": { "CurrencyCode": "USD", "CurrencyAmount": 1081.77 },
            "FinancialEventGroupStart": "2026-11-06T08:12:45Z",
            "FinancialEventGroupEnd": "2026-11-20T08:12:45Z",
            "TraceId": "T123", "AccountTail": "789", "FundTransferStatus": "Succeeded",
        }))
        .unwrap();
        assert_eq!(group.total_minor, Some(108_177));
        assert_eq!(group.currency, Currency::USD);
        assert_eq!(group.trace_id.as_deref(), Some("T123"));
        assert!(group.end_at_ms.unwrap() > group.start_at_ms);
        assert_eq!(event_group(&json!({ "FinancialEventGroupId": "G2" })), None);
    }
}
