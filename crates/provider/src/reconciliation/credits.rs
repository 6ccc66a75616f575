//! The inbound credits of a seller, read from the payouts the partner banks
//! notified (`crate::payouts`, table `payouts`). Kept apart from matching so
//! that matching sees only [`InboundCredit`]s, whatever records them.

use super::matching::InboundCredit;
use ferry_domain::Currency;
use sqlx::{AnyConnection, Row};

/// Payouts that reached the seller: credited straight away, or released
/// from suspense by an operator. Held and returned ones did not.
pub async fn credits_of(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<Vec<InboundCredit>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.currency, p.amount_minor, p.end_to_end_id, p.bank_reference, \
         p.received_at_ms, r.account_number FROM payouts p \
         LEFT JOIN receiving_accounts r ON r.id = p.receiving_account_id \
         WHERE p.seller_account_id = $1 AND p.state IN ('credited', 'released') \
         ORDER BY p.received_at_ms, p.id",
    )
    .bind(account_id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(credit_of).collect()
}

fn credit_of(row: &sqlx::any::AnyRow) -> Result<InboundCredit, sqlx::Error> {
    let currency: String = row.try_get("currency")?;
    let account_number: Option<String> = row.try_get("account_number")?;
    Ok(InboundCredit {
        payout_id: row.try_get("id")?,
        currency: Currency::parse(&currency)
            .map_err(|_| sqlx::Error::Protocol(format!("payout currency {currency} is unknown")))?,
        amount_minor: row.try_get("amount_minor")?,
        end_to_end_id: row.try_get("end_to_end_id")?,
        bank_reference: row.try_get("bank_reference")?,
        account_tail: account_number.map(|number| tail(&number).to_string()),
        received_at_ms: row.try_get("received_at_ms")?,
    })
}

/// The last three characters, as marketplaces show an account (`AccountTail`).
fn tail(account_number: &str) -> &str {
    let start = account_number
        .char_indices()
        .rev()
        .nth(2)
        .map_or(0, |(index, _)| index);
    &account_number[start..]
}
