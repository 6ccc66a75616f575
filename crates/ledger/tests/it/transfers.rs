use crate::helpers::*;
use ferry_ledger::{AccountResult, TransferFlags, TransferResult, create_accounts};

#[tokio::test]
async fn a_transfer_moves_money_and_a_repeat_changes_nothing() {
    let ledger = ledger().await;
    ledger.funded_wallet(10_000).await;
    assert_eq!(
        ledger.account("wallet").await.credit_balance_posted(),
        10_000
    );
    assert_eq!(ledger.account("bank").await.debits_posted, 10_000);

    let again = ledger
        .writer
        .submit(vec![transfer("fund", "bank", "wallet", 10_000)])
        .await
        .unwrap();
    assert_eq!(again, vec![TransferResult::Exists]);
    assert_eq!(
        ledger.account("wallet").await.credit_balance_posted(),
        10_000
    );
    assert_eq!(ledger.transfer_count().await, 1);
}

#[tokio::test]
async fn the_same_id_with_other_fields_is_refused() {
    let ledger = ledger().await;
    ledger.funded_wallet(10_000).await;
    let altered = ledger
        .writer
        .submit(vec![transfer("fund", "bank", "wallet", 9_999)])
        .await
        .unwrap();
    assert_eq!(altered, vec![TransferResult::ExistsWithDifferentFields]);
    assert_eq!(
        ledger.account("wallet").await.credit_balance_posted(),
        10_000
    );
}

#[tokio::test]
async fn a_transfer_that_would_overdraw_a_wallet_is_refused_and_stays_refused() {
    let ledger = ledger().await;
    ledger.funded_wallet(500).await;
    let overdraw = transfer("out", "wallet", "bank", 501);
    let first = ledger.writer.submit(vec![overdraw.clone()]).await.unwrap();
    assert_eq!(first, vec![TransferResult::ExceedsCredits]);
    assert_eq!(ledger.account("wallet").await.credit_balance_posted(), 500);
    assert_eq!(ledger.transfer_count().await, 1);

    // More money arrives, but the failed id never flips to a success.
    ledger
        .writer
        .submit(vec![transfer("fund-2", "bank", "wallet", 1_000)])
        .await
        .unwrap();
    let retry = ledger.writer.submit(vec![overdraw]).await.unwrap();
    assert_eq!(retry, vec![TransferResult::IdAlreadyFailed]);
    assert_eq!(
        ledger.account("wallet").await.credit_balance_posted(),
        1_500
    );
}

#[tokio::test]
async fn invalid_transfers_get_their_own_result_codes() {
    let ledger = ledger().await;
    ledger.funded_wallet(100).await;
    let mut eur = transfer("eur", "bank", "wallet", 1);
    eur.ledger = ferry_ledger::LedgerCode::currency("EUR").unwrap();
    let results = ledger
        .writer
        .submit(vec![
            transfer("", "bank", "wallet", 1),
            transfer("zero", "bank", "wallet", 0),
            transfer("self", "bank", "bank", 1),
            transfer("ghost-debit", "nobody", "wallet", 1),
            transfer("ghost-credit", "bank", "nobody", 1),
            eur,
        ])
        .await
        .unwrap();
    assert_eq!(
        results,
        vec![
            TransferResult::IdMustNotBeEmpty,
            TransferResult::AmountMustBePositive,
            TransferResult::AccountsMustBeDifferent,
            TransferResult::DebitAccountNotFound,
            TransferResult::CreditAccountNotFound,
            TransferResult::LedgerMustMatchAccounts,
        ]
    );
    assert_eq!(ledger.transfer_count().await, 1);
}

#[tokio::test]
async fn linked_transfers_commit_all_or_nothing() {
    let ledger = ledger().await;
    ledger.funded_wallet(1_000).await;
    create_accounts(&ledger.db, &[bank("fees")], now_ms())
        .await
        .unwrap();
    let linked = TransferFlags::LINKED;
    // A withdrawal of 900 plus a 200 fee overdraws: neither may apply.
    let results = ledger
        .writer
        .submit(vec![
            with_flags(transfer("w1", "wallet", "bank", 900), linked),
            transfer("w1-fee", "wallet", "fees", 200),
        ])
        .await
        .unwrap();
    assert_eq!(
        results,
        vec![
            TransferResult::LinkedEventFailed,
            TransferResult::ExceedsCredits
        ]
    );
    assert_eq!(
        ledger.account("wallet").await.credit_balance_posted(),
        1_000
    );
    assert_eq!(ledger.account("fees").await.credits_posted, 0);

    let results = ledger
        .writer
        .submit(vec![
            with_flags(transfer("w2", "wallet", "bank", 700), linked),
            transfer("w2-fee", "wallet", "fees", 200),
        ])
        .await
        .unwrap();
    assert_eq!(
        results,
        vec![TransferResult::Created, TransferResult::Created]
    );
    assert_eq!(ledger.account("wallet").await.credit_balance_posted(), 100);
}

