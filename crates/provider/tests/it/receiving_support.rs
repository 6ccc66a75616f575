//! A Ferry provider and a marketplace sandbox that know each other, as
//! `ferry up` sets them up: Ferry's app and developer ID registered at the
//! sandbox, Ferry's partner banks in the sandbox's bank directory as a
//! participating provider, and the sandbox registered at Ferry with its
//! signing secret. Both talk only HTTP.

use crate::helpers::{PASSWORD, Sandbox, TestApp, spawn_app_with, spawn_marketplace};
use crate::kyc_support::{post as kyc_post, upload_ok};
use crate::ops_support::{operator, ops_post};
use ferry_platform::Secret;
use ferry_provider::connector::{ConnectorSettings, sandbox};
use ferry_provider::payouts::PartnerBank;
use ferry_provider::receiving::RegisteredMarketplace;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Mutex;

pub const SIGNING_SECRET: &str = "whsec_sandbox_to_ferry";
/// Registered with the sandbox app; the test's browser carries the
/// consent page's redirect to Ferry's callback itself.
pub const REDIRECT_URI: &str = "https://ferry.example/stores/oauth/callback";
pub const US: &str = "ATVPDKIKX0DER";
pub const LEGAL_NAME_EN: &str = "Shenzhen Example Trading Co., Ltd.";
pub const LEGAL_NAME_ZH: &str = "深圳市示例贸易有限公司";
pub const ASSIGN: &str = "/sw/AccountInfo/DepositMethodView/step/Assign";

pub struct World {
    pub ferry: TestApp,
    pub sandbox: Sandbox,
    pub developer_id: String,
}

pub async fn sandbox_post(sandbox: &Sandbox, path: &str, body: &Value) -> Value {
    let response = reqwest::Client::new()
        .post(sandbox.url(path))
        .json(body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

pub async fn world() -> World {
    world_with(|_| {}).await
}

pub async fn world_with(adjust: impl FnOnce(&mut ferry_provider::Settings)) -> World {
    let sandbox = spawn_marketplace().await;
    let http = reqwest::Client::new();
    let app = sandbox::register_app(&http, &sandbox.address, REDIRECT_URI)
        .await
        .unwrap();
    let connector = sandbox::connector_settings(
        &sandbox.address,
        &app,
        REDIRECT_URI,
        ConnectorSettings::default(),
    );
    let ferry = spawn_app_with(|settings| {
        settings.connector = connector;
        settings.receiving.marketplaces = vec![RegisteredMarketplace {
            name: "sandbox".into(),
            signing_secret: Secret::new(SIGNING_SECRET.into()),
        }];
        // The sandbox's bank entry signs its payout rail's notifications
        // with the same secret.
        settings.receiving.partner_banks = vec![PartnerBank {
            name: "sandbox".into(),
            signing_secret: Secret::new(SIGNING_SECRET.into()),
        }];
        adjust(settings);
    })
    .await;
    sandbox::register_programmes(
        &http,
        &sandbox.address,
        &ferry.settings.receiving.programmes,
        &ferry.address,
        &Secret::new(SIGNING_SECRET.into()),
    )
    .await
    .unwrap();
    World {
        ferry,
        sandbox,
        developer_id: app.developer_id,
    }
}

/// Real-name verification through the KYC API and an operator's approval
/// in the ops API: a company whose English name is [`LEGAL_NAME_EN`].
pub async fn approve_kyc(app: &TestApp, client: &reqwest::Client) {
    let mut documents = Vec::new();
    for seed in 40..44 {
        documents.push(upload_ok(app, client, seed).await);
    }
    let form = json!({
        "registered_name_zh": LEGAL_NAME_ZH,
        "english_name": LEGAL_NAME_EN,
        "org_code": "60003734-1",
        "licence_number": "440301012345678",
        "org_code_certificate": documents[0],
        "business_licence": documents[1],
        "legal_rep_name": "李娜",
        "legal_rep_resident_id": "110102199101010078",
        "legal_rep_id_card_front": documents[2],
        "legal_rep_id_card_back": documents[3],
        "beneficial_owners": [{ "name": "王芳", "resident_id": "412723199010050012", "share_percent": 60 }],
    });
    let saved = kyc_post(client, app, "/api/v1/kyc/case", &form).await;
    assert_eq!(saved.status(), 200, "{}", saved.text().await.unwrap());
    let submitted: Value = kyc_post(client, app, "/api/v1/kyc/case/submission", &json!({}))
        .await
        .json()
        .await
        .unwrap();
    let case_id = submitted["id"].as_str().unwrap();
    let (ops, _) = operator(app, "reviewer@ferry.example").await;
    for step in ["claim", "approval"] {
        let done = ops_post(
            &ops,
            app,
            &format!("/api/v1/ops/cases/{case_id}/{step}"),
            &json!({}),
        )
        .await;
        assert_eq!(done.status(), 200, "{step}: {}", done.text().await.unwrap());
    }
}

pub fn totp(secret: &str, step: u64) -> String {
    totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).unwrap())
        .with_account_name("test")
        .build()
        .unwrap()
        .generate(step * 30)
        .to_string()
}

