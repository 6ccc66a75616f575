//! The seed's journey, step by step, through the public HTTP interfaces of
//! both services: what a seller does in a browser and what an operator does
//! in the back office, driven by requests a browser would send.

use super::web::{Agent, Authenticator};
use anyhow::{Context, anyhow, bail, ensure};
use reqwest::StatusCode;
use serde::Serialize;
use serde_json::{Value, json};
use std::path::PathBuf;
use std::time::Duration;

pub const US: &str = "ATVPDKIKX0DER";
pub const DE: &str = "A1PA6795UKMFR9";
const LEGAL_NAME_ZH: &str = "深圳市渡口示例贸易有限公司";
const LEGAL_NAME_EN: &str = "Shenzhen Ferry Demo Trading Co., Ltd.";
/// A password zxcvbn scores 4: the demo's accounts are real accounts.
const PASSWORD: &str = "Harbour-Lantern-Tide-2026";
const DAY_MS: i64 = 86_400_000;

/// Where the journey runs and how to reach what is not HTTP: the provider's
/// mail outbox folder (the activation e-mail) and its database (creating
/// the back-office operator, a bootstrap step as `ferry ops create-operator`).
pub struct Target {
    pub provider_url: String,
    pub marketplace_url: String,
    pub mail_outbox: PathBuf,
    pub provider_database_url: String,
    pub provider_settings: ferry_provider::Settings,
}

/// What the journey leaves behind, printed at the end (or as JSON).
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub seller_email: String,
    pub amazon_seller_id: String,
    pub receiving_accounts: Vec<Value>,
    pub settlements: Vec<Value>,
    pub reconciliation: Vec<Value>,
    pub conversion: Option<Value>,
    pub withdrawal: Option<Value>,
    pub balances: Vec<Value>,
    pub steps: Vec<StepTiming>,
}

#[derive(Debug, Serialize)]
pub struct StepTiming {
    pub step: String,
    pub seconds: f64,
}

/// The people of the journey and what they know.
pub struct Journey {
    target: Target,
    run_id: String,
    ferry: Agent,
    sandbox_admin: Agent,
    seller_central: Agent,
    ferry_totp: Authenticator,
    seller_central_totp: Authenticator,
    usd_account: Value,
    eur_account: Value,
    pub summary: Summary,
}

