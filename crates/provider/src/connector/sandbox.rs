//! Introducing a provider to the marketplace sandbox over its admin API, as
//! `ferry up` does: Ferry's developer and app (for OAuth and the legacy MWS
//! check), and Ferry's partner banks in the sandbox's bank directory as a
//! participating payment provider whose verification endpoint is this
//! Ferry. Against Amazon these are done by hand in Developer Central and by
//! Amazon's program team.

use super::ConnectorSettings;
use crate::receiving::programmes::Programme;
use crate::receiving::verification;
use ferry_platform::Secret;
use serde_json::{Value, json};

/// Ferry's registration at the sandbox.
#[derive(Debug, Clone)]
pub struct SandboxApp {
    pub developer_id: String,
    pub application_id: String,
    pub client_id: String,
    pub client_secret: Secret<String>,
}

async fn post(http: &reqwest::Client, url: String, body: &Value) -> Result<Value, String> {
    let response = http
        .post(&url)
        .json(body)
        .send()
        .await
        .map_err(|error| format!("{url}: {error}"))?;
    let status = response.status();
    let body: Value = response
        .json()
        .await
        .map_err(|error| format!("{url}: {error}"))?;
    if !status.is_success() {
        return Err(format!("{url} answered {status}: {body}"));
    }
    Ok(body)
}

fn text(body: &Value, key: &str) -> Result<String, String> {
    body[key]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("the sandbox's answer has no {key}: {body}"))
}

/// Creates Ferry's developer and app (redirecting to `redirect_uri`).
pub async fn register_app(
    http: &reqwest::Client,
    sandbox_url: &str,
    redirect_uri: &str,
) -> Result<SandboxApp, String> {
    let base = sandbox_url.trim_end_matches('/');
    let developer = post(
        http,
        format!("{base}/sandbox/v1/developers"),
        &json!({ "name": "Ferry" }),
    )
    .await?;
    let developer_id = text(&developer, "developer_id")?;
    let app = post(
        http,
        format!("{base}/sandbox/v1/apps"),
        &json!({
            "developer_id": developer_id,
            "name": "Ferry Collections",
            "redirect_uris": [redirect_uri],
        }),
    )
    .await?;
    Ok(SandboxApp {
        developer_id,
        application_id: text(&app, "application_id")?,
        client_id: text(&app, "client_id")?,
        client_secret: Secret::new(text(&app, "client_secret")?),
    })
}

/// The connector settings that point at the sandbox with this app.
pub fn connector_settings(
    sandbox_url: &str,
    app: &SandboxApp,
    redirect_uri: &str,
    base: ConnectorSettings,
) -> ConnectorSettings {
    let sandbox_url = sandbox_url.trim_end_matches('/');
    ConnectorSettings {
        lwa_token_url: format!("{sandbox_url}/auth/o2/token"),
        sp_api_url: sandbox_url.to_string(),
        seller_central_url: Some(sandbox_url.to_string()),
        application_id: app.application_id.clone(),
        client_id: app.client_id.clone(),
        client_secret: app.client_secret.clone(),
        redirect_uri: Some(redirect_uri.to_string()),
        mws_verify_url: Some(format!("{sandbox_url}/sandbox/v1/mws/verify")),
        mws_developer_id: Some(app.developer_id.clone()),
        ..base
    }
}

/// Files each programme's bank in the sandbox's directory as a
/// participating provider that answers at `provider_url`'s verification
/// endpoint and takes credit notifications (the sandbox's payout rail) at
/// its bank notification endpoint, signing both with `signing_secret`.
pub async fn register_programmes(
    http: &reqwest::Client,
    sandbox_url: &str,
    programmes: &[Programme],
    provider_url: &str,
    signing_secret: &Secret<String>,
) -> Result<(), String> {
    let base = sandbox_url.trim_end_matches('/');
    let verification_url = format!(
        "{}{}",
        provider_url.trim_end_matches('/'),
        verification::PATH
    );
    let notification_url = format!(
        "{}{}",
        provider_url.trim_end_matches('/'),
        crate::payouts::NOTIFICATIONS_PATH
    );
    for programme in programmes {
        let (code_type, code) = programme.directory_key();
        post(
            http,
            format!("{base}/sandbox/v1/banks"),
            &json!({
                "code_type": code_type,
                "code": code,
                "institution_name": programme.bank_name,
                "kind": "payment_provider",
                "participating": true,
                "account_verification_url": verification_url,
                "notification_url": notification_url,
                "signing_secret": signing_secret.expose(),
            }),
        )
        .await?;
    }
    Ok(())
}
