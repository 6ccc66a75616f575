use ferry_marketplace::Settings;
use ferry_platform::db::Db;
use ferry_platform::testing::{TestDatabase, spawn};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::Mutex;

pub struct TestApp {
    pub address: String,
    /// A browser: keeps cookies, does not follow redirects.
    pub client: reqwest::Client,
    pub db: Db,
    _database: TestDatabase,
    _data_dir: tempfile::TempDir,
}

/// Starts the marketplace on port 0 with its own database and data folder.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with settings changed by `configure` first.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create().await.expect("a test database");
    let data_dir = tempfile::tempdir().expect("a data folder");
    let mut settings = Settings {
        listen: "127.0.0.1:0".into(),
        database_url: database.url().to_string(),
        data_dir: data_dir.path().display().to_string(),
        ..Settings::default()
    };
    configure(&mut settings);
    let service = ferry_marketplace::build(&settings)
        .await
        .expect("the marketplace starts");
    let db = service.db().clone();
    let address = spawn(service);
    TestApp {
        address,
        client: browser(),
        db,
        _database: database,
        _data_dir: data_dir,
    }
}

/// A fresh cookie jar, as a second browser would have.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("an HTTP client")
}

/// The stores every test seller opens: one per bank-location form.
pub const STORES: [(&str, &str); 6] = [
    ("ATVPDKIKX0DER", "Example Store US"),
    ("A2EUQ1WTGCTBG2", "Example Store CA"),
    ("A1F83G8C2ARO7P", "Example Store UK"),
    ("A1PA6795UKMFR9", "Example Store DE"),
    ("A1VC38T7YXB528", "Example Store JP"),
    ("A39IBJ37TRP1C6", "Example Store AU"),
];

pub struct Seller {
    pub seller_id: String,
    pub email: String,
    pub password: String,
    pub totp_secret: String,
}

