//! `ferry import camt054 FILE`: a bank's notification file recorded as
//! payouts, once, through the provider's intake.

use crate::ferry;
use ferry_platform::db::Db;
use ferry_platform::testing::TestDatabase;

/// A camt.054.001.02 with a booked credit to an account Ferry does not
/// have (so it is held) and a bank fee debit (ignored).
const NOTIFICATION: &str = include_str!("../../../formats/tests/data/camt054_v02_eur.xml");

async fn count(db: &Db, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
        .fetch_one(db.reader())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_notification_file_is_recorded_once_however_often_it_is_imported() {
    let database = TestDatabase::create().await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("camt054.xml");
    std::fs::write(&file, NOTIFICATION).unwrap();
    let path = file.to_str().unwrap();
    let args = ["import", "camt054", path, "--database-url", database.url()];

    let first = ferry(&args);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("entry 1 transaction 1: held: unknown_account"),
        "{stdout}"
    );
    assert!(
        stdout.contains("entry 2 transaction 1: ignored: debit_entry"),
        "{stdout}"
    );
    let again = ferry(&args);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stdout).contains("already recorded, held"));

    let db = Db::connect(database.url()).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM payouts").await, 1);
    let suspense: i64 = sqlx::query_scalar(
        "SELECT credits_posted - debits_posted FROM ledger_accounts WHERE id = 'suspense:EUR'",
    )
    .fetch_one(db.reader())
    .await
    .unwrap();
    assert_eq!(suspense, 114_118, "EUR 1,141.18 in suspense, once");
    assert!(ferry_ledger::verify(&db).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_file_that_is_not_a_camt054_changes_nothing() {
    let database = TestDatabase::create().await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("not-camt.xml");
    std::fs::write(&file, "<Document><Nothing/></Document>").unwrap();
    let output = ferry(&[
        "import",
        "camt054",
        file.to_str().unwrap(),
        "--database-url",
        database.url(),
    ]);
    assert_eq!(output.status.code(), Some(1), "{output:?}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("camt054_unsupported_message"));
    let db = Db::connect(database.url()).await.unwrap();
    assert_eq!(count(&db, "SELECT COUNT(*) FROM payouts").await, 0);
}