/// A code no earlier call returned for `secret` (both services accept each
/// 30-second step once; the previous, current and next steps are valid).
pub fn fresh_code(secret: &str) -> String {
    static USED: Mutex<Option<HashSet<(String, u64)>>> = Mutex::new(None);
    loop {
        let now_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let origin = now_s / 30;
        {
            let mut used = USED.lock().unwrap();
            let used = used.get_or_insert_with(HashSet::new);
            let previous_is_safe = now_s % 30 < 25;
            for step in [origin - 1, origin, origin + 1] {
                if step + 1 == origin && !previous_is_safe {
                    continue;
                }
                if used.insert((secret.to_string(), step)) {
                    return totp(secret, step);
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}

/// Registers, activates, signs in with two-factor enabled (binding a store
/// needs it) and approves KYC; returns the signed-in client.
pub async fn ferry_seller(world: &World, email: &str) -> reqwest::Client {
    ferry_seller_with_secret(world, email).await.0
}

/// [`ferry_seller`], with the seller's TOTP secret for further sign-ins.
pub async fn ferry_seller_with_secret(world: &World, email: &str) -> (reqwest::Client, String) {
    let app = &world.ferry;
    app.register_and_activate(email).await;
    let client = crate::helpers::new_client();
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
    let confirmed = client
        .post(app.url("/api/v1/two-factor/confirmation"))
        .json(&json!({ "code": fresh_code(&secret) }))
        .send()
        .await
        .unwrap();
    assert_eq!(confirmed.status(), 200);
    approve_kyc(app, &client).await;
    (client, secret)
}

/// A seller at the sandbox, signed in to its Seller Central in `browser`.
pub struct SandboxSeller {
    pub seller_id: String,
    pub totp_secret: String,
    pub browser: reqwest::Client,
}

pub async fn sandbox_seller(world: &World, email_prefix: &str, legal_name: &str) -> SandboxSeller {
    let email = format!("{email_prefix}@shop.example");
    let password = "correct horse battery";
    let created = sandbox_post(
        &world.sandbox,
        "/sandbox/v1/sellers",
        &json!({
            "legal_name": legal_name,
            "business_type": "PRIVATE_LIMITED",
            "country_code": "CN",
            "address": { "line1": "1 Keyuan Road", "city": "Shenzhen", "postal_code": "518057" },
            "primary_user": { "name": "Li Wei", "email": email, "password": password },
            "marketplaces": [
                { "marketplace_id": US, "store_name": "Example Store US" },
                { "marketplace_id": "A1PA6795UKMFR9", "store_name": "Example Store DE" },
            ],
        }),
    )
    .await;
    let seller_id = created["seller_id"].as_str().unwrap().to_string();
    let totp_secret = created["primary_user"]["totp_secret"]
        .as_str()
        .unwrap()
        .to_string();
    let browser = crate::helpers::new_client();
    let signed = browser
        .post(world.sandbox.url("/signin"))
        .form(&[
            ("email", email.as_str()),
            ("password", password),
            ("return_to", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), 303);
    let second = browser
        .post(world.sandbox.url("/signin/two-step"))
        .form(&[
            ("code", fresh_code(&totp_secret).as_str()),
            ("return_to", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(second.status(), 303);
    SandboxSeller {
        seller_id,
        totp_secret,
        browser,
    }
}

impl SandboxSeller {
    /// Sets a US deposit method in Seller Central; returns the page.
    pub async fn set_us_deposit_method(
        &self,
        world: &World,
        holder: &str,
        routing: &str,
        account_number: &str,
    ) -> String {
        let response = self
            .browser
            .post(world.sandbox.url(ASSIGN))
            .form(&[
                ("marketplace_id", US),
                ("bank_location", "US"),
                ("holder_name", holder),
                ("routing_number", routing),
                ("account_number", account_number),
                ("account_type", "checking"),
                ("otp", &fresh_code(&self.totp_secret)),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.text().await.unwrap()
    }
}

pub async fn open_account(
    world: &World,
    client: &reqwest::Client,
    body: &Value,
) -> reqwest::Response {
    client
        .post(world.ferry.url("/api/v1/receiving-accounts"))
        .json(body)
        .send()
        .await
        .unwrap()
}

/// The value of the Seller Central field `key` in an account's JSON.
pub fn field(account: &Value, key: &str) -> String {
    account["seller_central"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|field| field["key"] == key)
        .unwrap_or_else(|| panic!("no {key} in {account}"))["value"]
        .as_str()
        .unwrap()
        .to_string()
}