impl Journey {
    pub fn new(target: Target) -> anyhow::Result<Self> {
        let run_id = format!(
            "{:x}",
            ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc())
        );
        Ok(Self {
            ferry: Agent::new(&target.provider_url)?,
            sandbox_admin: Agent::new(&target.marketplace_url)?,
            seller_central: Agent::new(&target.marketplace_url)?,
            target,
            run_id,
            ferry_totp: Authenticator::default(),
            seller_central_totp: Authenticator::default(),
            usd_account: Value::Null,
            eur_account: Value::Null,
            summary: Summary::default(),
        })
    }

    fn email(&self) -> String {
        format!("demo-{}@seller.example.cn", self.run_id)
    }

    /// Step 1: the seller's business at the marketplace, with a store on
    /// amazon.com and amazon.de, signed in to Seller Central.
    pub async fn marketplace_sign_up(&mut self) -> anyhow::Result<String> {
        let email = format!("demo-{}@store.example", self.run_id);
        let created = self
            .sandbox_admin
            .post_json(
                "/sandbox/v1/sellers",
                &json!({
                    "legal_name": LEGAL_NAME_EN,
                    "business_type": "PRIVATE_LIMITED",
                    "country_code": "CN",
                    "address": { "line1": "1 Keyuan Road", "city": "Shenzhen", "postal_code": "518057" },
                    "primary_user": { "name": "Li Wei", "email": email, "password": PASSWORD },
                    "marketplaces": [
                        { "marketplace_id": US, "store_name": "Ferry Demo Store US" },
                        { "marketplace_id": DE, "store_name": "Ferry Demo Store DE" },
                    ],
                }),
                StatusCode::CREATED,
            )
            .await?;
        self.summary.amazon_seller_id = text(&created, "seller_id")?;
        self.seller_central_totp =
            Authenticator::new(&text(&created["primary_user"], "totp_secret")?);
        let (status, _, page) = self
            .seller_central
            .post_form(
                "/signin",
                &[
                    ("email", &email),
                    ("password", PASSWORD),
                    ("return_to", "/"),
                ],
            )
            .await?;
        ensure!(
            status == StatusCode::SEE_OTHER,
            "Seller Central sign-in: {status} {page}"
        );
        let code = self.seller_central_totp.code().await?;
        let (status, _, page) = self
            .seller_central
            .post_form("/signin/two-step", &[("code", &code), ("return_to", "/")])
            .await?;
        ensure!(
            status == StatusCode::SEE_OTHER,
            "Seller Central two-step: {status} {page}"
        );
        Ok(format!(
            "seller {} with stores on amazon.com and amazon.de",
            self.summary.amazon_seller_id
        ))
    }

    /// Step 2: registration at Ferry as a company, in Chinese.
    pub async fn ferry_register(&mut self) -> anyhow::Result<String> {
        let email = self.email();
        self.summary.seller_email = email.clone();
        self.ferry
            .post_json(
                "/api/v1/registrations",
                &json!({ "email": email, "password": PASSWORD, "account_kind": "company",
                         "display_name": LEGAL_NAME_ZH, "language": "zh-CN" }),
                StatusCode::ACCEPTED,
            )
            .await?;
        Ok(email)
    }

    /// Step 3: the activation e-mail, read from the outbox folder, and its link.
    pub async fn ferry_activate(&mut self) -> anyhow::Result<String> {
        let email = self.email();
        let mut token = None;
        for _ in 0..300 {
            token = ferry_platform::mail::read_outbox_folder(&self.target.mail_outbox)
                .into_iter()
                .filter(|mail| mail.to == email)
                .find_map(|mail| token_after(&mail.text, "/activate?token="));
            if token.is_some() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let token = token.with_context(|| {
            format!(
                "no activation e-mail to {email} in {}",
                self.target.mail_outbox.display()
            )
        })?;
        self.ferry
            .post_json(
                "/api/v1/activations",
                &json!({ "token": token }),
                StatusCode::OK,
            )
            .await?;
        Ok("activated through the e-mailed link".into())
    }

    /// Step 4: sign-in and two-factor enrolment.
    pub async fn ferry_two_factor(&mut self) -> anyhow::Result<String> {
        self.ferry
            .post_json(
                "/api/v1/sessions",
                &json!({ "email": self.email(), "password": PASSWORD }),
                StatusCode::OK,
            )
            .await?;
        let enrollment = self
            .ferry
            .post_json(
                "/api/v1/two-factor/enrollment",
                &json!({ "password": PASSWORD }),
                StatusCode::OK,
            )
            .await?;
        self.ferry_totp = Authenticator::new(&text(&enrollment, "secret")?);
        self.ferry
            .post_json(
                "/api/v1/two-factor/confirmation",
                &json!({ "code": self.ferry_totp.code().await? }),
                StatusCode::OK,
            )
            .await?;
        Ok("two-factor enrolled".into())
    }

    /// Step 5: company verification with generated documents.
    pub async fn ferry_kyb(&mut self) -> anyhow::Result<String> {
        let mut documents = Vec::new();
        for seed in 0..4u8 {
            documents.push(self.upload_document(seed).await?);
        }
        self.ferry
            .post_json(
                "/api/v1/kyc/case",
                &json!({
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
                }),
                StatusCode::OK,
            )
            .await?;
        let submitted = self
            .ferry
            .post_json("/api/v1/kyc/case/submission", &json!({}), StatusCode::OK)
            .await?;
        Ok(format!("case {} submitted", text(&submitted, "id")?))
    }

    async fn upload_document(&self, seed: u8) -> anyhow::Result<String> {
        let part = reqwest::multipart::Part::bytes(document_picture(seed)?)
            .file_name("document.jpg")
            .mime_str("image/jpeg")?;
        let response = self
            .ferry
            .http()
            .post(self.ferry.url("/api/v1/kyc/documents"))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await?;
        ensure!(
            response.status() == StatusCode::CREATED,
            "document upload: HTTP {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        );
        text(&response.json::<Value>().await?, "id")
    }

    /// Step 6: an operator claims and approves the case in the back office.
    pub async fn ops_approve(&mut self) -> anyhow::Result<String> {
        let operator_email = format!("reviewer-{}@ferry.local", self.run_id);
        let one_time_password = self.create_operator(&operator_email).await?;
        let ops = Agent::new(&self.target.provider_url)?;
        ops.post_json(
            "/api/v1/ops/sessions",
            &json!({ "email": operator_email, "password": one_time_password }),
            StatusCode::OK,
        )
        .await?;
        let enrollment = ops
            .post_json(
                "/api/v1/ops/two-factor/enrollment",
                &json!({}),
                StatusCode::OK,
            )
            .await?;
        let mut authenticator = Authenticator::new(&text(&enrollment, "secret")?);
        ops.post_json(
            "/api/v1/ops/two-factor/confirmation",
            &json!({ "code": authenticator.code().await?, "new_password": PASSWORD }),
            StatusCode::OK,
        )
        .await?;
        let case = self.ferry.get_json("/api/v1/kyc/case").await?;
        let case_id = text(&case["case"], "id")?;
        for step in ["claim", "approval"] {
            ops.post_json(
                &format!("/api/v1/ops/cases/{case_id}/{step}"),
                &json!({}),
                StatusCode::OK,
            )
            .await?;
        }
        let case = self.ferry.get_json("/api/v1/kyc/case").await?;
        let state = case["case"]["state"].as_str().unwrap_or("?");
        ensure!(
            state == "approved",
            "the verification is {state}, not approved"
        );
        Ok(format!("verification {state}"))
    }

    async fn create_operator(&self, email: &str) -> anyhow::Result<String> {
        let db = ferry_platform::db::Db::connect(&self.target.provider_database_url).await?;
        let hasher = ferry_provider::password::Hasher::new(&self.target.provider_settings.security);
        let now_ms = ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc());
        ferry_provider::ops::operators::create(&db, hasher, email, now_ms)
            .await
            .map_err(|failure| anyhow!("cannot create the reviewing operator: {failure:?}"))
    }

    /// Step 7: a USD account for the amazon.com store and a EUR account for
    /// the amazon.de store.
    pub async fn open_accounts(&mut self) -> anyhow::Result<String> {
        let seller_id = self.summary.amazon_seller_id.clone();
        self.usd_account = self
            .ferry
            .post_json(
                "/api/v1/receiving-accounts",
                &json!({ "currency": "USD", "marketplace_id": US, "seller_id": seller_id }),
                StatusCode::CREATED,
            )
            .await?;
        self.eur_account = self
            .ferry
            .post_json(
                "/api/v1/receiving-accounts",
                &json!({ "currency": "EUR", "marketplace_id": DE, "seller_id": seller_id }),
                StatusCode::CREATED,
            )
            .await?;
        Ok(format!(
            "USD account …{} at {}, EUR account …{} at {}",
            text(&self.usd_account, "tail")?,
            text(&self.usd_account, "bank_name")?,
            text(&self.eur_account, "tail")?,
            text(&self.eur_account, "bank_name")?,
        ))
    }

    /// Step 8: the notice to the marketplace before changing deposit methods
    /// (an unannounced change sends the payout to risk review).
    pub async fn support_case(&mut self) -> anyhow::Result<String> {
        let (status, location, page) = self
            .seller_central
            .post_form(
                "/cu/contact-us",
                &[
                    ("category", "deposit_method_change_notice"),
                    ("subject", "Changing our deposit methods to Ferry"),
                    (
                        "body",
                        "We will set our new Ferry receiving accounts as deposit methods this week.",
                    ),
                ],
            )
            .await?;
        ensure!(
            status == StatusCode::SEE_OTHER,
            "support case: {status} {page}"
        );
        Ok(format!("case opened ({})", location.unwrap_or_default()))
    }

    /// Step 9: today's way for amazon.de: Authorize → consent → callback.
    pub async fn authorize_oauth(&mut self) -> anyhow::Result<String> {
        let id = text(&self.eur_account, "id")?;
        self.oauth(&id).await?;
        let account = self
            .ferry
            .get_json(&format!("/api/v1/receiving-accounts/{id}"))
            .await?;
        Ok(format!(
            "amazon.de authorized by OAuth: {}",
            account["binding"]["state"].as_str().unwrap_or("?")
        ))
    }

    /// Authorize at Ferry → the sandbox's consent page → Confirm → Ferry's
    /// callback, for the receiving account `id`.
    async fn oauth(&self, id: &str) -> anyhow::Result<()> {
        let started = self
            .ferry
            .post_json(
                &format!("/api/v1/receiving-accounts/{id}/oauth-authorizations"),
                &json!({}),
                StatusCode::OK,
            )
            .await?;
        let consent_url = reqwest::Url::parse(&text(&started, "consent_url")?)?;
        let (status, page) = self.seller_central.get_page(consent_url.as_str()).await?;
        ensure!(status == StatusCode::OK, "consent page: {status} {page}");
        let mut form: Vec<(String, String)> = consent_url
            .query_pairs()
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        if !form.iter().any(|(key, _)| key == "redirect_uri") {
            form.push((
                "redirect_uri".into(),
                self.ferry.url(ferry_provider::stores::CALLBACK_PATH),
            ));
        }
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, location, page) = self
            .seller_central
            .post_form("/apps/authorize/consent", &pairs)
            .await?;
        ensure!(status == StatusCode::SEE_OTHER, "consent: {status} {page}");
        let back = location.context("the consent answered without a redirect")?;
        let (status, page) = self.ferry.get_page(&back).await?;
        ensure!(
            status == StatusCode::SEE_OTHER || status == StatusCode::OK,
            "Ferry's callback: {status} {page}"
        );
        Ok(())
    }

    /// Step 10: the planner's window for the change, from the store's
    /// settlement periods.
    pub async fn plan(&mut self) -> anyhow::Result<String> {
        let id = text(&self.eur_account, "id")?;
        let plan = self
            .ferry
            .get_json(&format!("/api/v1/receiving-accounts/{id}/change-plan"))
            .await?;
        ensure!(
            plan["inside_window"] == true,
            "outside the safe window: {plan}"
        );
        Ok(format!(
            "inside the safe window until {}",
            plan["safe_window"]["until"].as_str().unwrap_or("?")
        ))
    }

    /// Step 11: both accounts set as the stores' deposit methods in Seller
    /// Central, with a two-step code each (each code is used once).
    pub async fn set_deposit_methods(&mut self) -> anyhow::Result<String> {
        let us = seller_central_form(&self.usd_account, US, "US")?;
        self.assign(us).await?;
        let de = seller_central_form(&self.eur_account, DE, "EURO")?;
        self.assign(de).await?;
        Ok("both set as default deposit methods".into())
    }

    async fn assign(&mut self, mut form: Vec<(String, String)>) -> anyhow::Result<()> {
        form.push(("otp".into(), self.seller_central_totp.code().await?));
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, _, page) = self
            .seller_central
            .post_form("/sw/AccountInfo/DepositMethodView/step/Assign", &pairs)
            .await?;
        ensure!(status == StatusCode::OK, "deposit method: {status}");
        ensure!(
            !page.contains("class=\"error\""),
            "Seller Central refused the deposit method: {}",
            first_error(&page)
        );
        Ok(())
    }

    /// Step 12: the seed's way for amazon.com: Ferry's developer ID
    /// authorized in User Permissions, then Seller ID + MWS auth token.
    pub async fn bind_mws(&mut self) -> anyhow::Result<String> {
        let developer_id = text(&self.usd_account, "mws_developer_id")
            .context("the marketplace does not offer MWS tokens")?;
        let (status, _, page) = self
            .seller_central
            .post_form(
                "/gp/account-manager/authorize-developer",
                &[("developer_id", &developer_id)],
            )
            .await?;
        ensure!(status == StatusCode::OK, "User Permissions: {status}");
        let token = between(&page, "class=\"mws-auth-token\">", "<")
            .context("User Permissions showed no MWS auth token")?;
        let id = text(&self.usd_account, "id")?;
        let bound = self
            .ferry
            .post_json(
                &format!("/api/v1/receiving-accounts/{id}/mws-authorization"),
                &json!({ "seller_id": self.summary.amazon_seller_id, "mws_auth_token": token }),
                StatusCode::OK,
            )
            .await?;
        Ok(format!(
            "amazon.com bound by Seller ID + MWS token: {}",
            bound["state"].as_str().unwrap_or("?")
        ))
    }

    /// Step 13: Ferry checks both stores over SP-API: "bound".
    pub async fn verify_bound(&mut self) -> anyhow::Result<String> {
        let mut states = Vec::new();
        for account in [&self.usd_account, &self.eur_account] {
            let id = text(account, "id")?;
            let checked = self
                .ferry
                .post_json(
                    &format!("/api/v1/receiving-accounts/{id}/binding-checks"),
                    &json!({}),
                    StatusCode::OK,
                )
                .await?;
            let state = checked["state"].as_str().unwrap_or("?").to_string();
            ensure!(state == "bound", "account {id} is {state}: {checked}");
            states.push(format!("{} {state}", text(account, "currency")?));
        }
        Ok(states.join(", "))
    }

    /// Step 14: orders in both stores, then the sandbox clock passes the
    /// settlement and the deposit date.
    pub async fn orders_and_settlement(&mut self) -> anyhow::Result<String> {
        let mut orders = 0;
        for (marketplace, price_minor, fee_minor) in [(US, 2499, 412), (DE, 2199, 380)] {
            for quantity in 1..=3 {
                self.sandbox_admin
                    .post_json(
                        "/sandbox/v1/orders",
                        &json!({
                            "seller_id": self.summary.amazon_seller_id, "marketplace_id": marketplace,
                            "fulfillment": "AFN", "delivery_days": 0,
                            "items": [{ "sku": format!("DEMO-{quantity}"), "quantity": quantity,
                                        "item_price_minor": price_minor, "tax_minor": 0,
                                        "fba_fee_per_unit_minor": fee_minor }],
                        }),
                        StatusCode::CREATED,
                    )
                    .await?;
                orders += 1;
            }
        }
        self.sandbox_admin
            .post_json(
                "/sandbox/v1/clock/advance",
                &json!({ "ms": 16 * DAY_MS + 60_000 }),
                StatusCode::OK,
            )
            .await?;
        Ok(format!("{orders} orders; the clock moved 16 days"))
    }

    /// Step 15: each store's settlement, paid by the sandbox's rail as a
    /// camt.054 to Ferry's partner bank endpoint, lands in the wallet.
    pub async fn payouts_arrive(&mut self) -> anyhow::Result<String> {
        let mut expected = Vec::new();
        for (marketplace, currency) in [(US, "USD"), (DE, "EUR")] {
            let settlements = self
                .sandbox_admin
                .get_json(&format!(
                    "/sandbox/v1/sellers/{}/marketplaces/{marketplace}/settlements",
                    self.summary.amazon_seller_id
                ))
                .await?;
            let first = settlements["settlements"]
                .as_array()
                .and_then(|all| all.first())
                .cloned()
                .with_context(|| format!("no settlement in {marketplace}"))?;
            let total = first["total"]["amount_minor"]
                .as_i64()
                .context("a settlement without a total")?;
            expected.push((currency, total));
            self.summary.settlements.push(first);
        }
        for _ in 0..600 {
            let wallets = self.ferry.get_json("/api/v1/wallets").await?;
            let arrived = expected
                .iter()
                .all(|(currency, total)| wallet_posted_minor(&wallets, currency) == Some(*total));
            if arrived {
                return Ok(expected
                    .iter()
                    .map(|(currency, total)| format!("{currency} {total} (minor units)"))
                    .collect::<Vec<_>>()
                    .join(", "));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let wallets = self.ferry.get_json("/api/v1/wallets").await?;
        bail!("the payouts did not arrive within 60 s: expected {expected:?}, wallets {wallets}")
    }

    /// Step 16: Ferry fetches each store's settlement report through the
    /// Reports API and matches it with the payout: no difference.
    pub async fn reconcile(&mut self) -> anyhow::Result<String> {
        for account in [&self.usd_account, &self.eur_account] {
            let id = text(account, "id")?;
            self.ferry
                .post_json(
                    &format!("/api/v1/receiving-accounts/{id}/settlement-refresh"),
                    &json!({}),
                    StatusCode::OK,
                )
                .await?;
        }
        let overview = self.ferry.get_json("/api/v1/settlements").await?;
        let settlements = overview["settlements"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        ensure!(
            settlements.len() >= 2,
            "expected the two stores' settlements, got {overview}"
        );
        let mut lines = Vec::new();
        for settlement in &settlements {
            ensure!(
                settlement["status"] == "matched" && settlement["difference"]["amount_minor"] == 0,
                "settlement {} does not reconcile: {}",
                settlement["settlement_id"],
                settlement["reason"]
            );
            lines.push(format!(
                "{} {} received, difference {}",
                settlement["currency"].as_str().unwrap_or("?"),
                settlement["received"]["amount"].as_str().unwrap_or("?"),
                settlement["difference"]["amount"].as_str().unwrap_or("?"),
            ));
        }
        self.summary.reconciliation = settlements;
        Ok(lines.join("; "))
    }

    /// Step 17: half of the euros converted to dollars, with the quote's mid
    /// rate, margin and fee shown before confirming.
    pub async fn convert(&mut self) -> anyhow::Result<String> {
        let wallets = self.ferry.get_json("/api/v1/wallets").await?;
        let eur_minor = wallet_posted_minor(&wallets, "EUR").context("no EUR wallet")?;
        let sell = ferry_domain::Money::from_minor(eur_minor / 2, ferry_domain::Currency::EUR)
            .format_major(ferry_domain::DecimalStyle::Point);
        let quote = self
            .ferry
            .post_json(
                "/api/v1/fx/quotes",
                &json!({ "sell_currency": "EUR", "buy_currency": "USD", "sell_amount": sell }),
                StatusCode::CREATED,
            )
            .await?;
        let id = text(&quote, "id")?;
        self.ferry
            .post_json(
                &format!("/api/v1/fx/quotes/{id}/execution"),
                &json!({
                    "sell_currency": quote["sell"]["currency"],
                    "sell_amount_minor": quote["sell"]["amount_minor"],
                    "buy_currency": quote["buy"]["currency"],
                    "buy_amount_minor": quote["buy"]["amount_minor"],
                }),
                StatusCode::OK,
            )
            .await?;
        let line = format!(
            "EUR {} → USD {} (mid {}, margin {} bp = EUR {}, fee EUR {})",
            quote["sell"]["amount"].as_str().unwrap_or("?"),
            quote["buy"]["amount"].as_str().unwrap_or("?"),
            quote["mid_rate"].as_str().unwrap_or("?"),
            quote["margin_bps"],
            quote["margin"]["amount"].as_str().unwrap_or("?"),
            quote["fee"]["amount"].as_str().unwrap_or("?"),
        );
        self.summary.conversion = Some(quote);
        Ok(line)
    }

    /// Step 18: USD withdrawn to a mainland bank card in the verified name,
    /// confirmed with a two-step code; the sandbox bank pays it.
    pub async fn withdraw(&mut self) -> anyhow::Result<String> {
        let destination = self
            .ferry
            .post_json(
                "/api/v1/withdrawal-destinations",
                &json!({ "card_number": "6222020200112233446", "bank_name": "中国工商银行",
                         "holder_name": LEGAL_NAME_ZH }),
                StatusCode::CREATED,
            )
            .await?;
        let code = self.ferry_totp.code().await?;
        let withdrawal = self
            .ferry
            .post_json(
                "/api/v1/withdrawals",
                &json!({ "destination_id": text(&destination, "id")?, "currency": "USD",
                         "amount": "50.00", "two_factor_code": code }),
                StatusCode::CREATED,
            )
            .await?;
        let id = text(&withdrawal, "id")?;
        for _ in 0..300 {
            let current = self
                .ferry
                .get_json(&format!("/api/v1/withdrawals/{id}"))
                .await?;
            match current["status"].as_str() {
                Some("paid") => {
                    self.summary.withdrawal = Some(current.clone());
                    return Ok(format!(
                        "USD 50.00 paid to {} card {}",
                        text(&destination, "bank_name")?,
                        text(&destination, "card_masked")?
                    ));
                }
                Some("failed") => bail!("the withdrawal failed: {current}"),
                _ => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        bail!("the withdrawal {id} was not paid within 30 s")
    }

    /// The final balances, for the summary.
    pub async fn balances(&mut self) -> anyhow::Result<String> {
        let wallets = self.ferry.get_json("/api/v1/wallets").await?;
        self.summary.balances = wallets["wallets"].as_array().cloned().unwrap_or_default();
        self.summary.receiving_accounts = vec![self.usd_account.clone(), self.eur_account.clone()];
        Ok(self
            .summary
            .balances
            .iter()
            .map(|wallet| {
                format!(
                    "{} {}",
                    wallet["currency"].as_str().unwrap_or("?"),
                    wallet["posted"].as_str().unwrap_or("?")
                )
            })
            .collect::<Vec<_>>()
            .join(", "))
    }
}

fn wallet_posted_minor(wallets: &Value, currency: &str) -> Option<i64> {
    wallets["wallets"]
        .as_array()?
        .iter()
        .find(|wallet| wallet["currency"] == currency)?["posted_minor"]
        .as_i64()
}

/// The Seller Central form for `account` at `bank_location`, from the
/// fields Ferry lists for it (holder name, routing number, account number
/// or IBAN and BIC).
fn seller_central_form(
    account: &Value,
    marketplace_id: &str,
    bank_location: &str,
) -> anyhow::Result<Vec<(String, String)>> {
    let field = |key: &str| -> anyhow::Result<String> {
        account["seller_central"]["fields"]
            .as_array()
            .and_then(|fields| fields.iter().find(|field| field["key"] == key))
            .and_then(|field| field["value"].as_str())
            .map(str::to_string)
            .with_context(|| format!("the account lists no {key}"))
    };
    let mut form = vec![
        ("marketplace_id".to_string(), marketplace_id.to_string()),
        ("bank_location".to_string(), bank_location.to_string()),
        ("holder_name".to_string(), field("account_holder_name")?),
    ];
    if bank_location == "EURO" {
        form.push(("iban".into(), field("iban")?));
        form.push(("bic".into(), field("bic")?));
    } else {
        form.push(("routing_number".into(), field("routing_number")?));
        form.push(("account_number".into(), field("account_number")?));
        form.push(("account_type".into(), "checking".into()));
    }
    Ok(form)
}

fn text(value: &Value, key: &str) -> anyhow::Result<String> {
    value[key]
        .as_str()
        .map(str::to_string)
        .with_context(|| format!("the answer has no {key}: {value}"))
}

fn token_after(text: &str, marker: &str) -> Option<String> {
    let start = text.find(marker)? + marker.len();
    let token: String = text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}

fn between(page: &str, start: &str, end: &str) -> Option<String> {
    let from = page.find(start)? + start.len();
    let to = from + page[from..].find(end)?;
    Some(page[from..to].trim().to_string())
}

fn first_error(page: &str) -> String {
    between(page, "class=\"error\">", "<").unwrap_or_else(|| "(no message)".into())
}

/// A 1200×800 JPEG with varied pixels, large and detailed enough to pass
/// the document checks (which refuse tiny or blank pictures).
fn document_picture(seed: u8) -> anyhow::Result<Vec<u8>> {
    let image = image::RgbImage::from_fn(1200, 800, |x, y| {
        image::Rgb([
            (x % 251) as u8 ^ seed,
            (y % 241) as u8,
            ((x * 7 + y * 3) % 239) as u8,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}
