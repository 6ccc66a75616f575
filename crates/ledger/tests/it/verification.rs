use crate::helpers::*;
use ferry_ledger::{TransferFlags, verify};
use ferry_platform::db::Backend;
use ferry_platform::testing::assert_schema_parity;

async fn busy_ledger() -> TestLedger {
    let ledger = ledger().await;
    ledger.funded_wallet(10_000).await;
    let mut hold = with_flags(
        transfer("h1", "wallet", "bank", 2_500),
        TransferFlags::PENDING,
    );
    hold.expires_at_ms = 0;
    let mut post = with_flags(
        transfer("h1-post", "", "", 2_000),
        TransferFlags::POST_PENDING,
    );
    post.pending_id = Some("h1".into());
    let batch = vec![
        transfer("t1", "wallet", "bank", 1_000),
        hold,
        post,
        with_flags(
            transfer("h2", "wallet", "bank", 300),
            TransferFlags::PENDING,
        ),
    ];
    let results = ledger.writer.submit(batch).await.unwrap();
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    ledger
}

#[tokio::test]
async fn a_consistent_ledger_verifies() {
    let ledger = busy_ledger().await;
    let violations = verify(&ledger.db).await.unwrap();
    assert!(violations.is_empty(), "{violations:?}");
    let wallet = ledger.account("wallet").await;
    assert_eq!(
        (
            wallet.debits_pending,
            wallet.debits_posted,
            wallet.credits_posted
        ),
        (300, 3_000, 10_000)
    );
}

#[tokio::test]
async fn a_balance_altered_by_hand_is_found() {
    let ledger = busy_ledger().await;
    sqlx::query(
        "UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = 'wallet'",
    )
    .execute(ledger.db.writer())
    .await
    .unwrap();
    let violations = verify(&ledger.db).await.unwrap();
    let text = format!("{violations:?}");
    assert!(text.contains("account wallet"), "{text}");
    assert!(text.contains("ledger USD: posted debits"), "{text}");
}

#[tokio::test]
async fn a_transfer_altered_by_hand_is_found() {
    let ledger = busy_ledger().await;
    // Someone with database access disables the guard and edits an amount.
    let disable = match ledger.db.backend() {
        Backend::Sqlite => "DROP TRIGGER ledger_transfers_no_update",
        Backend::Postgres => {
            "ALTER TABLE ledger_transfers DISABLE TRIGGER ledger_transfers_no_change"
        }
    };
    sqlx::query(disable)
        .execute(ledger.db.writer())
        .await
        .unwrap();
    sqlx::query("UPDATE ledger_transfers SET amount = 999 WHERE id = 't1'")
        .execute(ledger.db.writer())
        .await
        .unwrap();
    let violations = verify(&ledger.db).await.unwrap();
    let text = format!("{violations:?}");
    assert!(
        text.contains("account wallet") && text.contains("account bank"),
        "{text}"
    );
}

#[tokio::test]
async fn a_pending_status_altered_by_hand_is_found() {
    let ledger = busy_ledger().await;
    sqlx::query("UPDATE ledger_pending SET status = 'voided' WHERE id = 'h2'")
        .execute(ledger.db.writer())
        .await
        .unwrap();
    let violations = verify(&ledger.db).await.unwrap();
    assert!(format!("{violations:?}").contains("pending transfer h2 is marked voided"));
}

#[tokio::test]
async fn ledger_migrations_agree_between_sqlite_and_postgres() {
    assert_schema_parity(&ferry_ledger::MIGRATIONS).await;
}
