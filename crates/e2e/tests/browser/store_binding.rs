//! Issue 7 as a new seller meets it, in one browser: a store already sells
//! on amazon.com; the seller registers at Ferry in Chinese, passes company
//! verification, opens a USD receiving account for that store, copies its
//! details into the sandbox's Seller Central as the deposit method,
//! authorizes Ferry there and comes back to a bound store; the change
//! planner's dates agree with the sandbox's own schedule and hold.

use crate::harness::{Browser, Marketplace, Provider, Seller, free_port};
use crate::verification::{Submission, approve_as_operator, submit_verification};
use ferry_platform::Secret;
use ferry_provider::connector::{ConnectorSettings, sandbox};
use ferry_provider::payouts::PartnerBank;
use ferry_provider::receiving::RegisteredMarketplace;
use serde_json::Value;
use std::collections::HashSet;
use std::time::Duration;
use thirtyfour::prelude::*;

pub const US: &str = "ATVPDKIKX0DER";
const LEGAL_NAME_EN: &str = "Shenzhen Example Trading Co., Ltd.";
pub const LEGAL_NAME_ZH: &str = "深圳市示例贸易有限公司";
const SELLER_CENTRAL_EMAIL: &str = "owner@shenzhen-example.com";
const SELLER_CENTRAL_PASSWORD: &str = "seller central password 1";
const FERRY_PASSWORD: &str = "东风 river lantern 2026 plum";
const SIGNING_SECRET: &str = "whsec_sandbox_to_ferry_e2e";
pub const DAY_MS: i64 = 86_400_000;

/// Hands out TOTP codes no earlier call returned: each service accepts a
/// 30-second step once, and the previous, current and next are valid.
#[derive(Default)]
pub struct Codes {
    used: HashSet<(String, u64)>,
}