#[tokio::test]
async fn a_chain_left_open_is_refused() {
    let ledger = ledger().await;
    ledger.funded_wallet(1_000).await;
    let results = ledger
        .writer
        .submit(vec![with_flags(
            transfer("open", "wallet", "bank", 1),
            TransferFlags::LINKED,
        )])
        .await
        .unwrap();
    assert_eq!(results, vec![TransferResult::LinkedEventChainOpen]);
    assert_eq!(ledger.transfer_count().await, 1);
}

#[tokio::test]
async fn a_hundred_concurrent_submissions_of_one_id_make_one_transfer() {
    let ledger = ledger().await;
    ledger.funded_wallet(0).await;
    let tasks: Vec<_> = (0..100)
        .map(|_| {
            let writer = ledger.writer.clone();
            tokio::spawn(async move {
                writer
                    .submit(vec![transfer("payout-1", "bank", "wallet", 12_345)])
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut created = 0;
    for task in tasks {
        let results = task.await.unwrap();
        assert!(results[0].is_ok(), "{results:?}");
        created += usize::from(results[0] == TransferResult::Created);
    }
    assert_eq!(created, 1);
    assert_eq!(ledger.account("wallet").await.credits_posted, 12_345);
    assert_eq!(ledger.transfer_count().await, 1);
}

#[tokio::test]
async fn creating_an_account_twice_is_harmless_but_different_fields_are_reported() {
    let ledger = ledger().await;
    let first = create_accounts(&ledger.db, &[wallet("w")], now_ms())
        .await
        .unwrap();
    let again = create_accounts(&ledger.db, &[wallet("w")], now_ms())
        .await
        .unwrap();
    let mut other = wallet("w");
    other.owner = Some("mer_2".into());
    let different = create_accounts(&ledger.db, &[other], now_ms())
        .await
        .unwrap();
    assert_eq!(first, vec![AccountResult::Created]);
    assert_eq!(again, vec![AccountResult::Exists]);
    assert_eq!(different, vec![AccountResult::ExistsWithDifferentFields]);
}

#[tokio::test]
async fn transfers_cannot_be_edited_or_deleted() {
    let ledger = ledger().await;
    ledger.funded_wallet(100).await;
    let update = sqlx::query("UPDATE ledger_transfers SET amount = 1")
        .execute(ledger.db.writer())
        .await;
    let delete = sqlx::query("DELETE FROM ledger_transfers")
        .execute(ledger.db.writer())
        .await;
    assert!(update.is_err() && delete.is_err());
    assert_eq!(ledger.transfer_count().await, 1);
}

/// Two processes serving one database (as behind a load balancer) each
/// have their own pool and writer. Overlapping retries and concurrent
/// payouts to one wallet must neither lose nor double money.
#[tokio::test]
async fn two_writers_on_one_database_neither_lose_nor_double_money() {
    let ledger = ledger().await;
    ledger.funded_wallet(0).await;
    let second_db = ferry_platform::db::Db::connect(ledger.database.url())
        .await
        .unwrap();
    let second = ferry_ledger::LedgerWriter::start(second_db);
    let writers = [ledger.writer.clone(), second];
    let mut tasks = Vec::new();
    for writer in &writers {
        for i in 0..60 {
            // Ids 0..60 from both writers: every payout is submitted twice.
            let writer = writer.clone();
            tasks.push(tokio::spawn(async move {
                writer
                    .submit(vec![transfer(&format!("p{i}"), "bank", "wallet", 100)])
                    .await
                    .unwrap()
            }));
        }
    }
    for task in tasks {
        let results = task.await.unwrap();
        assert!(results[0].is_ok(), "{results:?}");
    }
    assert_eq!(ledger.account("wallet").await.credits_posted, 60 * 100);
    assert_eq!(ledger.transfer_count().await, 60);
    assert!(ferry_ledger::verify(&ledger.db).await.unwrap().is_empty());
}
