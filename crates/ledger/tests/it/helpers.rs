use ferry_ledger::{
    AccountCode, AccountFlags, LedgerCode, LedgerWriter, NewAccount, Transfer, TransferFlags,
};
use ferry_platform::db::Db;
use ferry_platform::testing::TestDatabase;

pub struct TestLedger {
    pub db: Db,
    pub writer: LedgerWriter,
    pub database: TestDatabase,
}

pub async fn ledger() -> TestLedger {
    let database = TestDatabase::create().await.expect("a test database");
    let db = Db::connect(database.url()).await.expect("connect");
    db.migrate(&ferry_ledger::MIGRATIONS)
        .await
        .expect("migrate");
    let writer = LedgerWriter::start(db.clone());
    TestLedger {
        db,
        writer,
        database,
    }
}

pub fn usd() -> LedgerCode {
    LedgerCode::currency("USD").unwrap()
}

pub fn wallet(id: &str) -> NewAccount {
    NewAccount {
        id: id.into(),
        ledger: usd(),
        code: AccountCode::SellerWallet,
        flags: AccountFlags(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS),
        owner: Some("mer_1".into()),
    }
}

pub fn bank(id: &str) -> NewAccount {
    NewAccount {
        id: id.into(),
        ledger: usd(),
        code: AccountCode::BankSettlement,
        flags: AccountFlags::default(),
        owner: None,
    }
}

pub fn transfer(id: &str, debit: &str, credit: &str, amount: i64) -> Transfer {
    Transfer {
        id: id.into(),
        debit_account_id: debit.into(),
        credit_account_id: credit.into(),
        amount,
        ledger: usd(),
        code: 1,
        flags: TransferFlags::default(),
        pending_id: None,
        expires_at_ms: 0,
        reference: None,
    }
}

pub fn with_flags(mut transfer: Transfer, flags: i64) -> Transfer {
    transfer.flags = TransferFlags(flags);
    transfer
}

pub fn now_ms() -> i64 {
    ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc())
}

impl TestLedger {
    /// A bank account and a wallet, with `funded` minor units paid in.
    pub async fn funded_wallet(&self, funded: i64) {
        ferry_ledger::create_accounts(&self.db, &[bank("bank"), wallet("wallet")], now_ms())
            .await
            .unwrap();
        if funded > 0 {
            let results = self
                .writer
                .submit(vec![transfer("fund", "bank", "wallet", funded)])
                .await
                .unwrap();
            assert!(results[0].is_ok(), "{results:?}");
        }
    }

    pub async fn account(&self, id: &str) -> ferry_ledger::Account {
        ferry_ledger::lookup_accounts(&self.db, &[id.to_string()])
            .await
            .unwrap()
            .pop()
            .unwrap_or_else(|| panic!("account {id} exists"))
    }

    pub async fn transfer_count(&self) -> i64 {
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM ledger_transfers")
            .fetch_one(self.db.reader())
            .await
            .unwrap();
        count
    }
}
