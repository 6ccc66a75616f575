//! A small HTTP user agent for the demo: one cookie jar per person and site,
//! JSON and form requests, and errors that say which call failed and what
//! the service answered (its machine code and sentence).

use anyhow::{Context, bail};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;

/// One person's browser at one site.
#[derive(Clone)]
pub struct Agent {
    base: String,
    http: Client,
}

impl Agent {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        Ok(Self {
            base: base.trim_end_matches('/').to_string(),
            http: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(std::time::Duration::from_secs(30))
                .build()?,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn http(&self) -> &Client {
        &self.http
    }

    /// POSTs JSON and returns the JSON answer; any status but `expected`
    /// is an error naming the call.
    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        expected: StatusCode,
    ) -> anyhow::Result<Value> {
        let response = self.http.post(self.url(path)).json(body).send().await;
        expect_json(path, response, expected).await
    }

    pub async fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        let response = self.http.get(self.url(path)).send().await;
        expect_json(path, response, StatusCode::OK).await
    }

    /// POSTs a form as a browser would; returns the status, the `Location`
    /// header if any, and the page.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
    ) -> anyhow::Result<(StatusCode, Option<String>, String)> {
        let response = self
            .http
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .with_context(|| format!("POST {path}"))?;
        let status = response.status();
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .map(str::to_string);
        Ok((status, location, response.text().await?))
    }

    pub async fn get_page(&self, path_or_url: &str) -> anyhow::Result<(StatusCode, String)> {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_string()
        } else {
            self.url(path_or_url)
        };
        let response = self
            .http
            .get(&url)
            .send()
            .await
            .with_context(|| format!("GET {url}"))?;
        Ok((response.status(), response.text().await?))
    }
}

async fn expect_json(
    path: &str,
    response: reqwest::Result<Response>,
    expected: StatusCode,
) -> anyhow::Result<Value> {
    let response = response.with_context(|| format!("{path}: no answer"))?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if status != expected {
        let reason = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|body| {
                let error = &body["error"];
                Some(format!(
                    "{} ({})",
                    error["message"].as_str()?,
                    error["code"].as_str()?
                ))
            })
            .unwrap_or(text);
        bail!("{path} answered HTTP {status}: {reason}");
    }
    if text.is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(&text).with_context(|| format!("{path} did not answer JSON"))
}

/// A person's authenticator app: RFC 6238 codes (30 s, 6 digits) for one
/// base32 secret. Both services accept each 30-second step once, so a
/// second code waits for the next step instead of replaying the first.
#[derive(Default)]
pub struct Authenticator {
    secret_base32: String,
    last_step: Option<u64>,
}

impl Authenticator {
    pub fn new(secret_base32: &str) -> Self {
        Self {
            secret_base32: secret_base32.to_string(),
            last_step: None,
        }
    }

    /// A code no earlier call returned.
    pub async fn code(&mut self) -> anyhow::Result<String> {
        let mut step = current_step();
        if self.last_step.is_some_and(|last| step <= last) {
            let into_step_ms = unix_ms() % 30_000;
            tokio::time::sleep(std::time::Duration::from_millis(
                30_000 - into_step_ms + 200,
            ))
            .await;
            step = current_step();
        }
        self.last_step = Some(step);
        let secret = totp_rs::Secret::try_from_base32(&self.secret_base32)
            .map_err(|error| anyhow::anyhow!("the TOTP secret is not base32: {error:?}"))?;
        let totp = totp_rs::Builder::new()
            .with_secret(secret)
            .with_account_name("ferry-demo")
            .build()
            .map_err(|error| anyhow::anyhow!("TOTP: {error:?}"))?;
        Ok(totp.generate(step * 30).to_string())
    }
}

fn unix_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as u64)
        .unwrap_or_default()
}

fn current_step() -> u64 {
    unix_ms() / 30_000
}
