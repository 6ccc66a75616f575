use crate::helpers::*;
use ferry_ledger::{Transfer, TransferFlags, TransferResult};

fn hold(id: &str, amount: i64, expires_at_ms: i64) -> Transfer {
    let mut hold = with_flags(
        transfer(id, "wallet", "bank", amount),
        TransferFlags::PENDING,
    );
    hold.expires_at_ms = expires_at_ms;
    hold
}

fn resolve(id: &str, pending: &str, amount: i64, flag: i64) -> Transfer {
    let mut resolution = with_flags(transfer(id, "", "", amount), flag);
    resolution.pending_id = Some(pending.into());
    resolution
}

#[tokio::test]
async fn a_hold_reserves_money_and_a_partial_post_releases_the_rest() {
    let ledger = ledger().await;
    ledger.funded_wallet(1_000).await;
    let results = ledger.writer.submit(vec![hold("h", 800, 0)]).await.unwrap();
    assert_eq!(results, vec![TransferResult::Created]);
    let wallet = ledger.account("wallet").await;
    assert_eq!(wallet.debits_pending, 800);
    assert_eq!(wallet.credit_balance_available(), 200);

    // The reservation counts: 300 more would overdraw.
    let blocked = ledger
        .writer
        .submit(vec![transfer("x", "wallet", "bank", 300)])
        .await
        .unwrap();
    assert_eq!(blocked, vec![TransferResult::ExceedsCredits]);

    let posted = ledger
        .writer
        .submit(vec![resolve(
            "h-post",
            "h",
            600,
            TransferFlags::POST_PENDING,
        )])
        .await
        .unwrap();
    assert_eq!(posted, vec![TransferResult::Created]);
    let wallet = ledger.account("wallet").await;
    assert_eq!((wallet.debits_pending, wallet.debits_posted), (0, 600));
    assert_eq!(wallet.credit_balance_available(), 400);
}

#[tokio::test]
async fn a_pending_transfer_resolves_exactly_once() {
    let ledger = ledger().await;
    ledger.funded_wallet(1_000).await;
    ledger.writer.submit(vec![hold("h", 500, 0)]).await.unwrap();
    let void = ledger
        .writer
        .submit(vec![resolve("h-void", "h", 0, TransferFlags::VOID_PENDING)])
        .await
        .unwrap();
    assert_eq!(void, vec![TransferResult::Created]);
    let again = ledger
        .writer
        .submit(vec![
            resolve("h-post", "h", 500, TransferFlags::POST_PENDING),
            resolve("h-void-2", "h", 0, TransferFlags::VOID_PENDING),
            resolve("h-void", "h", 0, TransferFlags::VOID_PENDING),
        ])
        .await
        .unwrap();
    assert_eq!(
        again,
        vec![
            TransferResult::PendingTransferAlreadyVoided,
            TransferResult::PendingTransferAlreadyVoided,
            TransferResult::Exists,
        ]
    );
    assert_eq!(
        ledger.account("wallet").await.credit_balance_available(),
        1_000
    );
}

#[tokio::test]
async fn posting_more_than_was_held_or_an_unknown_hold_is_refused() {
    let ledger = ledger().await;
    ledger.funded_wallet(1_000).await;
    ledger.writer.submit(vec![hold("h", 500, 0)]).await.unwrap();
    let results = ledger
        .writer
        .submit(vec![
            resolve("p1", "h", 501, TransferFlags::POST_PENDING),
            resolve("p2", "nope", 1, TransferFlags::POST_PENDING),
            resolve("p3", "fund", 1, TransferFlags::POST_PENDING),
        ])
        .await
        .unwrap();
    assert_eq!(
        results,
        vec![
            TransferResult::ExceedsPendingAmount,
            TransferResult::PendingTransferNotFound,
            TransferResult::PendingTransferNotPending,
        ]
    );
}

#[tokio::test]
async fn an_expired_hold_cannot_be_posted_and_the_sweep_releases_it() {
    let ledger = ledger().await;
    ledger.funded_wallet(1_000).await;
    let already_past = now_ms() - 1;
    ledger
        .writer
        .submit(vec![hold("h", 700, already_past)])
        .await
        .unwrap();
    let late = ledger
        .writer
        .submit(vec![resolve(
            "h-post",
            "h",
            700,
            TransferFlags::POST_PENDING,
        )])
        .await
        .unwrap();
    assert_eq!(late, vec![TransferResult::PendingTransferExpired]);

    assert_eq!(ledger.writer.expire_due(&ledger.db).await.unwrap(), 1);
    assert_eq!(ledger.account("wallet").await.debits_pending, 0);
    assert_eq!(ledger.writer.expire_due(&ledger.db).await.unwrap(), 0);
    assert!(ferry_ledger::verify(&ledger.db).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_hold_whose_deadline_is_ahead_cannot_be_expired() {
    let ledger = ledger().await;
    ledger.funded_wallet(1_000).await;
    ledger
        .writer
        .submit(vec![hold("h", 100, now_ms() + 3_600_000)])
        .await
        .unwrap();
    let early = ledger
        .writer
        .submit(vec![resolve(
            "early",
            "h",
            0,
            TransferFlags::EXPIRE_PENDING,
        )])
        .await
        .unwrap();
    assert_eq!(early, vec![TransferResult::PendingTransferNotExpired]);
}
