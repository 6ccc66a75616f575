//! `ferry migrate`: apply one service's migrations to a database.

use crate::config::FerryConfig;
use clap::{Args, ValueEnum};
use ferry_platform::db::{Db, redact_url};

#[derive(Clone, Copy, ValueEnum)]
pub enum Service {
    Provider,
    Marketplace,
}

#[derive(Args)]
pub struct MigrateArgs {
    /// Which service's schema to apply.
    #[arg(value_enum, default_value = "provider")]
    service: Service,
    /// Database URL; defaults to the service's configured one.
    #[arg(long)]
    database_url: Option<String>,
}

pub async fn run(config: FerryConfig, args: MigrateArgs) -> anyhow::Result<()> {
    let configured = match args.service {
        Service::Provider => config.provider.database_url,
        Service::Marketplace => config.marketplace.database_url,
    };
    let url = args.database_url.unwrap_or(configured);
    let db = Db::connect(&url).await?;
    match args.service {
        Service::Provider => ferry_provider::migrate(&db).await?,
        Service::Marketplace => db.migrate(&ferry_marketplace::MIGRATIONS).await?,
    }
    db.close().await;
    println!("migrations applied to {}", redact_url(&url));
    Ok(())
}