impl Codes {
    pub async fn fresh(&mut self, secret: &str) -> String {
        loop {
            let now_s = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let origin = now_s / 30;
            let previous_is_safe = now_s % 30 < 25;
            for step in [origin - 1, origin, origin + 1] {
                if step + 1 == origin && !previous_is_safe {
                    continue;
                }
                if self.used.insert((secret.to_string(), step)) {
                    return code_at(secret, step);
                }
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }
}

fn code_at(secret: &str, step: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(secret.replace(' ', "")).unwrap();
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .unwrap()
        .generate(step * 30)
        .to_string()
}

fn day(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap()
        .date()
        .to_string()
}

/// The sandbox with Ferry's app and partner banks registered, and Ferry
/// listening where the app's redirect URI points, as `ferry up` links them.
async fn linked_services() -> (Marketplace, Provider) {
    let marketplace = Marketplace::start().await;
    let http = reqwest::Client::new();
    let port = free_port();
    let redirect_uri = format!(
        "http://127.0.0.1:{port}{}",
        ferry_provider::stores::CALLBACK_PATH
    );
    let app = sandbox::register_app(&http, &marketplace.url, &redirect_uri)
        .await
        .expect("Ferry's app at the sandbox");
    let connector = sandbox::connector_settings(
        &marketplace.url,
        &app,
        &redirect_uri,
        ConnectorSettings::default(),
    );
    let provider = Provider::start_with(|settings| {
        settings.listen = format!("127.0.0.1:{port}");
        settings.connector = connector;
        settings.receiving.marketplaces = vec![RegisteredMarketplace {
            name: "sandbox".into(),
            signing_secret: Secret::new(SIGNING_SECRET.into()),
        }];
        // The sandbox's payout rail signs with the same bank entry secret.
        settings.receiving.partner_banks = vec![PartnerBank {
            name: "sandbox".into(),
            signing_secret: Secret::new(SIGNING_SECRET.into()),
        }];
    })
    .await;
    sandbox::register_programmes(
        &http,
        &marketplace.url,
        &provider.settings.receiving.programmes,
        &provider.url,
        &Secret::new(SIGNING_SECRET.into()),
    )
    .await
    .expect("Ferry's banks in the sandbox's directory");
    (marketplace, provider)
}

pub async fn sandbox_json(marketplace: &Marketplace, path: &str) -> Value {
    reqwest::get(format!("{}{path}", marketplace.url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Signs up at the sandbox's Seller Central with an amazon.com store and
/// signs in; returns the Merchant Token (Seller ID) and the two-step key.
async fn seller_central_store(
    marketplace: &Marketplace,
    browser: &mut Browser,
    codes: &mut Codes,
) -> (String, String) {
    browser
        .goto(&format!("{}/ap/register", marketplace.url))
        .await;
    browser.fill("legal_name", LEGAL_NAME_EN).await;
    browser.fill("country_code", "CN").await;
    browser.fill("line1", "1 Keji Road, Nanshan").await;
    browser.fill("city", "Shenzhen").await;
    browser.fill("postal_code", "518057").await;
    browser
        .driver
        .find(By::Css(format!(
            "input[name='marketplace_id'][value='{US}']"
        )))
        .await
        .expect("the amazon.com checkbox")
        .click()
        .await
        .unwrap();
    browser.fill("store_name", "Example Home").await;
    browser.fill("name", "Li Na").await;
    browser.fill("email", SELLER_CENTRAL_EMAIL).await;
    browser.fill("password", SELLER_CENTRAL_PASSWORD).await;
    browser.shot("seller-central-sign-up").await;
    browser.submit_form_with("legal_name").await;
    browser.shot("seller-central-two-step").await;
    let seller_id = text_of(browser, "strong.merchant-token").await;
    let secret = text_of(browser, "code.totp-secret").await;

    browser.goto(&format!("{}/signin", marketplace.url)).await;
    browser.fill("email", SELLER_CENTRAL_EMAIL).await;
    browser.fill("password", SELLER_CENTRAL_PASSWORD).await;
    browser.submit_form_with("password").await;
    browser.fill("code", &codes.fresh(&secret).await).await;
    browser.submit_form_with("code").await;
    assert!(browser.text().await.contains(LEGAL_NAME_EN));
    browser.shot("seller-central-home").await;
    (seller_id, secret)
}

/// Turns on two-factor at Ferry (binding a store needs it); returns the
/// authenticator key.
async fn ferry_two_factor(provider: &Provider, browser: &mut Browser, codes: &mut Codes) -> String {
    browser
        .goto(&format!("{}/security?lang=zh-CN", provider.url))
        .await;
    let form = "//form[contains(@action, '/security/two-factor')]";
    browser
        .driver
        .find(By::XPath(format!("{form}//input[@name='password']")))
        .await
        .expect("the form that starts two-factor setup")
        .send_keys(FERRY_PASSWORD)
        .await
        .unwrap();
    let start = browser
        .driver
        .find(By::XPath(format!("{form}//button")))
        .await
        .unwrap();
    browser.click_and_wait(&start).await;
    let secret = browser
        .driver
        .find(By::Tag("code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    browser.fill("code", &codes.fresh(&secret).await).await;
    browser.submit_form_with("code").await;
    assert!(browser.text().await.contains("恢复码"));
    browser.shot("ferry-two-factor-on").await;
    secret
}

async fn text_of(browser: &Browser, css: &str) -> String {
    browser
        .driver
        .find(By::Css(css))
        .await
        .unwrap_or_else(|_| panic!("{css}"))
        .text()
        .await
        .unwrap()
}

async fn field(browser: &Browser, key: &str) -> String {
    text_of(browser, &format!("code[data-field='{key}']")).await
}

/// Where the seller stands once the store is bound: both services, the
/// signed-in browser and what the seller knows.
pub struct BoundStore {
    pub marketplace: Marketplace,
    pub provider: Provider,
    pub browser: Browser,
    pub codes: Codes,
    /// The sandbox's Merchant Token of the store.
    pub seller_id: String,
    /// Ferry's two-factor key of the seller.
    pub ferry_totp_secret: String,
    /// When the deposit method the sandbox holds was set, the hold's end.
    pub hold_until_ms: i64,
}

#[tokio::test]
#[ignore = "needs Chromium; run by .ci/run with --ignored"]
async fn a_new_seller_binds_an_existing_amazon_com_store_to_a_usd_account() {
    // The rest of the journey stays alive until the end of the test.
    let bound = bind_a_store("store_binding").await;
    let (marketplace, seller_id) = (&bound.marketplace, &bound.seller_id);
    let mut browser = bound.browser;

    // The planner's dates are the sandbox's.
    browser.follow("更换存款方式的时间规划").await;
    let plan = browser.text().await;
    browser.shot("change-plan").await;
    let settlements = sandbox_json(
        marketplace,
        &format!("/sandbox/v1/sellers/{seller_id}/marketplaces/{US}/settlements"),
    )
    .await;
    let open = &settlements["settlements"][0];
    assert_eq!(open["status"], "open", "{settlements}");
    let payout_ms = open["end_at_ms"].as_i64().unwrap() + 2 * DAY_MS;
    let safe_until_ms = payout_ms - 3 * DAY_MS;
    assert!(
        browser
            .driver
            .find(By::Css("[data-window='open']"))
            .await
            .is_ok(),
        "{plan}"
    );
    assert!(
        plan.contains(&format!("下次付款 {}", day(payout_ms))),
        "{plan}"
    );
    assert!(
        plan.contains(&format!("安全窗口至 {}", day(safe_until_ms))),
        "{plan}"
    );
    assert!(
        plan.contains(&format!("在 {} 之前更换存款方式", day(safe_until_ms))),
        "{plan}"
    );
    // The hold the sandbox started when the deposit method was set ends
    // before that payout, as the planner says of a change inside the window.
    let hold_until_ms = bound.hold_until_ms;
    assert!(hold_until_ms <= payout_ms, "{hold_until_ms} {payout_ms}");

    browser.close().await;
}

/// Everything up to the bound store, in Chinese at Ferry: the sandbox
/// store, registration, verification, two-factor, the USD account, the
/// deposit method in Seller Central and the authorization.
pub async fn bind_a_store(test_name: &str) -> BoundStore {
    let (marketplace, provider) = linked_services().await;
    let mut browser = Browser::start(test_name).await;
    let mut codes = Codes::default();
    let (seller_id, seller_central_secret) =
        seller_central_store(&marketplace, &mut browser, &mut codes).await;

    let seller = Seller {
        email: "finance@shenzhen-example.com",
        password: FERRY_PASSWORD,
        kind: "company",
        display_name: LEGAL_NAME_ZH,
    };
    provider.register_and_sign_in(&mut browser, &seller).await;
    let submission = Submission {
        fields: &[
            ("registered_name_zh", LEGAL_NAME_ZH),
            ("english_name", LEGAL_NAME_EN),
            ("uscc", "91310115MA1K3BTP2B"),
            ("legal_rep_name", "李娜"),
            ("legal_rep_resident_id", "110102199101010078"),
        ],
        document_slots: &[
            "business_licence",
            "legal_rep_id_card_front",
            "legal_rep_id_card_back",
        ],
        verified_name: LEGAL_NAME_ZH,
    };
    submit_verification(&provider, &mut browser, &submission).await;
    approve_as_operator(&provider, &mut browser, LEGAL_NAME_ZH, "zh-CN").await;
    let ferry_totp_secret = ferry_two_factor(&provider, &mut browser, &mut codes).await;

    // A USD account for the amazon.com store.
    browser
        .goto(&format!("{}/receiving-accounts?lang=zh-CN", provider.url))
        .await;
    browser.select("currency", "USD").await;
    browser.select("marketplace_id", US).await;
    browser.fill("seller_id", &seller_id).await;
    browser.shot("open-usd-account").await;
    browser.submit_form_with("seller_id").await;
    let account_path = browser.path().await;
    assert!(
        account_path.starts_with("/receiving-accounts/"),
        "{account_path}: {}",
        browser.text().await
    );
    browser.shot("usd-account").await;
    let holder = field(&browser, "account_holder_name").await;
    let routing = field(&browser, "routing_number").await;
    let account_number = field(&browser, "account_number").await;

    // Copied into Seller Central's deposit method page.
    browser
        .goto(&format!(
            "{}/sw/AccountInfo/DepositMethodView/step/Assign?marketplace_id={US}&bank_location=US",
            marketplace.url
        ))
        .await;
    browser.fill("holder_name", &holder).await;
    browser.fill("routing_number", &routing).await;
    browser.fill("account_number", &account_number).await;
    browser
        .fill("otp", &codes.fresh(&seller_central_secret).await)
        .await;
    browser.shot("seller-central-deposit-method").await;
    browser.submit_form_with("otp").await;
    browser.shot("seller-central-deposit-method-set").await;
    let status = sandbox_json(
        &marketplace,
        &format!("/sandbox/v1/sellers/{seller_id}/marketplaces/{US}/disbursement-status"),
    )
    .await;
    assert!(
        status["deposit_method_id"].is_string(),
        "{status}: {}",
        browser.text().await
    );
    let hold_until_ms = status["hold_until_ms"].as_i64().unwrap();

    // Authorize at Ferry, consent at the sandbox, back to a bound store.
    browser
        .goto(&format!("{}{account_path}?lang=zh-CN", provider.url))
        .await;
    let authorize = browser
        .driver
        .find(By::XPath("//form[contains(@action, '/authorize')]//button"))
        .await
        .expect("the Authorize button");
    browser.click_and_wait(&authorize).await;
    assert_eq!(browser.path().await, "/apps/authorize/consent");
    browser.shot("sandbox-consent").await;
    let confirm = browser
        .driver
        .find(By::XPath("//button[normalize-space()='Confirm']"))
        .await
        .expect("the Confirm button");
    browser.click_and_wait(&confirm).await;
    assert_eq!(browser.path().await, account_path);
    let state = browser
        .driver
        .find(By::Css("strong[data-state]"))
        .await
        .expect("the binding state");
    state.scroll_into_view().await.unwrap();
    browser.shot("bound").await;
    assert_eq!(
        state.attr("data-state").await.unwrap().as_deref(),
        Some("bound"),
        "{}",
        browser.text().await
    );
    assert!(browser.text().await.contains("已绑定"));
    BoundStore {
        marketplace,
        provider,
        browser,
        codes,
        seller_id,
        ferry_totp_secret,
        hold_until_ms,
    }
}
