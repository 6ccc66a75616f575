use ferry_platform::mail::{MailMessage, read_outbox_folder};
use ferry_platform::testing::{TestDatabase, spawn};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use thirtyfour::prelude::*;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A headless Chromium driven through its own chromedriver, saving a
/// numbered screenshot of each page it is asked to record.
pub struct Browser {
    pub driver: WebDriver,
    chromedriver: Child,
    screenshots: PathBuf,
    shots: usize,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub async fn start(test_name: &str) -> Browser {
        let started = std::time::Instant::now();
        let port = free_port();
        let chromedriver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver runs (apt-get install chromium chromium-driver)");
        wait_for_port(port).await;
        let profile = tempfile::tempdir().expect("a profile folder");
        let mut caps = DesiredCapabilities::chrome();
        caps.set_binary(CHROMIUM).unwrap();
        // The flags the machine needs: no sandbox as root, and no background
        // network calls, which this closed network refuses.
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1280,900",
            "--lang=zh-CN",
        ] {
            caps.add_arg(arg).unwrap();
        }
        caps.add_arg(&format!("--user-data-dir={}", profile.path().display()))
            .unwrap();
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
            .await
            .expect("a Chromium session");
        eprintln!("Chromium session ready after {:?}", started.elapsed());
        let screenshots = screenshot_root().join(test_name);
        drop(std::fs::remove_dir_all(&screenshots));
        std::fs::create_dir_all(&screenshots).expect("the screenshot folder");
        Browser {
            driver,
            chromedriver,
            screenshots,
            shots: 0,
            _profile: profile,
        }
    }

    /// Saves the current page as `NN-name.png`.
    pub async fn shot(&mut self, name: &str) {
        self.shots += 1;
        let path = self
            .screenshots
            .join(format!("{:02}-{name}.png", self.shots));
        self.driver.screenshot(&path).await.expect("a screenshot");
    }

    pub async fn goto(&self, url: &str) {
        self.driver.goto(url).await.expect("the page loads");
    }

    pub async fn fill(&self, name: &str, value: &str) {
        let field = self
            .driver
            .find(By::Name(name))
            .await
            .unwrap_or_else(|_| panic!("a field named {name}"));
        field.clear().await.expect("clear the field");
        field.send_keys(value).await.expect("type into the field");
    }

    pub async fn select(&self, name: &str, value: &str) {
        let option = self
            .driver
            .find(By::Css(format!(
                "select[name='{name}'] option[value='{value}']"
            )))
            .await
            .unwrap_or_else(|_| panic!("option {value} of {name}"));
        option.click().await.expect("choose the option");
    }

    /// Clicks the submit button of the form that holds field `name` and
    /// waits for the next page.
    pub async fn submit_form_with(&self, name: &str) {
        let button = self
            .driver
            .find(By::XPath(format!(
                "//form[.//*[@name='{name}']]//button[not(@type) or @type='submit']"
            )))
            .await
            .unwrap_or_else(|_| panic!("the submit button of the form with {name}"));
        self.click_and_wait(&button).await;
    }

    /// Follows the link with this text and waits for the next page.
    pub async fn follow(&self, link_text: &str) {
        let link = self
            .driver
            .find(By::LinkText(link_text))
            .await
            .unwrap_or_else(|_| panic!("a link {link_text:?}"));
        self.click_and_wait(&link).await;
    }

    /// Clicks, then waits until the old page is gone and the new one has
    /// loaded, so nothing reads a page that is being replaced.
    pub async fn click_and_wait(&self, element: &WebElement) {
        let old_page = self.driver.find(By::Tag("html")).await.expect("a page");
        element.click().await.expect("click");
        for _ in 0..200 {
            if !old_page.is_present().await.unwrap_or(false) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        for _ in 0..200 {
            let state = self
                .driver
                .execute("return document.readyState", vec![])
                .await;
            if state
                .ok()
                .and_then(|s| s.json().as_str().map(str::to_string))
                .as_deref()
                == Some("complete")
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn text(&self) -> String {
        self.driver
            .find(By::Tag("body"))
            .await
            .expect("a body")
            .text()
            .await
            .expect("its text")
    }

    pub async fn path(&self) -> String {
        self.driver
            .current_url()
            .await
            .expect("a URL")
            .path()
            .to_string()
    }

    pub async fn close(mut self) {
        drop(self.driver.quit().await);
        drop(self.chromedriver.kill());
        drop(self.chromedriver.wait());
    }
}

fn screenshot_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/e2e-screenshots")
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

async fn wait_for_port(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start on port {port}");
}

/// The provider with its outbox worker running, on a fresh database.
pub struct Provider {
    pub url: String,
    pub db: ferry_platform::db::Db,
    pub settings: ferry_provider::Settings,
    data_dir: tempfile::TempDir,
    _database: TestDatabase,
}

impl Provider {
    pub async fn start() -> Provider {
        Self::start_with(|_| {}).await
    }

    /// Like [`Provider::start`], with settings adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut ferry_provider::Settings)) -> Provider {
        let database = TestDatabase::create().await.expect("a database");
        let data_dir = tempfile::tempdir().expect("a data folder");
        let mut settings = ferry_provider::Settings {
            listen: "127.0.0.1:0".into(),
            database_url: database.url().to_string(),
            data_dir: data_dir.path().display().to_string(),
            ..ferry_provider::Settings::default()
        };
        adjust(&mut settings);
        let service = ferry_provider::build(&settings)
            .await
            .expect("the provider starts");
        let db = service.db().clone();
        Provider {
            url: spawn(service),
            db,
            settings,
            data_dir,
            _database: database,
        }
    }

    /// Provisions an operator the way `ferry ops create-operator` does,
    /// returning the one-time password an administrator would hand over.
    pub async fn create_operator(&self, email: &str) -> String {
        let now_ms = ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc());
        let hasher = ferry_provider::password::Hasher::new(&self.settings.security);
        ferry_provider::ops::operators::create(&self.db, hasher, email, now_ms)
            .await
            .expect("an operator")
    }

    /// Registers `email` through the pages in Chinese, follows the activation
    /// e-mail and signs in, ending on the dashboard.
    pub async fn register_and_sign_in(&self, browser: &mut Browser, seller: &Seller<'_>) {
        browser.goto(&format!("{}/register", self.url)).await;
        // Chromium asks for English here; the seller picks Chinese, and the
        // choice is remembered for every later page.
        browser.follow("中文").await;
        let page = browser.text().await;
        assert!(page.contains("注册"), "the page is in Chinese: {page}");
        browser.fill("email", seller.email).await;
        browser.fill("password", seller.password).await;
        browser.select("account_kind", seller.kind).await;
        browser.fill("display_name", seller.display_name).await;
        browser.shot("register").await;
        browser.submit_form_with("email").await;
        assert_eq!(browser.path().await, "/check-email");
        browser.shot("check-your-email").await;

        let mail = self.mail_containing(seller.email, "/activate?token=").await;
        browser.goto(&link_in(&mail.text, "/activate?token=")).await;
        browser.shot("activate").await;
        browser.submit_form_with("token").await;
        browser.shot("activated").await;

        browser.goto(&format!("{}/sign-in", self.url)).await;
        browser.fill("email", seller.email).await;
        browser.fill("password", seller.password).await;
        browser.shot("sign-in").await;
        browser.submit_form_with("password").await;
        assert_eq!(browser.path().await, "/dashboard");
        assert!(browser.text().await.contains(seller.display_name));
        browser.shot("dashboard").await;
    }

    /// Waits for an e-mail to `to` whose text contains `marker`.
    pub async fn mail_containing(&self, to: &str, marker: &str) -> MailMessage {
        let folder = self
            .data_dir
            .path()
            .join(ferry_platform::mail::OUTBOX_FOLDER);
        for _ in 0..100 {
            let found = read_outbox_folder(&folder)
                .into_iter()
                .find(|mail| mail.to.contains(to) && mail.text.contains(marker));
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no e-mail to {to} containing {marker}");
    }
}

/// Who signs up at Ferry.
pub struct Seller<'a> {
    pub email: &'a str,
    pub password: &'a str,
    /// `individual` or `company`.
    pub kind: &'a str,
    pub display_name: &'a str,
}

