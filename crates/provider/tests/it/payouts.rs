//! Inbound payouts: the sandbox's payout rail credits a bound store's
//! wallet through `POST /bank/v1/notifications`; redeliveries (even
//! concurrent ones, even to two processes) never credit twice; unsigned
//! notifications change nothing; payouts that cannot be attributed wait in
//! suspense until compliance releases or returns them.

use crate::helpers::TestApp;
use crate::ops_support::{operator, ops_post};
use crate::receiving_support::{
    LEGAL_NAME_EN, SIGNING_SECRET, US, World, field, open_account, sandbox_post, world,
};
use crate::stores_oauth::{account_json, authorized};
use ferry_domain::{Currency, Iban, Money};
use ferry_formats::iso20022::camt054::{
    AccountId, AccountScheme, CreditDebit, CreditNotification, Entry, EntryStatus,
    TransactionDetails, write_v08,
};
use ferry_formats::iso20022::{IsoAmount, IsoDateTime, IsoText, Uetr};
use ferry_platform::db::Backend;
use ferry_provider::payouts::signature::sign;
use ferry_provider::wallets::{bank_id, suspense_id, wallet_id};
use serde_json::{Value, json};
use std::time::Duration;

const DAY_MS: i64 = 86_400_000;
const AMAZON_US: &str = "Amazon.com Services LLC";

/// A store bound to a Ferry USD account: the seller's account id, the
/// receiving account's id and number.
pub struct BoundStore {
    /// The seller's signed-in client at Ferry.
    pub client: reqwest::Client,
    pub seller_email: String,
    pub seller_account_id: String,
    pub receiving_account_id: String,
    pub account_number: String,
    pub sandbox_seller_id: String,
}

pub async fn bound_store(world: &World, name: &str) -> BoundStore {
    let (client, store, id) = authorized(world, name, LEGAL_NAME_EN).await;
    let account = account_json(world, &client, &id).await;
    let account_number = field(&account, "account_number");
    store
        .set_us_deposit_method(
            world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &account_number,
        )
        .await;
    let checked: Value = client
        .post(
            world
                .ferry
                .url(&format!("/api/v1/receiving-accounts/{id}/binding-checks")),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(checked["state"], "bound", "{checked}");
    let seller_account_id: String =
        sqlx::query_scalar("SELECT account_id FROM receiving_accounts WHERE id = $1")
            .bind(&id)
            .fetch_one(world.ferry.db.reader())
            .await
            .unwrap();
    BoundStore {
        client,
        seller_email: format!("{name}@example.cn"),
        seller_account_id,
        receiving_account_id: id,
        account_number,
        sandbox_seller_id: store.seller_id,
    }
}

/// One booked credit to `account_number`: in euros to an IBAN (as the
/// sandbox's rail sends to euro accounts), otherwise in dollars to a
/// domestic account number.
struct Credit<'a> {
    account_number: &'a str,
    amount_minor: i64,
    debtor: &'a str,
    uetr: String,
    end_to_end_id: &'a str,
}

fn new_uetr() -> String {
    uuid::Uuid::new_v4().hyphenated().to_string()
}

fn text<const MAX: usize>(value: &str) -> IsoText<MAX> {
    IsoText::parse(value).unwrap()
}

