use crate::helpers::*;
use ferry_ledger::{Cursor, Transfer, TransferFlags, history, history_between};

/// Applies `transfers` as one batch stamped `at_ms` (the store is the
/// writer's own back end; the writer always stamps "now").
async fn apply_at(ledger: &TestLedger, at_ms: i64, transfers: &[Transfer]) {
    let results = ferry_ledger::store::apply(&ledger.db, &[transfers], at_ms)
        .await
        .unwrap();
    assert!(results[0].iter().all(|r| r.is_ok()), "{results:?}");
}

#[tokio::test]
async fn history_pages_newest_first_and_balances_are_replayed_from_posted_transfers() {
    let ledger = ledger().await;
    ledger.funded_wallet(0).await;
    apply_at(&ledger, 1_000, &[transfer("a", "bank", "wallet", 500)]).await;
    // Two transfers in one batch share a timestamp; the id orders them.
    apply_at(
        &ledger,
        2_000,
        &[
            transfer("b", "bank", "wallet", 300),
            transfer("c", "wallet", "bank", 100),
        ],
    )
    .await;
    let mut hold = with_flags(transfer("d", "wallet", "bank", 200), TransferFlags::PENDING);
    hold.expires_at_ms = 0;
    apply_at(&ledger, 3_000, &[hold]).await;

    let first = history(&ledger.db, "wallet", None, 2).await.unwrap();
    let ids: Vec<&str> = first.iter().map(|t| t.transfer.id.as_str()).collect();
    assert_eq!(ids, ["d", "c"]);
    let cursor: Cursor = first[1].cursor();
    let second = history(&ledger.db, "wallet", Some(&cursor), 2)
        .await
        .unwrap();
    let ids: Vec<&str> = second.iter().map(|t| t.transfer.id.as_str()).collect();
    assert_eq!(ids, ["b", "a"]);
    let last = history(&ledger.db, "wallet", Some(&second[1].cursor()), 2)
        .await
        .unwrap();
    assert!(last.is_empty());

    let effects: Vec<i64> = history_between(&ledger.db, "wallet", 0, i64::MAX)
        .await
        .unwrap()
        .iter()
        .map(|t| t.posted_effect("wallet"))
        .collect();
    // Oldest first; the pending hold moves no posted money.
    assert_eq!(effects, [500, 300, -100, 0]);
    let balance_at =
        |at_ms| ferry_ledger::posted_credit_balance_before(&ledger.db, "wallet", at_ms);
    assert_eq!(balance_at(1_000).await.unwrap(), 0);
    assert_eq!(balance_at(1_001).await.unwrap(), 500);
    assert_eq!(balance_at(2_001).await.unwrap(), 700);
    assert_eq!(balance_at(i64::MAX).await.unwrap(), 700);
    let wallet = ledger.account("wallet").await;
    assert_eq!(wallet.credit_balance_posted(), 700);
    assert_eq!(wallet.credit_balance_available(), 500);
    // The window is half-open: [2_000, 3_000) holds b and c only.
    let window = history_between(&ledger.db, "wallet", 2_000, 3_000)
        .await
        .unwrap();
    assert_eq!(window.len(), 2);
}
