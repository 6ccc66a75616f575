use ferry_platform::db::Db;
use ferry_platform::outbox;
use ferry_platform::testing::{TestDatabase, spawn};
use ferry_provider::{Deliverer, Settings};
use serde_json::{Value, json};
use sqlx::Row;
use std::path::PathBuf;
use std::time::Duration;

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub settings: Settings,
    deliverer: Deliverer,
    _database: TestDatabase,
    _data_dir: tempfile::TempDir,
}

/// A strong password for test accounts.
pub const PASSWORD: &str = "plum blossom river 橋 lantern";

/// Starts the provider on port 0 with its own database and data folder.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Like [`spawn_app`], with settings adjusted by `adjust`.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let database = TestDatabase::create().await.expect("a test database");
    let data_dir = tempfile::tempdir().expect("a data folder");
    let mut settings = Settings {
        listen: "127.0.0.1:0".into(),
        database_url: database.url().to_string(),
        data_dir: data_dir.path().display().to_string(),
        // Tests deliver the outbox themselves, when they choose.
        outbox_worker: false,
        // Test receivers listen on 127.0.0.1 over plain HTTP.
        webhooks: ferry_provider::webhooks::WebhookSettings::local_development(),
        ..Settings::default()
    };
    // Cheaper Argon2id keeps the suite fast on a shared machine; the
    // production cost is checked in `passwords::the_default_hash_is_argon2id_with_owasp_parameters`.
    settings.security.argon2_memory_kib = 1024;
    settings.security.argon2_iterations = 1;
    adjust(&mut settings);
    let service = ferry_provider::build(&settings)
        .await
        .expect("the provider starts");
    let db = service.db().clone();
    let address = spawn(service);
    let deliverer = Deliverer::new(&settings, db.clone()).expect("the deliverer");
    TestApp {
        address,
        client: new_client(),
        db,
        deliverer,
        settings,
        _database: database,
        _data_dir: data_dir,
    }
}

/// A browser-like client with its own cookie jar.
pub fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("an HTTP client")
}

/// An e-mail as read back from the outbox folder.
pub type Mail = ferry_platform::mail::MailMessage;

/// Reading links out of a test e-mail.
pub trait MailExt {
    /// The token of the first link containing `marker` (e.g. `/activate?token=`).
    fn token_after(&self, marker: &str) -> String;
}

impl MailExt for Mail {
    fn token_after(&self, marker: &str) -> String {
        let start = self
            .text
            .find(marker)
            .unwrap_or_else(|| panic!("no {marker} in {}", self.text))
            + marker.len();
        self.text[start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect()
    }
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
        post_json_with(&self.client, &self.url(path), body).await
    }

    pub async fn register(&self, email: &str) -> reqwest::Response {
        self.post_json(
            "/api/v1/registrations",
            &json!({ "email": email, "password": PASSWORD, "account_kind": "company", "display_name": "深圳市示例贸易有限公司" }),
        )
        .await
    }

    /// Registers and activates `email` through the e-mailed link.
    pub async fn register_and_activate(&self, email: &str) {
        assert_eq!(self.register(email).await.status(), 202);
        let mail = self.wait_for_mails(email, 1).await.pop().unwrap();
        let token = mail.token_after("/activate?token=");
        let activated = self
            .post_json("/api/v1/activations", &json!({ "token": token }))
            .await;
        assert_eq!(activated.status(), 200);
    }

    /// Signs `client` in.
    pub async fn sign_in(
        &self,
        client: &reqwest::Client,
        email: &str,
        password: &str,
    ) -> reqwest::Response {
        post_json_with(
            client,
            &self.url("/api/v1/sessions"),
            &json!({ "email": email, "password": password }),
        )
        .await
    }

    /// Delivers what is due and waits until `to` has received `count` mails.
    pub async fn wait_for_mails(&self, to: &str, count: usize) -> Vec<Mail> {
        for _ in 0..200 {
            outbox::deliver_due(&self.db, &self.deliverer)
                .await
                .unwrap();
            let mails = self.mails_to(to);
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "{to} did not receive {count} mails: {:?}",
            self.mails_to(to)
        );
    }

    /// Waits until the outbox holds nothing undelivered, then reads `to`'s
    /// mails: for asserting that no further mail was sent.
    pub async fn settled_mails_to(&self, to: &str) -> Vec<Mail> {
        for _ in 0..200 {
            outbox::deliver_due(&self.db, &self.deliverer)
                .await
                .unwrap();
            let pending: i64 =
                sqlx::query("SELECT COUNT(*) AS n FROM outbox WHERE delivered_at_ms IS NULL")
                    .fetch_one(self.db.reader())
                    .await
                    .unwrap()
                    .try_get("n")
                    .unwrap();
            if pending == 0 {
                return self.mails_to(to);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the outbox never emptied");
    }

    fn outbox_dir(&self) -> PathBuf {
        PathBuf::from(&self.settings.data_dir).join("mail-outbox")
    }

    /// The `.eml` files addressed to `to`, oldest first.
    pub fn mails_to(&self, to: &str) -> Vec<Mail> {
        ferry_platform::mail::read_outbox_folder(&self.outbox_dir())
            .into_iter()
            .filter(|mail| mail.to.contains(to))
            .collect()
    }

    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_one(self.db.reader())
            .await
            .unwrap()
            .try_get(0)
            .unwrap()
    }
}

pub async fn post_json_with(
    client: &reqwest::Client,
    url: &str,
    body: &Value,
) -> reqwest::Response {
    client
        .post(url)
        .json(body)
        .send()
        .await
        .expect("the request is sent")
}

pub async fn error_of(response: reqwest::Response) -> (u16, String, String) {
    let status = response.status().as_u16();
    let body: Value = response.json().await.expect("a JSON error body");
    (
        status,
        body["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// The marketplace sandbox, started on port 0 with its own database.
pub struct Sandbox {
    pub address: String,
    _database: TestDatabase,
    _data_dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }
}

/// Starts the marketplace sandbox (`ferry_marketplace::build`) for tests
/// that talk to it over HTTP, as Ferry does in production.
pub async fn spawn_marketplace() -> Sandbox {
    let database = TestDatabase::create().await.expect("a test database");
    let data_dir = tempfile::tempdir().expect("a data folder");
    let settings = ferry_marketplace::Settings {
        listen: "127.0.0.1:0".into(),
        database_url: database.url().to_string(),
        data_dir: data_dir.path().display().to_string(),
        ..ferry_marketplace::Settings::default()
    };
    let service = ferry_marketplace::build(&settings)
        .await
        .expect("the marketplace starts");
    Sandbox {
        address: spawn(service),
        _database: database,
        _data_dir: data_dir,
    }
}
