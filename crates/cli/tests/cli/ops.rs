use crate::ferry;
use ferry_ledger::{
    AccountCode, AccountFlags, LedgerCode, LedgerWriter, NewAccount, Transfer, TransferFlags,
};
use ferry_platform::db::Db;
use ferry_platform::testing::TestDatabase;

fn account(id: &str, code: AccountCode, flags: i64) -> NewAccount {
    NewAccount {
        id: id.into(),
        ledger: LedgerCode::currency("USD").unwrap(),
        code,
        flags: AccountFlags(flags),
        owner: None,
    }
}

/// A provider database with some ledger activity.
async fn provider_database_with_transfers() -> (TestDatabase, Db) {
    let database = TestDatabase::create().await.unwrap();
    let db = Db::connect(database.url()).await.unwrap();
    ferry_provider::migrate(&db).await.unwrap();
    let accounts = [
        account("bank", AccountCode::BankSettlement, 0),
        account(
            "wallet",
            AccountCode::SellerWallet,
            AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS,
        ),
    ];
    ferry_ledger::create_accounts(&db, &accounts, 0)
        .await
        .unwrap();
    let writer = LedgerWriter::start(db.clone());
    let transfer = |id: &str, debit: &str, credit: &str, amount| Transfer {
        id: id.into(),
        debit_account_id: debit.into(),
        credit_account_id: credit.into(),
        amount,
        ledger: LedgerCode::currency("USD").unwrap(),
        code: 1,
        flags: TransferFlags::default(),
        pending_id: None,
        expires_at_ms: 0,
        reference: None,
    };
    let results = writer
        .submit(vec![
            transfer("in", "bank", "wallet", 5_000),
            transfer("out", "wallet", "bank", 1_200),
        ])
        .await
        .unwrap();
    assert!(results.iter().all(|r| r.is_ok()));
    (database, db)
}

#[tokio::test]
async fn verify_ledger_passes_on_a_sound_ledger_and_fails_after_a_hand_edit() {
    let (database, db) = provider_database_with_transfers().await;
    let sound = ferry(&["ops", "verify-ledger", "--database-url", database.url()]);
    assert_eq!(sound.status.code(), Some(0), "{sound:?}");
    assert!(String::from_utf8_lossy(&sound.stdout).contains("every invariant holds"));

    sqlx::query(
        "UPDATE ledger_accounts SET credits_posted = credits_posted + 100 WHERE id = 'wallet'",
    )
    .execute(db.writer())
    .await
    .unwrap();
    let broken = ferry(&["ops", "verify-ledger", "--database-url", database.url()]);
    assert_eq!(broken.status.code(), Some(1), "{broken:?}");
    let stdout = String::from_utf8_lossy(&broken.stdout);
    assert!(stdout.contains("account wallet"), "{stdout}");
}
