//! The seller hears of a payout: an e-mail to the account's owner in their
//! language when it reaches the wallet and when one sent to their account
//! is held, and a webhook event for each change. Both are enqueued in the
//! transaction that records the change.

use super::PayoutState;
use super::store::Payout;
use crate::emails::{self, Mail};
use crate::i18n::Lang;
use crate::webhooks::{self, EventType};
use sqlx::{AnyConnection, Row};

/// The e-mail of a payout's current state, if it has one for the seller.
pub async fn arrived(
    conn: &mut AnyConnection,
    public_url: &str,
    payout: &Payout,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let (Some(seller), Some(receiving_account_id)) =
        (&payout.seller_account_id, &payout.receiving_account_id)
    else {
        return Ok(());
    };
    let owner = sqlx::query(
        "SELECT email, language FROM users \
         WHERE account_id = $1 AND role = 'owner' AND removed_at_ms IS NULL",
    )
    .bind(seller)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(owner) = owner else { return Ok(()) };
    let email: String = owner.try_get("email")?;
    let lang = Lang::parse(&owner.try_get::<String, _>("language")?).unwrap_or_default();
    let chars: Vec<char> = payout.creditor_account.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(3)..].iter().collect();
    let amount = payout.amount.to_string();
    let link = format!("{public_url}/receiving-accounts/{receiving_account_id}");
    let mail = match payout.state {
        PayoutState::Credited | PayoutState::Released => Mail::PayoutCredited {
            amount: &amount,
            tail: &tail,
            link: &link,
        },
        PayoutState::Held => Mail::PayoutHeld {
            amount: &amount,
            tail: &tail,
        },
        PayoutState::Returned => return Ok(()),
    };
    emails::enqueue(conn, &mail, &email, lang, now_ms).await
}

/// The webhook event of a payout's current state, for the seller it was
/// attributed to (a payout for no known account has nobody to tell).
pub async fn announce(
    conn: &mut AnyConnection,
    payout: &Payout,
    now_ms: i64,
) -> Result<(), sqlx::Error> {
    let Some(seller) = &payout.seller_account_id else {
        return Ok(());
    };
    let event_type = match payout.state {
        PayoutState::Credited => EventType::PayoutReceived,
        PayoutState::Held => EventType::PayoutHeld,
        PayoutState::Released => EventType::PayoutReleased,
        PayoutState::Returned => EventType::PayoutReturned,
    };
    webhooks::emit(conn, seller, event_type, payout.to_json(), now_ms).await?;
    Ok(())
}