fn camt054(credit: &Credit<'_>) -> String {
    let (account, currency) = match Iban::parse(credit.account_number) {
        Ok(iban) => (AccountId::Iban(iban), Currency::EUR),
        Err(_) => (
            AccountId::Other {
                id: text(credit.account_number),
                scheme: Some(AccountScheme::Code(text("BBAN"))),
            },
            Currency::USD,
        ),
    };
    let amount = IsoAmount::new(Money::from_minor(credit.amount_minor, currency)).unwrap();
    let now = time::OffsetDateTime::now_utc();
    write_v08(&CreditNotification {
        message_id: text(&format!("MSG-{}", credit.end_to_end_id)),
        created_at: IsoDateTime {
            local: time::PrimitiveDateTime::new(now.date(), now.time().truncate_to_second()),
            offset: Some(time::UtcOffset::UTC),
        },
        notification_id: text(&format!("NTF-{}", credit.end_to_end_id)),
        account: account.clone(),
        entries: vec![Entry {
            amount,
            direction: CreditDebit::Credit,
            status: EntryStatus::Booked,
            booking_date: Some(now.date()),
            value_date: Some(now.date()),
            bank_reference: Some(text(&format!("TRC{}", credit.end_to_end_id))),
            bank_transaction_code: None,
            transactions: vec![TransactionDetails {
                amount,
                end_to_end_id: Some(text(credit.end_to_end_id)),
                uetr: Some(Uetr::parse(&credit.uetr).unwrap()),
                instruction_id: None,
                debtor_name: Some(text(credit.debtor)),
                debtor_account: None,
                debtor_agent_bic: None,
                creditor_name: None,
                creditor_account: account,
                remittance_info: vec![text(&format!(
                    "AMAZON SETTLEMENT {} {US}",
                    credit.end_to_end_id
                ))],
            }],
        }],
    })
}

fn unix_s() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// POSTs `body` to `base`'s notification endpoint, signed with `secret`.
async fn notify_at(base: &str, body: &str, signature: Option<String>) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{base}/bank/v1/notifications"))
        .header("content-type", "application/xml")
        .body(body.to_string());
    if let Some(signature) = signature {
        request = request.header("x-ferry-signature", signature);
    }
    request.send().await.unwrap()
}

