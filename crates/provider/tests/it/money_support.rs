//! Sellers with money, for the conversion and withdrawal tests: a verified
//! company with two-factor on, wallets funded through the ledger, and
//! readings of ledger balances.

use crate::helpers::{PASSWORD, TestApp, new_client, spawn_app_with};
use crate::receiving_support::{approve_kyc, fresh_code};
use ferry_domain::Currency;
use ferry_ledger::{Transfer, TransferFlags};
use ferry_platform::db::unix_ms;
use ferry_provider::wallets::{self, transfer_code};
use serde_json::{Value, json};

/// Rates that make exact arithmetic easy to check by hand: 1 EUR = 1.25 USD
/// = 9 CNY, so 1 USD = 7.2 CNY.
pub async fn money_app(adjust: impl FnOnce(&mut ferry_provider::Settings)) -> TestApp {
    spawn_app_with(|settings| {
        settings.fx.source = ferry_provider::fx::RateSourceKind::Fixed;
        settings.fx.fixed_as_of = "2026-11-20".into();
        settings.fx.fixed_rates = [("USD", "1.25"), ("CNY", "9"), ("JPY", "160")]
            .into_iter()
            .map(|(code, rate)| (code.to_string(), rate.to_string()))
            .collect();
        settings.fx.margin_bps = 50;
        settings.fx.fees = [("USD".to_string(), 100)].into_iter().collect();
        settings.withdrawals.desk_poll_ms = 50;
        settings.withdrawals.sandbox_return_after_secs = 1;
        adjust(settings);
    })
    .await
}

pub struct Seller {
    pub client: reqwest::Client,
    pub account_id: String,
    pub totp_secret: String,
    pub recovery_codes: Vec<String>,
    pub email: String,
}

impl Seller {
    pub async fn post(&self, app: &TestApp, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(app.url(path))
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, app: &TestApp, path: &str) -> Value {
        let response = self.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.unwrap()
    }

    /// A TOTP code no earlier call used.
    pub fn code(&self) -> String {
        fresh_code(&self.totp_secret)
    }

    /// An unused recovery code (also accepted as the second factor, and
    /// not limited to one per 30-second step).
    pub fn recovery_code(&mut self) -> String {
        self.recovery_codes.pop().expect("a recovery code left")
    }
}

/// A company seller, activated, signed in with two-factor enrolled (in this
/// session) and KYC approved.
pub async fn verified_seller(app: &TestApp, email: &str) -> Seller {
    app.register_and_activate(email).await;
    let client = new_client();
    assert_eq!(app.sign_in(&client, email, PASSWORD).await.status(), 200);
    let enrollment: Value = client
        .post(app.url("/api/v1/two-factor/enrollment"))
        .json(&json!({ "password": PASSWORD }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let secret = enrollment["secret"].as_str().unwrap().to_string();
    let confirmed: Value = client
        .post(app.url("/api/v1/two-factor/confirmation"))
        .json(&json!({ "code": fresh_code(&secret) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recovery_codes = confirmed["recovery_codes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|code| code.as_str().unwrap().to_string())
        .collect();
    approve_kyc(app, &client).await;
    let me: Value = client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    Seller {
        client,
        account_id: me["account_id"].as_str().unwrap().to_string(),
        totp_secret: secret,
        recovery_codes,
        email: email.to_string(),
    }
}

/// Credits the seller's wallet as a received payout would: a real ledger
/// transfer from the bank account (`bank:{C}` → `wallet:{s}:{C}`, code
/// PAYOUT_RECEIVED), submitted through `ferry_ledger` on the test app's
/// database. The inbound payout endpoint is another feature; this is the
/// same movement it makes, without its bank-notification plumbing.
pub async fn fund(app: &TestApp, seller: &Seller, currency: Currency, minor: i64, tag: &str) {
    let now = unix_ms(time::OffsetDateTime::now_utc());
    wallets::open(&app.db, &seller.account_id, currency, now)
        .await
        .unwrap();
    let writer = ferry_ledger::LedgerWriter::start(app.db.clone());
    let results = writer
        .submit(vec![Transfer {
            id: format!("test-funding:{}:{tag}", seller.account_id),
            debit_account_id: wallets::bank_id(currency),
            credit_account_id: wallets::wallet_id(&seller.account_id, currency),
            amount: minor,
            ledger: wallets::ledger_of(currency),
            code: transfer_code::PAYOUT_RECEIVED,
            flags: TransferFlags::default(),
            pending_id: None,
            expires_at_ms: 0,
            reference: None,
        }])
        .await
        .unwrap();
    assert!(results[0].is_ok(), "{results:?}");
}

/// An account's four counters, or zeros when it does not exist.
pub async fn counters(app: &TestApp, account_id: &str) -> [i64; 4] {
    let found = ferry_ledger::lookup_accounts(&app.db, &[account_id.to_string()])
        .await
        .unwrap();
    found.first().map_or([0; 4], |a| {
        [
            a.debits_pending,
            a.debits_posted,
            a.credits_pending,
            a.credits_posted,
        ]
    })
}

/// What a wallet can spend (posted credits minus all debits).
pub async fn available(app: &TestApp, seller: &Seller, currency: Currency) -> i64 {
    let [debits_pending, debits_posted, _, credits_posted] =
        counters(app, &wallets::wallet_id(&seller.account_id, currency)).await;
    credits_posted - debits_posted - debits_pending
}

/// `ferry_ledger::verify` finds nothing wrong.
pub async fn assert_ledger_verifies(app: &TestApp) {
    let violations = ferry_ledger::verify(&app.db).await.unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

/// How many ledger transfers have this id (0 or 1).
pub async fn transfer_count(app: &TestApp, id: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM ledger_transfers WHERE id = '{id}'"
    ))
    .await
}
