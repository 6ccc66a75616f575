//! Closing a seller account (owner only). It needs the owner's password and,
//! when enrolled, a two-factor code; it is refused while any wallet holds
//! money. Closing ends every member's sessions, revokes every API key,
//! e-mails the owner and is audited. The rows stay (records must be kept);
//! nobody can sign in to a closed account.

use super::sessions::{self, Client, Current};
use super::team::{self, Permission};
use super::{credentials, two_factor};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::emails::{self, Mail};
use crate::error::{Failure, Problem};
use serde_json::json;
use sqlx::Row;

/// Whether any wallet of `account_id` still holds money, posted or pending.
///
/// Wallets are ledger accounts whose `owner` is the seller account's id.
/// No code opens wallets yet, so today this finds none; the money features
/// that open wallets (and any other place money can wait, such as payouts in
/// flight) must keep this the single check that closing relies on.
pub async fn money_held(app: &AppState, account_id: &str) -> Result<bool, Failure> {
    let wallets = ferry_ledger::accounts_of_owner(&app.db, account_id)
        .await
        .map_err(|error| Failure::Internal(format!("ledger: {error}")))?;
    Ok(wallets.iter().any(|wallet| {
        wallet.credits_posted != wallet.debits_posted
            || wallet.credits_pending != 0
            || wallet.debits_pending != 0
    }))
}

/// Closes the caller's account.
pub async fn close(
    app: &AppState,
    current: &Current,
    password: &str,
    code: &str,
    client: &Client,
) -> Result<(), Failure> {
    team::require(current, Permission::ManageAccount)?;
    let owner = &current.user;
    if !app
        .hasher
        .verify(password.to_string(), owner.password_hash.clone())
        .await?
    {
        return Err(Problem::CurrentPasswordWrong.into());
    }
    if money_held(app, &owner.account_id).await? {
        return Err(Problem::AccountHoldsMoney.into());
    }
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    if owner.two_factor_enabled() && !two_factor::accept_code(&mut tx, owner, code, now).await? {
        return Err(Problem::InvalidCode.into());
    }
    let closed = sqlx::query(
        "UPDATE seller_accounts SET closed_at_ms = $1 WHERE id = $2 AND closed_at_ms IS NULL",
    )
    .bind(now)
    .bind(&owner.account_id)
    .execute(&mut *tx)
    .await?;
    if closed.rows_affected() != 1 {
        return Err(Problem::NotFound.into());
    }
    let members = sqlx::query("SELECT id FROM users WHERE account_id = $1")
        .bind(&owner.account_id)
        .fetch_all(&mut *tx)
        .await?;
    for member in &members {
        let member_id: String = member.try_get("id")?;
        sessions::revoke_all(&mut tx, &member_id, None, now).await?;
    }
    sqlx::query(
        "UPDATE api_keys SET revoked_at_ms = $1 WHERE revoked_at_ms IS NULL \
         AND user_id IN (SELECT id FROM users WHERE account_id = $2)",
    )
    .bind(now)
    .bind(&owner.account_id)
    .execute(&mut *tx)
    .await?;
    emails::enqueue(
        &mut tx,
        &Mail::AccountClosed,
        &owner.email,
        owner.language,
        now,
    )
    .await?;
    let event = Event {
        ip: Some(&client.ip),
        ..credentials::event(owner, "account.closed", json!({ "members": members.len() }))
    };
    audit::record(&mut tx, event, now).await?;
    tx.commit().await?;
    Ok(())
}
