//! Reminders before the yearly re-authorization: Amazon's authorizations
//! must be renewed in Manage Your Apps each year, and a lapsed one stops
//! Ferry from checking the store. The account's owners get an e-mail 30, 7
//! and 1 days before, each once; a new authorization starts over.
//!
//! [`enqueue_due`] is the job: it is idempotent, so running it as often as
//! wanted (or from several processes) sends each reminder once. [`run`]
//! repeats it inside the service.

use super::BindingState;
use crate::accounts::types::stored_language;
use crate::i18n::Lang;
use ferry_platform::db::Db;
use ferry_platform::mail::{MAIL_TOPIC, MailMessage};
use ferry_platform::outbox;
use maud::html;
use sqlx::Row;

const DAY_MS: i64 = 86_400_000;
/// Days before the deadline, largest first.
pub const REMINDER_DAYS: [i64; 3] = [30, 7, 1];

/// The reminder due at `now_ms` for a deadline, if any: the smallest
/// threshold already reached.
pub fn due_threshold(reauthorize_by_at_ms: i64, now_ms: i64) -> Option<i64> {
    let left_ms = reauthorize_by_at_ms - now_ms;
    if left_ms <= 0 {
        return None;
    }
    REMINDER_DAYS
        .into_iter()
        .filter(|days| left_ms <= days * DAY_MS)
        .min()
}

fn message(to: &str, lang: Lang, days: i64, link: &str) -> MailMessage {
    let subject = match lang {
        Lang::ZhCn => format!("店铺授权将在 {days} 天内到期，请续期"),
        Lang::En => format!("Your store authorization expires within {days} days"),
    };
    let body = lang.pick(
        "亚马逊要求每年在“管理您的应用”（Manage Your Apps）中续期授权。到期后 Ferry 无法再核对店铺的存款方式。请打开下面的链接并点击“授权”续期。",
        "Amazon asks sellers to renew app authorizations every year under Manage Your Apps. Once it lapses, Ferry can no longer check the store's deposit method. Open the link below and click Authorize to renew.",
    );
    MailMessage {
        to: to.to_string(),
        subject: subject.clone(),
        text: format!("{body}\n\n{link}\n"),
        html: html! {
            p { (body) }
            p { a href=(link) { (lang.pick("续期授权", "Renew the authorization")) } }
        }
        .into_string(),
    }
}

/// Enqueues the reminders due at `now_ms`; returns how many bindings got one.
pub async fn enqueue_due(db: &Db, public_url: &str, now_ms: i64) -> Result<u64, sqlx::Error> {
    let candidates = sqlx::query(
        "SELECT receiving_account_id, account_id, reauthorize_by_at_ms, last_reminder_days \
         FROM store_bindings WHERE state <> $1 AND reauthorize_by_at_ms > $2 AND reauthorize_by_at_ms <= $3",
    )
    .bind(BindingState::ExpiredOrRevoked.code())
    .bind(now_ms)
    .bind(now_ms + REMINDER_DAYS[0] * DAY_MS)
    .fetch_all(db.reader())
    .await?;
    let mut sent = 0;
    for row in candidates {
        let id: String = row.try_get("receiving_account_id")?;
        let deadline: i64 = row.try_get("reauthorize_by_at_ms")?;
        let last: Option<i64> = row.try_get("last_reminder_days")?;
        let Some(days) = due_threshold(deadline, now_ms) else {
            continue;
        };
        if last.is_some_and(|last| last <= days) {
            continue;
        }
        let mut tx = db.begin().await?;
        // The conditional update claims the reminder: of two runs, only one
        // changes the row and sends.
        let claimed = sqlx::query(
            "UPDATE store_bindings SET last_reminder_days = $1 WHERE receiving_account_id = $2 \
             AND (last_reminder_days IS NULL OR last_reminder_days > $1)",
        )
        .bind(days)
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        if claimed.rows_affected() != 1 {
            continue;
        }
        let account_id: String = row.try_get("account_id")?;
        let owners = sqlx::query(
            "SELECT email, language FROM users WHERE account_id = $1 AND role = 'owner' \
             AND removed_at_ms IS NULL",
        )
        .bind(&account_id)
        .fetch_all(&mut *tx)
        .await?;
        let link = format!(
            "{}/receiving-accounts/{id}",
            public_url.trim_end_matches('/')
        );
        for owner in owners {
            let email: String = owner.try_get("email")?;
            let lang = stored_language(&owner.try_get::<String, _>("language")?);
            let payload = serde_json::to_string(&message(&email, lang, days, &link))
                .map_err(|error| sqlx::Error::Protocol(error.to_string()))?;
            // The outbox delivers by the wall clock, whatever moment the
            // job was asked to judge.
            outbox::enqueue(&mut tx, MAIL_TOPIC, &payload, crate::app::now_ms()).await?;
        }
        tx.commit().await?;
        sent += 1;
    }
    Ok(sent)
}

/// Runs [`enqueue_due`] at the wall clock every `every`, from now on. A
/// failed run is logged and the next one tries again: nothing is lost, as
/// the job looks at the bindings, not at what it did last time.
pub async fn run(db: Db, public_url: String, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        match enqueue_due(&db, &public_url, crate::app::now_ms()).await {
            Ok(0) => {}
            Ok(sent) => tracing::info!(sent, "re-authorization reminders enqueued"),
            Err(error) => tracing::warn!(%error, "re-authorization reminders failed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_due_reminder_is_the_smallest_threshold_reached() {
        let deadline = 1_000 * DAY_MS;
        assert_eq!(due_threshold(deadline, deadline - 31 * DAY_MS), None);
        assert_eq!(due_threshold(deadline, deadline - 30 * DAY_MS), Some(30));
        assert_eq!(due_threshold(deadline, deadline - 8 * DAY_MS), Some(30));
        assert_eq!(due_threshold(deadline, deadline - 7 * DAY_MS), Some(7));
        assert_eq!(due_threshold(deadline, deadline - DAY_MS / 2), Some(1));
        assert_eq!(due_threshold(deadline, deadline), None);
    }
}
