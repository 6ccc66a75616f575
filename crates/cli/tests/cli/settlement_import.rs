//! `ferry import settlement-report`: real-shaped reports into the provider
//! database, totals as the reports state them, idempotent, with reasons.

use crate::ferry;
use ferry_platform::db::Db;
use ferry_platform::testing::TestDatabase;
use sqlx::Row;

const V2_US: &str = include_str!("../../../formats/tests/data/settlement_v2_us.tsv");
const V1_CA: &str = include_str!("../../../formats/tests/data/settlement_v1_ca.tsv");

/// A provider database with a seller and two receiving accounts (USD, CAD).
async fn provider_database() -> (TestDatabase, Db) {
    let database = TestDatabase::create().await.unwrap();
    let db = Db::connect(database.url()).await.unwrap();
    ferry_provider::migrate(&db).await.unwrap();
    sqlx::query(
        "INSERT INTO seller_accounts (id, kind, display_name, created_at_ms) \
         VALUES ('acc_1', 'company', 'Example Trading', 0)",
    )
    .execute(db.writer())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO users (id, account_id, email, display_name, role, language, password_hash, \
         password_changed_at_ms, created_at_ms) \
         VALUES ('usr_1', 'acc_1', 'li@example.cn', 'Li', 'owner', 'zh-CN', 'x', 0, 0)",
    )
    .execute(db.writer())
    .await
    .unwrap();
    for (id, currency, number) in [
        ("ra_usd", "USD", "000123456789"),
        ("ra_cad", "CAD", "0001234567"),
    ] {
        sqlx::query(
            "INSERT INTO receiving_accounts (id, account_id, currency, programme_id, bank_code, \
             account_number, holder_name, created_by, created_at_ms) \
             VALUES ($1, 'acc_1', $2, 'sandbox', '011000015', $3, 'Example Trading', 'usr_1', 0)",
        )
        .bind(id)
        .bind(currency)
        .bind(number)
        .execute(db.writer())
        .await
        .unwrap();
    }
    (database, db)
}

fn write_file(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn import(file: &str, account: &str, url: &str) -> std::process::Output {
    ferry(&[
        "import",
        "settlement-report",
        file,
        "--account",
        account,
        "--database-url",
        url,
    ])
}

#[tokio::test]
async fn settlement_reports_import_with_their_own_totals_once() {
    let (database, db) = provider_database().await;
    let dir = tempfile::tempdir().unwrap();
    let us = write_file(&dir, "us.txt", V2_US);
    let first = import(&us, "ra_usd", database.url());
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(
        stdout.contains("settlement 18542019981 imported: 20 rows, v2 layout"),
        "{stdout}"
    );
    assert!(stdout.contains("orders   USD 1,348.97"), "{stdout}");
    assert!(stdout.contains("total    USD 1,081.77"), "{stdout}");

    let again = import(&us, "ra_usd", database.url());
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert!(String::from_utf8_lossy(&again.stdout).contains("18542019981 unchanged"));

    // A legacy V1 file saved on Windows: BOM and CRLF.
    let windows = format!("\u{feff}{}", V1_CA.replace('\n', "\r\n"));
    let ca = write_file(&dir, "ca.txt", &windows);
    let v1 = import(&ca, "ra_cad", database.url());
    assert_eq!(v1.status.code(), Some(0), "{v1:?}");
    assert!(String::from_utf8_lossy(&v1.stdout).contains("total    CAD 18.97"));

    let rows = sqlx::query(
        "SELECT settlement_id, receiving_account_id, total_minor, layout FROM settlement_reports \
         ORDER BY settlement_id",
    )
    .fetch_all(db.reader())
    .await
    .unwrap();
    let stored: Vec<(String, String, i64, String)> = rows
        .iter()
        .map(|row| {
            (
                row.get("settlement_id"),
                row.get("receiving_account_id"),
                row.get("total_minor"),
                row.get("layout"),
            )
        })
        .collect();
    assert_eq!(
        stored,
        [
            ("18542019981".into(), "ra_usd".into(), 108_177, "v2".into()),
            ("50034020328".into(), "ra_cad".into(), 1_897, "v1".into()),
        ]
    );
}

#[tokio::test]
async fn a_wrong_account_or_a_broken_file_imports_nothing_and_says_why() {
    let (database, db) = provider_database().await;
    let dir = tempfile::tempdir().unwrap();
    let us = write_file(&dir, "us.txt", V2_US);
    let unknown = import(&us, "ra_nope", database.url());
    assert_eq!(unknown.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("no receiving account has the id ra_nope")
    );

    let wrong_currency = import(&us, "ra_cad", database.url());
    assert_eq!(wrong_currency.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&wrong_currency.stderr)
            .contains("The settlement is in USD but the receiving account is a CAD account")
    );

    let cut: String = V2_US
        .lines()
        .take(10)
        .map(|line| format!("{line}\n"))
        .collect();
    let broken = import(&write_file(&dir, "cut.txt", &cut), "ra_usd", database.url());
    assert_eq!(broken.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("do not add up to its total"),
        "{broken:?}"
    );
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM settlement_reports")
        .fetch_one(db.reader())
        .await
        .unwrap();
    assert_eq!(count, 0);
}
