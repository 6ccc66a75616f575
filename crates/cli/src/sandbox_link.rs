//! What `ferry up` does so that the two services know each other, the way a
//! real collection provider is introduced to Amazon: Ferry registers as a
//! developer with an app (for OAuth and the legacy MWS check), the sandbox
//! becomes a registered marketplace whose signed account checks Ferry
//! answers, and Ferry's partner banks enter the sandbox's bank directory as
//! a participating payment provider.
//!
//! The registration is kept in `<data dir>/sandbox-link.json`, so a second
//! `ferry up` on the same data folder reuses the app (and the refresh tokens
//! issued to it) instead of registering a new one.

use crate::config::FerryConfig;
use anyhow::Context;
use ferry_platform::Secret;
use ferry_provider::connector::sandbox::{self, SandboxApp};
use ferry_provider::payouts::PartnerBank;
use ferry_provider::receiving::RegisteredMarketplace;
use serde::{Deserialize, Serialize};
use std::path::Path;

const FILE_NAME: &str = "sandbox-link.json";
const MARKETPLACE_NAME: &str = "sandbox";

#[derive(Serialize, Deserialize, PartialEq, Eq)]
struct Link {
    sandbox_url: String,
    provider_url: String,
    developer_id: String,
    application_id: String,
    client_id: String,
    client_secret: String,
    marketplace_signing_secret: String,
}

impl Link {
    fn app(&self) -> SandboxApp {
        SandboxApp {
            developer_id: self.developer_id.clone(),
            application_id: self.application_id.clone(),
            client_id: self.client_id.clone(),
            client_secret: Secret::new(self.client_secret.clone()),
        }
    }
}

/// Points the provider's connector at the sandbox and registers the sandbox
/// as a marketplace, registering Ferry at the sandbox first when this data
/// folder has not done so for these addresses. Returns whether it did (the
/// partner banks must then be filed, see [`file_banks`]).
pub async fn link(
    config: &mut FerryConfig,
    data_dir: &Path,
    sandbox_url: &str,
    provider_url: &str,
) -> anyhow::Result<bool> {
    let path = data_dir.join(FILE_NAME);
    let saved = read(&path)?
        .filter(|link| link.sandbox_url == sandbox_url && link.provider_url == provider_url);
    let registered_now = saved.is_none();
    let link = match saved {
        Some(link) => link,
        None => {
            let link = register(sandbox_url, provider_url).await?;
            write(&path, &link)?;
            link
        }
    };
    let redirect_uri = callback_url(provider_url);
    config.provider.connector = sandbox::connector_settings(
        sandbox_url,
        &link.app(),
        &redirect_uri,
        config.provider.connector.clone(),
    );
    // The sandbox's bank directory keeps one secret per bank for both the
    // account checks and the payout rail's notifications, so the sandbox
    // signs as a marketplace and as a partner bank with the same one.
    config.provider.receiving.partner_banks = vec![PartnerBank {
        name: MARKETPLACE_NAME.into(),
        signing_secret: Secret::new(link.marketplace_signing_secret.clone()),
    }];
    config.provider.receiving.marketplaces = vec![RegisteredMarketplace {
        name: MARKETPLACE_NAME.into(),
        signing_secret: Secret::new(link.marketplace_signing_secret),
    }];
    Ok(registered_now)
}

/// Files the provider's partner banks in the sandbox's bank directory.
pub async fn file_banks(
    config: &FerryConfig,
    sandbox_url: &str,
    provider_url: &str,
) -> anyhow::Result<()> {
    let secret = config
        .provider
        .receiving
        .marketplaces
        .iter()
        .find(|m| m.name == MARKETPLACE_NAME)
        .map(|m| m.signing_secret.clone())
        .context("the sandbox is not a registered marketplace")?;
    sandbox::register_programmes(
        &reqwest::Client::new(),
        sandbox_url,
        &config.provider.receiving.programmes,
        provider_url,
        &secret,
    )
    .await
    .map_err(|error| anyhow::anyhow!("cannot file Ferry's banks at the sandbox: {error}"))
}

fn callback_url(provider_url: &str) -> String {
    format!(
        "{}{}",
        provider_url.trim_end_matches('/'),
        ferry_provider::stores::CALLBACK_PATH
    )
}

async fn register(sandbox_url: &str, provider_url: &str) -> anyhow::Result<Link> {
    let app = sandbox::register_app(
        &reqwest::Client::new(),
        sandbox_url,
        &callback_url(provider_url),
    )
    .await
    .map_err(|error| anyhow::anyhow!("cannot register Ferry at the sandbox: {error}"))?;
    Ok(Link {
        sandbox_url: sandbox_url.into(),
        provider_url: provider_url.into(),
        developer_id: app.developer_id,
        application_id: app.application_id,
        client_id: app.client_id,
        client_secret: app.client_secret.expose().clone(),
        marketplace_signing_secret: ferry_provider::tokens::generate(),
    })
}

fn read(path: &Path) -> anyhow::Result<Option<Link>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(serde_json::from_str(&text).with_context(|| {
            format!("{} is not a sandbox link", path.display())
        })?)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
}

/// Writes the link readable by its owner only: it holds the app's secret.
fn write(path: &Path, link: &Link) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(link)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    Ok(())
}

/// A port nobody listens on now, for a service whose address must be known
/// before it starts (the provider's, which goes into the OAuth redirect).
pub fn free_port(host: &str) -> anyhow::Result<u16> {
    let listener =
        std::net::TcpListener::bind((host, 0)).with_context(|| format!("cannot bind {host}"))?;
    Ok(listener.local_addr()?.port())
}
