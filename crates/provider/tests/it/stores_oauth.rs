//! Binding a store today's way: Authorize → the sandbox's consent page →
//! Ferry's callback → code exchange; then the checks over SP-API, and the
//! mismatch, revoked and rate-limited outcomes.

use crate::helpers::{PASSWORD, error_of, new_client};
use crate::receiving_support::{
    LEGAL_NAME_EN, REDIRECT_URI, SandboxSeller, US, World, ferry_seller, ferry_seller_with_secret,
    field, fresh_code, open_account, sandbox_post, sandbox_seller, world, world_with,
};
use serde_json::{Value, json};

async fn us_account(world: &World, client: &reqwest::Client, store: &SandboxSeller) -> Value {
    let response = open_account(
        world,
        client,
        &json!({ "currency": "USD", "marketplace_id": US, "seller_id": store.seller_id }),
    )
    .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

/// Clicks Authorize at Ferry and Confirm at the sandbox; returns the query
/// the sandbox sends the browser back to Ferry with.
async fn consent(
    world: &World,
    client: &reqwest::Client,
    store: &SandboxSeller,
    account_id: &str,
) -> String {
    let started: Value = client
        .post(world.ferry.url(&format!(
            "/api/v1/receiving-accounts/{account_id}/oauth-authorizations"
        )))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let consent_url = reqwest::Url::parse(started["consent_url"].as_str().unwrap()).unwrap();
    assert!(
        consent_url
            .as_str()
            .starts_with(&world.sandbox.url("/apps/authorize/consent"))
    );
    let page = store.browser.get(consent_url.clone()).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Ferry Collections"));
    let mut form: Vec<(String, String)> = consent_url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    form.push(("redirect_uri".into(), REDIRECT_URI.into()));
    let confirmed = store
        .browser
        .post(world.sandbox.url("/apps/authorize/consent"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 303);
    let location = confirmed.headers()["location"]
        .to_str()
        .unwrap()
        .to_string();
    let (target, query) = location.split_once('?').unwrap();
    assert_eq!(target, REDIRECT_URI);
    query.to_string()
}

async fn callback(world: &World, client: &reqwest::Client, query: &str) -> reqwest::Response {
    client
        .get(
            world
                .ferry
                .url(&format!("/stores/oauth/callback?{query}&lang=en")),
        )
        .send()
        .await
        .unwrap()
}

pub async fn account_json(world: &World, client: &reqwest::Client, id: &str) -> Value {
    client
        .get(world.ferry.url(&format!("/api/v1/receiving-accounts/{id}")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn check(world: &World, client: &reqwest::Client, id: &str) -> reqwest::Response {
    client
        .post(
            world
                .ferry
                .url(&format!("/api/v1/receiving-accounts/{id}/binding-checks")),
        )
        .send()
        .await
        .unwrap()
}

/// Opens a USD account for a fresh sandbox store and authorizes Ferry.
pub async fn authorized(
    world: &World,
    email: &str,
    legal_name: &str,
) -> (reqwest::Client, SandboxSeller, String) {
    let client = ferry_seller(world, &format!("{email}@example.cn")).await;
    let store = sandbox_seller(world, email, legal_name).await;
    let account = us_account(world, &client, &store).await;
    let id = account["id"].as_str().unwrap().to_string();
    let query = consent(world, &client, &store, &id).await;
    let back = callback(world, &client, &query).await;
    assert_eq!(back.status(), 303);
    assert_eq!(
        back.headers()["location"].to_str().unwrap(),
        format!("/receiving-accounts/{id}")
    );
    (client, store, id)
}

#[tokio::test]
async fn authorize_then_set_the_deposit_method_then_the_store_is_bound() {
    let world = world().await;
    let (client, store, id) = authorized(&world, "li", LEGAL_NAME_EN).await;
    let account = account_json(&world, &client, &id).await;
    assert_eq!(account["binding"]["method"], "oauth");
    assert_eq!(account["binding"]["state"], "waiting_for_deposit_method");
    assert_eq!(
        account["binding"]["findings"]["business_name_matches"],
        true
    );
    assert_eq!(account["binding"]["findings"]["participating"], true);

    let sealed: Vec<u8> = sqlx::query_scalar("SELECT refresh_token_sealed FROM store_bindings")
        .fetch_one(world.ferry.db.reader())
        .await
        .unwrap();
    assert!(sealed.len() > 28);
    assert!(
        !sealed.windows(5).any(|w| w == b"Atzr|"),
        "the refresh token is stored encrypted"
    );

    store
        .set_us_deposit_method(
            &world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &field(&account, "account_number"),
        )
        .await;
    let checked: Value = check(&world, &client, &id).await.json().await.unwrap();
    assert_eq!(checked["state"], "bound", "{checked}");
    assert_eq!(checked["findings"]["default_deposit_tail"], account["tail"]);
    let page = client
        .get(
            world
                .ferry
                .url(&format!("/receiving-accounts/{id}?lang=en")),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(r#"data-state="bound""#), "{page}");
}

#[tokio::test]
async fn the_callback_needs_the_state_this_session_started() {
    let world = world().await;
    let (client, secret) = ferry_seller_with_secret(&world, "wang@example.cn").await;
    let store = sandbox_seller(&world, "wang", LEGAL_NAME_EN).await;
    let account = us_account(&world, &client, &store).await;
    let id = account["id"].as_str().unwrap();
    let query = consent(&world, &client, &store, id).await;

    let stranger = new_client();
    assert_eq!(callback(&world, &stranger, &query).await.status(), 401);

    let other_session = new_client();
    let challenge: Value = world
        .ferry
        .sign_in(&other_session, "wang@example.cn", PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let second = other_session
        .post(world.ferry.url("/api/v1/sessions/two-factor"))
        .json(&json!({ "challenge": challenge["challenge"], "code": fresh_code(&secret) }))
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 200);
    let refused = callback(&world, &other_session, &query).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("not started in this browser")
    );

    let forged = query.replace("state=", "state=x");
    assert_eq!(callback(&world, &client, &forged).await.status(), 422);
    assert_eq!(callback(&world, &client, &query).await.status(), 303);
    assert_eq!(
        callback(&world, &client, &query).await.status(),
        422,
        "a state works once"
    );
}

#[tokio::test]
async fn a_business_name_that_is_not_the_verified_name_goes_to_compliance_review() {
    let world = world().await;
    let (client, _store, id) =
        authorized(&world, "chen", "Guangzhou Other Trading Co., Ltd.").await;
    let binding = &account_json(&world, &client, &id).await["binding"];
    assert_eq!(binding["state"], "mismatch");
    assert_eq!(binding["findings"]["compliance_review"], true);
    assert!(
        binding["findings"]["problems"]
            .as_array()
            .unwrap()
            .contains(&json!("business_name_mismatch"))
    );
}

async fn binding_page(world: &World, client: &reqwest::Client, id: &str, lang: &str) -> String {
    client
        .get(
            world
                .ferry
                .url(&format!("/receiving-accounts/{id}?lang={lang}")),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_store_with_suspended_listings_is_not_bound_until_they_are_reinstated() {
    let world = world().await;
    let (client, store, id) = authorized(&world, "zhou", LEGAL_NAME_EN).await;
    let account = account_json(&world, &client, &id).await;
    store
        .set_us_deposit_method(
            &world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &field(&account, "account_number"),
        )
        .await;
    let checked: Value = check(&world, &client, &id).await.json().await.unwrap();
    assert_eq!(checked["state"], "bound", "{checked}");

    let suspension = format!(
        "/sandbox/v1/sellers/{}/marketplaces/{US}/listings-suspension",
        store.seller_id
    );
    sandbox_post(&world.sandbox, &suspension, &json!({ "suspended": true })).await;
    let checked: Value = check(&world, &client, &id).await.json().await.unwrap();
    assert_eq!(checked["state"], "mismatch", "{checked}");
    assert_eq!(checked["findings"]["suspended_listings"], true);
    assert_eq!(
        checked["findings"]["problems"],
        json!(["suspended_listings"]),
        "nothing else disagrees"
    );
    let page = binding_page(&world, &client, &id, "en").await;
    assert!(page.contains(r#"data-state="mismatch""#), "{page}");
    assert!(page.contains("Not bound"), "{page}");
    assert!(
        page.contains("Amazon has suspended this store's listings"),
        "{page}"
    );
    let page = binding_page(&world, &client, &id, "zh-CN").await;
    assert!(page.contains("亚马逊暂停了该店铺在此站点的商品"), "{page}");

    sandbox_post(&world.sandbox, &suspension, &json!({ "suspended": false })).await;
    let checked: Value = check(&world, &client, &id).await.json().await.unwrap();
    assert_eq!(checked["state"], "bound", "{checked}");
    let page = binding_page(&world, &client, &id, "en").await;
    assert!(page.contains(r#"data-state="bound""#), "{page}");
    assert!(
        !page.contains(r#"data-problem="suspended_listings""#),
        "{page}"
    );
}

async fn inject_sp_api_faults(world: &World, count: u32) {
    sandbox_post(
        &world.sandbox,
        "/sandbox/v1/faults/sp-api",
        &json!({ "status": 503, "count": count }),
    )
    .await;
}

async fn sp_api_faults_left(world: &World) -> Value {
    reqwest::get(world.sandbox.url("/sandbox/v1/faults/sp-api"))
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["remaining"]
        .clone()
}

#[tokio::test]
async fn a_503_is_retried_and_a_lasting_one_tells_the_seller_to_try_later() {
    let world = world().await;
    let attempts = world.ferry.settings.connector.max_attempts;
    assert_eq!(attempts, 3);
    let (client, store, id) = authorized(&world, "zhao", LEGAL_NAME_EN).await;
    let account = account_json(&world, &client, &id).await;
    store
        .set_us_deposit_method(
            &world,
            &field(&account, "account_holder_name"),
            &field(&account, "routing_number"),
            &field(&account, "account_number"),
        )
        .await;

    inject_sp_api_faults(&world, attempts - 1).await;
    let checked = check(&world, &client, &id).await;
    assert_eq!(checked.status(), 200, "the third attempt gets through");
    let checked: Value = checked.json().await.unwrap();
    assert_eq!(checked["state"], "bound", "{checked}");
    assert_eq!(sp_api_faults_left(&world).await, 0);

    inject_sp_api_faults(&world, 10).await;
    let (status, code, message) = error_of(check(&world, &client, &id).await).await;
    assert_eq!((status, code.as_str()), (503, "marketplace_unavailable"));
    assert!(message.contains("暂时无法连接亚马逊"), "{message}");
    assert_eq!(
        sp_api_faults_left(&world).await,
        10 - attempts,
        "bounded: {attempts} attempts, then the seller is told"
    );
    let account = account_json(&world, &client, &id).await;
    assert_eq!(account["binding"]["state"], "bound", "nothing changed");
    let page = client
        .post(
            world
                .ferry
                .url(&format!("/receiving-accounts/{id}/check?lang=en")),
        )
        .form(&[(
            "csrf",
            csrf_of(&binding_page(&world, &client, &id, "en").await).as_str(),
        )])
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    assert!(
        page.contains("We cannot reach Amazon right now; please try again later."),
        "{page}"
    );
}

#[tokio::test]
async fn a_revoked_authorization_is_detected() {
    let world = world().await;
    let (client, store, id) = authorized(&world, "liu", LEGAL_NAME_EN).await;
    let apps = store
        .browser
        .get(world.sandbox.url("/apps/manage"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let start = apps.find("action=\"/apps/manage/").unwrap() + "action=\"".len();
    let action = &apps[start..start + apps[start..].find('"').unwrap()];
    let revoked = store
        .browser
        .post(world.sandbox.url(action))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 303);
    let checked: Value = check(&world, &client, &id).await.json().await.unwrap();
    assert_eq!(checked["state"], "expired_or_revoked", "{checked}");
    assert_eq!(checked["findings"]["problems"], json!(["invalid_grant"]));
}

#[tokio::test]
async fn a_rate_limited_check_says_when_to_retry_and_changes_nothing() {
    let world = world().await;
    let (client, _store, id) = authorized(&world, "huang", LEGAL_NAME_EN).await;
    // getMarketplaceParticipations allows a burst of 15 at 0.016 per second.
    let mut limited = None;
    for _ in 0..20 {
        let response = check(&world, &client, &id).await;
        if response.status() == 429 {
            limited = Some(response);
            break;
        }
        assert_eq!(response.status(), 200);
    }
    let (status, code, message) = error_of(limited.expect("the quota runs out")).await;
    assert_eq!((status, code.as_str()), (429, "marketplace_rate_limited"));
    let seconds: u64 = message
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap();
    assert!(
        (30..=120).contains(&seconds),
        "one request's worth of 0.016 requests/second: {message}"
    );
    assert_eq!(
        account_json(&world, &client, &id).await["binding"]["state"],
        "waiting_for_deposit_method"
    );
}

#[tokio::test]
async fn owners_are_reminded_30_7_and_1_days_before_the_yearly_reauthorization() {
    const DAY_MS: i64 = 86_400_000;
    let world = world().await;
    let (client, _store, id) = authorized(&world, "ma", LEGAL_NAME_EN).await;
    let deadline = account_json(&world, &client, &id).await["binding"]["reauthorize_by_ms"]
        .as_i64()
        .unwrap();
    let email = "ma@example.cn";
    let before = world.ferry.settled_mails_to(email).await.len();
    let run = |at_ms: i64| {
        ferry_provider::stores::reminders::enqueue_due(&world.ferry.db, &world.ferry.address, at_ms)
    };
    assert_eq!(run(deadline - 31 * DAY_MS).await.unwrap(), 0);
    assert_eq!(run(deadline - 30 * DAY_MS).await.unwrap(), 1);
    assert_eq!(
        run(deadline - 29 * DAY_MS).await.unwrap(),
        0,
        "each reminder once"
    );
    assert_eq!(run(deadline - 7 * DAY_MS).await.unwrap(), 1);
    assert_eq!(run(deadline - DAY_MS / 2).await.unwrap(), 1);
    assert_eq!(run(deadline - DAY_MS / 4).await.unwrap(), 0);
    let mails = world.ferry.settled_mails_to(email).await;
    assert_eq!(mails.len(), before + 3);
    // Delivered together, so in no particular order.
    let reminders: Vec<_> = mails
        .iter()
        .filter(|mail| mail.subject.contains("店铺授权"))
        .collect();
    for days in ["30 天", "7 天", "1 天"] {
        assert!(
            reminders.iter().any(|mail| mail.subject.contains(days)),
            "{days}: {reminders:?}"
        );
    }
    assert!(
        reminders
            .iter()
            .all(|mail| mail.text.contains(&format!("/receiving-accounts/{id}")))
    );
}

/// Moves the binding's yearly deadline to `left_ms` from now, as if it had
/// been authorized that long before: a year cannot pass inside a test.
async fn deadline_in(world: &World, id: &str, left_ms: i64) {
    sqlx::query(
        "UPDATE store_bindings SET reauthorize_by_at_ms = $1 WHERE receiving_account_id = $2",
    )
    .bind(ferry_provider::app::now_ms() + left_ms)
    .bind(id)
    .execute(world.ferry.db.writer())
    .await
    .unwrap();
}

#[tokio::test]
async fn the_running_service_sends_each_reauthorization_reminder_once() {
    const DAY_MS: i64 = 86_400_000;
    const INTERVAL_MS: u64 = 50;
    let world = world_with(|settings| settings.connector.reminder_interval_ms = INTERVAL_MS).await;
    let (_client, _store, id) = authorized(&world, "qin", LEGAL_NAME_EN).await;
    let email = "qin@example.cn";
    let reminders = || async {
        world
            .ferry
            .settled_mails_to(email)
            .await
            .into_iter()
            .filter(|mail| mail.subject.contains("店铺授权"))
            .map(|mail| mail.subject)
            .collect::<Vec<_>>()
    };
    // Many runs of the job pass between each step.
    let several_runs = || tokio::time::sleep(std::time::Duration::from_millis(INTERVAL_MS * 6));
    several_runs().await;
    assert!(reminders().await.is_empty(), "a year ahead: no reminder");

    for (left_ms, days) in [
        (30 * DAY_MS - 60_000, "30 天"),
        (7 * DAY_MS - 60_000, "7 天"),
        (DAY_MS - 60_000, "1 天"),
    ] {
        let before = reminders().await.len();
        deadline_in(&world, &id, left_ms).await;
        let mut sent = Vec::new();
        for _ in 0..100 {
            sent = reminders().await;
            if sent.len() > before {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(INTERVAL_MS)).await;
        }
        several_runs().await;
        let sent_after_more_runs = reminders().await;
        assert_eq!(sent_after_more_runs.len(), before + 1, "{days}: {sent:?}");
        assert!(
            sent_after_more_runs
                .iter()
                .any(|subject| subject.contains(days)),
            "{days}: {sent_after_more_runs:?}"
        );
    }
}

#[tokio::test]
async fn authorizing_from_another_sellers_seller_central_is_refused() {
    let world = world().await;
    let client = ferry_seller(&world, "gao@example.cn").await;
    let store = sandbox_seller(&world, "gao", LEGAL_NAME_EN).await;
    let someone_else = sandbox_seller(&world, "gao-other", LEGAL_NAME_EN).await;
    let account = us_account(&world, &client, &store).await;
    let id = account["id"].as_str().unwrap();
    let query = consent(&world, &client, &someone_else, id).await;
    let refused = callback(&world, &client, &query).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("not the store this receiving account was opened for")
    );
    assert_eq!(
        world
            .ferry
            .count("SELECT COUNT(*) FROM store_bindings")
            .await,
        0
    );
}

/// The form token on a page.
pub fn csrf_of(page: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = page.find(marker).expect("a form") + marker.len();
    page[start..start + page[start..].find('"').unwrap()].to_string()
}

#[tokio::test]
async fn the_pages_open_an_account_and_send_the_browser_to_the_consent_page() {
    let world = world().await;
    let client = ferry_seller(&world, "lin@example.cn").await;
    let store = sandbox_seller(&world, "lin", LEGAL_NAME_EN).await;
    let list = client
        .get(world.ferry.url("/receiving-accounts?lang=en"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Open a receiving account"));
    let csrf = csrf_of(&list);
    let without_token = client
        .post(world.ferry.url("/receiving-accounts"))
        .form(&[("csrf", "forged"), ("currency", "USD")])
        .send()
        .await
        .unwrap();
    assert_eq!(without_token.status(), 403);
    let opened = client
        .post(world.ferry.url("/receiving-accounts"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("currency", "USD"),
            ("marketplace_id", US),
            ("seller_id", store.seller_id.as_str()),
            ("katakana_holder_name", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 303);
    let account_path = opened.headers()["location"].to_str().unwrap().to_string();
    let page = client
        .get(world.ferry.url(&account_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let authorize = client
        .post(world.ferry.url(&format!("{account_path}/authorize")))
        .form(&[("csrf", csrf_of(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(authorize.status(), 303);
    assert!(
        authorize.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with(&world.sandbox.url("/apps/authorize/consent?application_id="))
    );
}

#[tokio::test]
async fn without_an_app_at_the_marketplace_authorize_says_so() {
    let world = crate::receiving_support::world_with(|settings| {
        settings.connector.application_id = String::new();
    })
    .await;
    let client = ferry_seller(&world, "song@example.cn").await;
    let store = sandbox_seller(&world, "song", LEGAL_NAME_EN).await;
    let account = us_account(&world, &client, &store).await;
    let started = client
        .post(world.ferry.url(&format!(
            "/api/v1/receiving-accounts/{}/oauth-authorizations",
            account["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(started).await;
    assert_eq!((status, code.as_str()), (503, "connector_not_configured"));
}