async fn notify(app: &TestApp, body: &str) -> Value {
    let signature = sign(SIGNING_SECRET, unix_s(), body.as_bytes());
    let response = notify_at(&app.address, body, Some(signature)).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn balance(app: &TestApp, account_id: String) -> i64 {
    let accounts = ferry_ledger::lookup_accounts(&app.db, std::slice::from_ref(&account_id))
        .await
        .unwrap();
    accounts
        .first()
        .map_or(0, |account| account.credit_balance_posted())
}

async fn wallet(app: &TestApp, seller_account_id: &str) -> i64 {
    balance(app, wallet_id(seller_account_id, Currency::USD)).await
}

async fn assert_ledger_sound(app: &TestApp) {
    let violations = ferry_ledger::verify(&app.db).await.unwrap();
    assert!(violations.is_empty(), "{violations:?}");
}

async fn payouts_count(app: &TestApp) -> i64 {
    app.count("SELECT COUNT(*) FROM payouts").await
}

#[tokio::test]
async fn the_sandbox_rail_credits_the_bound_stores_wallet_once() {
    let world = world().await;
    let store = bound_store(&world, "rail").await;
    let order = sandbox_post(
        &world.sandbox,
        "/sandbox/v1/orders",
        &json!({
            "seller_id": store.sandbox_seller_id, "marketplace_id": US,
            "fulfillment": "AFN", "delivery_days": 0,
            "items": [{ "sku": "MUG-BLUE", "quantity": 2, "item_price_minor": 1999,
                        "tax_minor": 160, "fba_fee_per_unit_minor": 350 }],
        }),
    )
    .await;
    assert!(order["net_proceeds"]["amount_minor"].as_i64().unwrap() > 0);
    sandbox_post(
        &world.sandbox,
        "/sandbox/v1/clock/advance",
        &json!({ "ms": 16 * DAY_MS + 60_000 }),
    )
    .await;

    // The sandbox's outbox delivers the camt.054 to Ferry and records the
    // acknowledgement.
    let settlements_path = format!(
        "/sandbox/v1/sellers/{}/marketplaces/{US}/settlements",
        store.sandbox_seller_id
    );
    let mut settlement = Value::Null;
    for _ in 0..150 {
        let listed: Value = reqwest::get(world.sandbox.url(&settlements_path))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        settlement = listed["settlements"][0].clone();
        if settlement["deposit"]["fund_transfer_status"] == "Succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        settlement["deposit"]["fund_transfer_status"], "Succeeded",
        "{settlement}"
    );
    let total = settlement["total"]["amount_minor"].as_i64().unwrap();
    assert!(total > 0);
    assert_eq!(wallet(&world.ferry, &store.seller_account_id).await, total);

    let row: (String, String, Option<String>, String) = sqlx::query_as(
        "SELECT state, receiving_account_id, end_to_end_id, debtor_name FROM payouts",
    )
    .fetch_one(world.ferry.db.reader())
    .await
    .unwrap();
    assert_eq!(row.0, "credited");
    assert_eq!(row.1, store.receiving_account_id);
    assert_eq!(
        row.2.unwrap(),
        settlement["settlement_id"].as_i64().unwrap().to_string()
    );
    assert_eq!(row.3, AMAZON_US);
    let mails = world.ferry.settled_mails_to(&store.seller_email).await;
    assert!(
        mails.iter().any(|mail| mail
            .text
            .contains(&format!("{}", Money::from_minor(total, Currency::USD)))),
        "{mails:?}"
    );
    // The wallet pages find the payout by the receiving account.
    let reference: String =
        sqlx::query_scalar("SELECT reference FROM ledger_transfers WHERE id LIKE 'payout:%'")
            .fetch_one(world.ferry.db.reader())
            .await
            .unwrap();
    assert_eq!(reference, store.receiving_account_id);
    assert_ledger_sound(&world.ferry).await;
}

#[tokio::test]
async fn a_notification_sent_three_times_at_once_credits_once() {
    let world = world().await;
    let store = bound_store(&world, "thrice").await;
    let body = camt054(&Credit {
        account_number: &store.account_number,
        amount_minor: 123_456,
        debtor: "AMAZON.COM SERVICES, LLC",
        uetr: new_uetr(),
        end_to_end_id: "900001",
    });
    let app = &world.ferry;
    let (first, second, third) =
        tokio::join!(notify(app, &body), notify(app, &body), notify(app, &body));
    let outcomes: Vec<&str> = [&first, &second, &third]
        .iter()
        .map(|ack| ack["transactions"][0]["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes.iter().filter(|o| **o == "credited").count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(
        outcomes.iter().filter(|o| **o == "duplicate").count(),
        2,
        "{outcomes:?}"
    );
    assert_eq!(wallet(app, &store.seller_account_id).await, 123_456);
    assert_eq!(balance(app, bank_id(Currency::USD)).await, -123_456);
    assert_eq!(payouts_count(app).await, 1);

    // Later redeliveries change nothing either.
    let again = notify(app, &body).await;
    assert_eq!(again["transactions"][0]["outcome"], "duplicate");
    assert_eq!(again["transactions"][0]["state"], "credited");
    assert_eq!(wallet(app, &store.seller_account_id).await, 123_456);
    let mails = app.settled_mails_to(&store.seller_email).await;
    assert_eq!(
        mails
            .iter()
            .filter(|mail| mail.text.contains("1,234.56"))
            .count(),
        1,
        "one e-mail for one payout"
    );
    let events = app
        .count("SELECT COUNT(*) FROM webhook_events WHERE event_type = 'payout.received'")
        .await;
    assert_eq!(events, 1, "one webhook event for one payout");
    assert_ledger_sound(app).await;
}

#[tokio::test]
async fn unsigned_badly_signed_and_unreadable_notifications_change_nothing() {
    let world = world().await;
    let app = &world.ferry;
    let body = camt054(&Credit {
        account_number: "000123456789",
        amount_minor: 5_000,
        debtor: AMAZON_US,
        uetr: new_uetr(),
        end_to_end_id: "900002",
    });
    let refusals = [
        (None, "signature_missing"),
        (
            Some(sign("someone else's secret", unix_s(), body.as_bytes())),
            "signature_invalid",
        ),
        (
            Some(sign(SIGNING_SECRET, unix_s() - 301, body.as_bytes())),
            "signature_invalid",
        ),
        (
            Some(sign(
                SIGNING_SECRET,
                unix_s(),
                body.replace("50.00", "5000.00").as_bytes(),
            )),
            "signature_invalid",
        ),
    ];
    for (signature, code) in refusals {
        let response = notify_at(&app.address, &body, signature).await;
        assert_eq!(response.status(), 401);
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], code, "{error}");
    }
    let garbage = "<Document><not-camt/></Document>";
    let response = notify_at(
        &app.address,
        garbage,
        Some(sign(SIGNING_SECRET, unix_s(), garbage.as_bytes())),
    )
    .await;
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert_eq!(
        error["error"]["code"], "camt054_unsupported_message",
        "{error}"
    );

    assert_eq!(payouts_count(app).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM ledger_transfers").await, 0);
}

#[tokio::test]
async fn unattributable_payouts_wait_in_suspense_until_released_or_returned() {
    let world = world().await;
    let store = bound_store(&world, "holds").await;
    let app = &world.ferry;
    // A USD account of the same seller with no store.
    let unbound = open_account(&world, &store.client, &json!({ "currency": "USD" })).await;
    assert_eq!(unbound.status(), 201);
    let unbound_number = field(&unbound.json().await.unwrap(), "account_number");
    let euro = open_account(&world, &store.client, &json!({ "currency": "EUR" })).await;
    assert_eq!(euro.status(), 201);
    let euro_iban = field(&euro.json().await.unwrap(), "iban");

    let credits = [
        (
            "stranger",
            &store.account_number,
            "Example Trading Co",
            10_000,
        ),
        ("unbound", &unbound_number, AMAZON_US, 20_000),
        ("nobody", &"999999999999".to_string(), AMAZON_US, 40_000),
        ("euro", &euro_iban, "Amazon Payments Europe S.C.A.", 80_000),
    ];
    let mut ids = std::collections::HashMap::new();
    for (name, account_number, debtor, amount_minor) in credits {
        let ack = notify(
            app,
            &camt054(&Credit {
                account_number,
                amount_minor,
                debtor,
                uetr: new_uetr(),
                end_to_end_id: name,
            }),
        )
        .await;
        assert_eq!(ack["transactions"][0]["outcome"], "held", "{ack}");
        ids.insert(
            name,
            (
                ack["transactions"][0]["payout_id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                ack["transactions"][0]["reason"].clone(),
            ),
        );
    }
    assert_eq!(ids["stranger"].1, "unknown_debtor");
    assert_eq!(ids["unbound"].1, "store_not_bound");
    assert_eq!(ids["nobody"].1, "unknown_account");
    assert_eq!(
        ids["euro"].1, "store_not_bound",
        "matched to the euro account by its IBAN"
    );
    assert_eq!(balance(app, suspense_id(Currency::EUR)).await, 80_000);
    assert_eq!(balance(app, suspense_id(Currency::USD)).await, 70_000);
    assert_eq!(wallet(app, &store.seller_account_id).await, 0);
    let held_mails = app.settled_mails_to(&store.seller_email).await;
    assert!(
        held_mails.iter().any(|mail| mail.text.contains("100.00")),
        "the seller hears of the hold on their account: {held_mails:?}"
    );

    let (ops, _) = operator(app, "compliance@ferry.example").await;
    let queue: Value = ops
        .get(app.url("/api/v1/ops/payouts?state=held"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(queue["payouts"].as_array().unwrap().len(), 4, "{queue}");

    let stranger = &ids["stranger"].0;
    let wrong_seller = ops_post(
        &ops,
        app,
        &format!("/api/v1/ops/payouts/{stranger}/release"),
        &json!({ "receiving_account_id": store.receiving_account_id, "seller_account_id": "acc_nobody" }),
    )
    .await;
    assert_eq!(wrong_seller.status(), 422);
    let released = ops_post(
        &ops,
        app,
        &format!("/api/v1/ops/payouts/{stranger}/release"),
        &json!({ "receiving_account_id": store.receiving_account_id, "seller_account_id": store.seller_account_id }),
    )
    .await;
    assert_eq!(released.status(), 200, "{}", released.text().await.unwrap());
    let twice = ops_post(
        &ops,
        app,
        &format!("/api/v1/ops/payouts/{stranger}/return"),
        &json!({}),
    )
    .await;
    assert_eq!(twice.status(), 409, "decided once");
    let nobody = &ids["nobody"].0;
    let returned = ops_post(
        &ops,
        app,
        &format!("/api/v1/ops/payouts/{nobody}/return"),
        &json!({}),
    )
    .await;
    assert_eq!(returned.status(), 200, "{}", returned.text().await.unwrap());

    assert_eq!(wallet(app, &store.seller_account_id).await, 10_000);
    assert_eq!(balance(app, suspense_id(Currency::USD)).await, 20_000);
    assert_eq!(balance(app, bank_id(Currency::USD)).await, -30_000);
    let audited = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE event IN ('payout.released', 'payout.returned')",
        )
        .await;
    assert_eq!(audited, 2);
    let seller_events: Vec<String> = sqlx::query_scalar(
        "SELECT event_type FROM webhook_events WHERE account_id = $1 \
         AND event_type LIKE 'payout.%' ORDER BY created_at_ms, event_type",
    )
    .bind(&store.seller_account_id)
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert_eq!(
        seller_events,
        [
            "payout.held",
            "payout.held",
            "payout.held",
            "payout.released"
        ],
        "the seller's three holds and the release; the unknown account's payout has nobody to tell"
    );
    let page = ops
        .get(app.url("/ops/payouts?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&ids["unbound"].0), "{page}");
    assert!(
        !page.contains(stranger.as_str()),
        "released payouts leave the queue"
    );

    // The page's return button, with its CSRF token.
    let euro = &ids["euro"].0;
    let csrf = page
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let forged = ops
        .post(app.url(&format!("/ops/payouts/{euro}/decision")))
        .form(&[("csrf", "forged"), ("action", "return")])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 403);
    let returned = ops
        .post(app.url(&format!("/ops/payouts/{euro}/decision")))
        .form(&[("csrf", csrf.as_str()), ("action", "return")])
        .send()
        .await
        .unwrap();
    assert_eq!(returned.status(), 303);
    assert_eq!(balance(app, suspense_id(Currency::EUR)).await, 0);
    assert_eq!(balance(app, bank_id(Currency::EUR)).await, 0);
    assert_ledger_sound(app).await;
}

#[tokio::test]
async fn two_processes_on_one_postgres_database_apply_each_payout_once() {
    let world = world().await;
    if world.ferry.db.backend() != Backend::Postgres {
        eprintln!(
            "skipped: two processes share a database only on PostgreSQL (set FERRY_TEST_POSTGRES_URL)"
        );
        return;
    }
    let store = bound_store(&world, "twins").await;
    let first = &world.ferry;
    // A second provider process on the same database, as behind a load
    // balancer: its migrations are already applied.
    let mut settings = first.settings.clone();
    settings.listen = "127.0.0.1:0".into();
    let second = ferry_platform::testing::spawn(
        ferry_provider::build(&settings)
            .await
            .expect("the second process starts"),
    );

    let bodies: Vec<(String, i64)> = (0..12)
        .map(|n| {
            let amount_minor = 1_000 + n;
            let body = camt054(&Credit {
                account_number: &store.account_number,
                amount_minor,
                debtor: AMAZON_US,
                uetr: new_uetr(),
                end_to_end_id: &format!("7000{n}"),
            });
            (body, amount_minor)
        })
        .collect();
    let mut sends = Vec::new();
    for (body, _) in &bodies {
        // Each payout twice to each process, all at once.
        for base in [&first.address, &second, &first.address, &second] {
            let base = base.clone();
            let body = body.clone();
            sends.push(tokio::spawn(async move {
                let signature = sign(SIGNING_SECRET, unix_s(), body.as_bytes());
                let response = notify_at(&base, &body, Some(signature)).await;
                assert_eq!(response.status(), 200);
                let ack: Value = response.json().await.unwrap();
                ack["transactions"][0]["outcome"]
                    .as_str()
                    .unwrap()
                    .to_string()
            }));
        }
    }
    let mut credited = 0;
    for send in sends {
        match send.await.unwrap().as_str() {
            "credited" => credited += 1,
            "duplicate" => {}
            other => panic!("unexpected outcome {other}"),
        }
    }
    assert_eq!(credited, bodies.len(), "each payout credited once");
    let expected: i64 = bodies.iter().map(|(_, amount)| amount).sum();
    assert_eq!(wallet(first, &store.seller_account_id).await, expected);
    assert_eq!(balance(first, bank_id(Currency::USD)).await, -expected);
    assert_eq!(payouts_count(first).await, bodies.len() as i64);
    assert_ledger_sound(first).await;
}

/// A payout row committed just before a crash, its ledger transfer never
/// applied (what a crash between the two writes leaves behind).
async fn crashed_payout(app: &TestApp, store: &BoundStore, uetr: &str, amount_minor: i64) {
    sqlx::query(
        "INSERT INTO payouts (id, dedupe_key, source, currency, amount_minor, creditor_account, \
         receiving_account_id, seller_account_id, debtor_name, end_to_end_id, bank_reference, uetr, \
         remittance, state, received_at_ms) \
         VALUES ($1, $2, 'sandbox', 'USD', $3, $4, $5, $6, $7, NULL, NULL, $8, '', 'credited', 0)",
    )
    .bind(format!("pay_crashed_{amount_minor}"))
    .bind(format!("uetr:{uetr}"))
    .bind(amount_minor)
    .bind(&store.account_number)
    .bind(&store.receiving_account_id)
    .bind(&store.seller_account_id)
    .bind(AMAZON_US)
    .bind(uetr)
    .execute(app.db.writer())
    .await
    .unwrap();
}

#[tokio::test]
async fn a_payout_recorded_before_a_crash_reaches_the_ledger_on_redelivery_or_sweep() {
    let world = world().await;
    let store = bound_store(&world, "crash").await;
    let app = &world.ferry;

    let redelivered = new_uetr();
    crashed_payout(app, &store, &redelivered, 7_700).await;
    assert_eq!(wallet(app, &store.seller_account_id).await, 0);
    let ack = notify(
        app,
        &camt054(&Credit {
            account_number: &store.account_number,
            amount_minor: 7_700,
            debtor: AMAZON_US,
            uetr: redelivered,
            end_to_end_id: "800001",
        }),
    )
    .await;
    assert_eq!(ack["transactions"][0]["outcome"], "duplicate", "{ack}");
    assert_eq!(wallet(app, &store.seller_account_id).await, 7_700);

    // Never sent again: the sweep a starting process runs completes it.
    crashed_payout(app, &store, &new_uetr(), 3_300).await;
    let ledger = ferry_ledger::LedgerWriter::start(app.db.clone());
    let now_ms = time::OffsetDateTime::now_utc().unix_timestamp() * 1000;
    let synced = ferry_provider::payouts::store::sweep(&app.db, &ledger, now_ms)
        .await
        .unwrap();
    assert_eq!(synced, 1);
    assert_eq!(wallet(app, &store.seller_account_id).await, 11_000);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM payouts WHERE ledger_synced_at_ms IS NULL")
            .await,
        0
    );
    assert_ledger_sound(app).await;
}