/// A picture of `width` x `height` pixels saved as a JPEG file, standing in
/// for a photographed document.
pub fn jpeg_file(folder: &std::path::Path, name: &str, width: u32, height: u32) -> PathBuf {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (x % 251) as u8,
            (y % 241) as u8,
            ((x * 7 + y * 3) % 239) as u8,
        ])
    });
    let path = folder.join(name);
    picture.save(&path).expect("a JPEG file");
    path
}

/// The marketplace sandbox on a fresh database.
pub struct Marketplace {
    pub url: String,
    _data_dir: tempfile::TempDir,
    _database: TestDatabase,
}

impl Marketplace {
    pub async fn start() -> Marketplace {
        let database = TestDatabase::create().await.expect("a database");
        let data_dir = tempfile::tempdir().expect("a data folder");
        let settings = ferry_marketplace::Settings {
            listen: "127.0.0.1:0".into(),
            database_url: database.url().to_string(),
            data_dir: data_dir.path().display().to_string(),
            ..ferry_marketplace::Settings::default()
        };
        let service = ferry_marketplace::build(&settings)
            .await
            .expect("the sandbox starts");
        Marketplace {
            url: spawn(service),
            _data_dir: data_dir,
            _database: database,
        }
    }
}

/// The first `http://…` link in `text` that contains `path`.
pub fn link_in(text: &str, path: &str) -> String {
    text.split_whitespace()
        .map(|word| {
            word.trim_matches(|c: char| c == '<' || c == '>' || c == '"' || c == '(' || c == ')')
        })
        .find(|word| word.starts_with("http") && word.contains(path))
        .unwrap_or_else(|| panic!("a link to {path} in: {text}"))
        .to_string()
}

/// The current code of a base32 TOTP secret shown to the user.
pub fn totp_code(secret_base32: &str) -> String {
    let secret =
        totp_rs::Secret::try_from_base32(secret_base32.replace(' ', "")).expect("a base32 secret");
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .expect("a TOTP")
        .generate_current()
        .to_string()
}
