//! The account's security policy, set by its owner. Today one rule:
//! `require_two_factor_for_members`. While it is on, a member (anyone but the
//! owner) without two-factor can reach only the enrolment and sign-out; the
//! gate is [`super::User::must_enrol_two_factor`], applied by the API's
//! `SignedIn` extractor and the pages' `MaybeSignedIn`.

use super::credentials;
use super::sessions::{Client, Current};
use super::team::{self, Permission};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::error::Failure;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct SecurityPolicy {
    pub require_two_factor_for_members: bool,
}

pub async fn read(app: &AppState, current: &Current) -> Result<SecurityPolicy, Failure> {
    team::require(current, Permission::ManageAccount)?;
    let row = sqlx::query("SELECT two_factor_required_at_ms FROM seller_accounts WHERE id = $1")
        .bind(&current.user.account_id)
        .fetch_one(app.db.reader())
        .await?;
    let since: Option<i64> = row.try_get("two_factor_required_at_ms")?;
    Ok(SecurityPolicy {
        require_two_factor_for_members: since.is_some(),
    })
}

/// Sets the policy (owner only). Turning a rule on that is already on keeps
/// its original date; every real change is audited.
pub async fn update(
    app: &AppState,
    current: &Current,
    policy: SecurityPolicy,
    client: &Client,
) -> Result<SecurityPolicy, Failure> {
    team::require(current, Permission::ManageAccount)?;
    let now = now_ms();
    let mut tx = app.db.begin().await?;
    // `NULL` turns the rule off; `now` turns it on unless it already is.
    let since = policy.require_two_factor_for_members.then_some(now);
    let changed = sqlx::query(
        "UPDATE seller_accounts SET two_factor_required_at_ms = $1 \
         WHERE id = $2 AND (two_factor_required_at_ms IS NULL) = ($1 IS NOT NULL)",
    )
    .bind(since)
    .bind(&current.user.account_id)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if changed {
        let detail =
            json!({ "require_two_factor_for_members": policy.require_two_factor_for_members });
        let event = Event {
            ip: Some(&client.ip),
            ..credentials::event(&current.user, "account.policy_changed", detail)
        };
        audit::record(&mut tx, event, now).await?;
    }
    tx.commit().await?;
    Ok(policy)
}