pub struct RegisteredApp {
    pub application_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub redirect_uri: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("the request is sent")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("the request is sent")
    }

    /// Creates a seller through the admin API; `email_prefix` keeps e-mail
    /// addresses apart when a test needs several sellers.
    pub async fn create_seller(&self, email_prefix: &str) -> Seller {
        let email = format!("{email_prefix}@shop.example");
        let password = "correct horse battery".to_string();
        let response = self
            .post_json(
                "/sandbox/v1/sellers",
                &json!({
                    "legal_name": "Shenzhen Example Trading Co., Ltd.",
                    "business_type": "PRIVATE_LIMITED",
                    "country_code": "CN",
                    "address": { "line1": "1 Keyuan Road", "city": "Shenzhen", "postal_code": "518057" },
                    "primary_user": { "name": "Li Wei", "email": email, "password": password },
                    "marketplaces": STORES
                        .iter()
                        .map(|(id, name)| json!({ "marketplace_id": id, "store_name": name }))
                        .collect::<Vec<_>>(),
                }),
            )
            .await;
        assert_eq!(
            response.status(),
            201,
            "{}",
            response.text().await.unwrap_or_default()
        );
        let body: Value = response.json().await.expect("JSON");
        Seller {
            seller_id: body["seller_id"].as_str().expect("seller_id").to_string(),
            email,
            password,
            totp_secret: body["primary_user"]["totp_secret"]
                .as_str()
                .expect("secret")
                .to_string(),
        }
    }

    /// Signs `browser` in as the seller's primary user, both steps.
    pub async fn sign_in(
        &self,
        browser: &reqwest::Client,
        email: &str,
        password: &str,
        totp_secret: &str,
    ) {
        let response = browser
            .post(self.url("/signin"))
            .form(&[("email", email), ("password", password), ("return_to", "/")])
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 303, "the password step passes");
        let response = browser
            .post(self.url("/signin/two-step"))
            .form(&[
                ("code", totp_code(totp_secret).as_str()),
                ("return_to", "/"),
            ])
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 303, "the two-step code is accepted");
    }

    pub async fn create_app(&self, private_seller_id: Option<&str>) -> RegisteredApp {
        let developer: Value = self
            .post_json("/sandbox/v1/developers", &json!({ "name": "Ferry" }))
            .await
            .json()
            .await
            .expect("JSON");
        let redirect_uri = "https://ferry.example/amazon/callback".to_string();
        let response = self
            .post_json(
                "/sandbox/v1/apps",
                &json!({
                    "developer_id": developer["developer_id"],
                    "name": "Ferry Collections",
                    "redirect_uris": [redirect_uri],
                    "private_seller_id": private_seller_id,
                }),
            )
            .await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("JSON");
        let text = |key: &str| body[key].as_str().expect(key).to_string();
        RegisteredApp {
            application_id: text("application_id"),
            client_id: text("client_id"),
            client_secret: text("client_secret"),
            redirect_uri,
        }
    }

    /// Consents in `browser` (signed in) and returns the redirect's query.
    pub async fn consent(
        &self,
        browser: &reqwest::Client,
        app: &RegisteredApp,
        state: &str,
    ) -> Vec<(String, String)> {
        let response = browser
            .post(self.url("/apps/authorize/consent"))
            .form(&[
                ("application_id", app.application_id.as_str()),
                ("state", state),
            ])
            .send()
            .await
            .expect("sent");
        assert_eq!(response.status(), 303);
        let location = response.headers()["location"]
            .to_str()
            .expect("ASCII")
            .to_string();
        assert!(location.starts_with(&app.redirect_uri), "{location}");
        reqwest::Url::parse(&location)
            .expect("a URL")
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }

    pub async fn token_request(&self, form: &[(&str, &str)]) -> reqwest::Response {
        reqwest::Client::new()
            .post(self.url("/auth/o2/token"))
            .form(form)
            .send()
            .await
            .expect("sent")
    }

    /// The whole website authorization workflow for a new seller: returns
    /// the seller and LWA's token response.
    pub async fn authorized_seller(&self, email_prefix: &str) -> (Seller, RegisteredApp, Value) {
        let seller = self.create_seller(email_prefix).await;
        let browser = browser();
        self.sign_in(
            &browser,
            &seller.email,
            &seller.password,
            &seller.totp_secret,
        )
        .await;
        let app = self.create_app(None).await;
        let query = self.consent(&browser, &app, "xyz").await;
        let code = query_value(&query, "spapi_oauth_code");
        let response = self
            .token_request(&[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &app.redirect_uri),
                ("client_id", &app.client_id),
                ("client_secret", &app.client_secret),
            ])
            .await;
        assert_eq!(response.status(), 200);
        let tokens = response.json().await.expect("JSON");
        (seller, app, tokens)
    }

    pub async fn advance_clock_ms(&self, ms: i64) {
        let response = self
            .post_json("/sandbox/v1/clock/advance", &json!({ "ms": ms }))
            .await;
        assert_eq!(response.status(), 200);
    }
}

pub fn query_value(query: &[(String, String)], key: &str) -> String {
    query
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
        .unwrap_or_else(|| panic!("{key} is in the redirect"))
}

/// A valid TOTP code for `secret` that no earlier call returned: the
/// service accepts each 30-second step once, and the previous, current and
/// next steps are all valid, so this waits only when all three are used.
pub fn totp_code(secret: &str) -> String {
    static USED: Mutex<Option<HashSet<(String, u64)>>> = Mutex::new(None);
    let totp = totp_rs::Builder::new()
        .with_secret(totp_rs::Secret::try_from_base32(secret).expect("base32"))
        .build()
        .expect("a TOTP");
    loop {
        let now_s = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("after 1970")
            .as_secs();
        let origin = now_s / 30;
        // The previous step only while it has more than a few seconds left
        // in the service's window, so a slow test does not miss it.
        let previous_is_safe = now_s % 30 < 25;
        {
            let mut used = USED.lock().expect("not poisoned");
            let used = used.get_or_insert_with(HashSet::new);
            for step in [origin.saturating_sub(1), origin, origin + 1] {
                if step + 1 == origin && !previous_is_safe {
                    continue;
                }
                if used.insert((secret.to_string(), step)) {
                    return totp.generate(step * 30).to_string();
                }
            }
        }
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
}
