//! Running the services: `ferry up` (both, embedded SQLite), `ferry serve`
//! (the provider) and `ferry marketplace serve` (the sandbox).

use crate::config::FerryConfig;
use crate::sandbox_link;
use clap::Args;
use ferry_platform::http::shutdown_signal;
use ferry_platform::service::BoundService;
use std::path::PathBuf;
use tokio::sync::watch;

#[derive(Args)]
pub struct UpArgs {
    /// Folder for the SQLite files, the mail outbox and documents.
    #[arg(long, default_value = "ferry-data")]
    pub data_dir: PathBuf,
    /// The provider's port (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub provider_port: u16,
    /// The marketplace sandbox's port (0 picks a free one).
    #[arg(long, default_value_t = 8090)]
    pub marketplace_port: u16,
    /// Address both services listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
}

pub async fn up(config: FerryConfig, args: UpArgs) -> anyhow::Result<()> {
    let started = start_all(config, &args).await?;
    println!("Ferry is up. Data folder: {}", args.data_dir.display());
    announce(
        "Ferry provider (seller portal, API, ops)",
        &started.provider,
    )?;
    println!(
        "  Marketplace sandbox (Seller Central, SP-API, LWA): {} (sqlite database)",
        started.sandbox_url
    );
    announce_first_operator(&started.config, &started.provider).await?;
    println!("Press Ctrl-C to stop.");
    let mut running = started.running;
    running.serve(started.provider);
    running.until_shutdown().await
}

/// Both services started as `ferry up` starts them: the sandbox already
/// serving, the provider bound and ready to serve.
pub struct Started {
    pub config: FerryConfig,
    pub running: Running,
    pub provider: BoundService,
    pub provider_url: String,
    pub sandbox_url: String,
}

/// Starts the sandbox, links the two services (see [`sandbox_link`]) and
/// builds the provider, with SQLite files under the data folder.
pub async fn start_all(mut config: FerryConfig, args: &UpArgs) -> anyhow::Result<Started> {
    let data_dir = args.data_dir.display().to_string();
    std::fs::create_dir_all(&args.data_dir)?;
    // The provider's address goes into the OAuth redirect registered at the
    // sandbox, so it must be known before the provider starts.
    let provider_port = match args.provider_port {
        0 => sandbox_link::free_port(&args.host)?,
        port => port,
    };
    let provider_url = format!("http://{}:{provider_port}", args.host);
    config.provider.listen = format!("{}:{provider_port}", args.host);
    config
        .provider
        .public_url
        .get_or_insert_with(|| provider_url.clone());
    config.provider.database_url = format!("sqlite://{data_dir}/ferry.db");
    config.provider.data_dir = format!("{data_dir}/provider");
    // Everything runs on this machine: let webhooks reach local receivers.
    config.provider.webhooks = ferry_provider::webhooks::WebhookSettings::local_development();
    config.marketplace.listen = format!("{}:{}", args.host, args.marketplace_port);
    config.marketplace.database_url = format!("sqlite://{data_dir}/marketplace.db");
    config.marketplace.data_dir = format!("{data_dir}/marketplace");

    // The sandbox serves first: linking talks to its admin API.
    let marketplace = ferry_marketplace::build(&config.marketplace).await?;
    let sandbox_url = format!("http://{}", marketplace.local_addr()?);
    let mut running = Running::new();
    running.serve(marketplace);
    let registered_now =
        sandbox_link::link(&mut config, &args.data_dir, &sandbox_url, &provider_url).await?;
    let provider = ferry_provider::build(&config.provider).await?;
    if registered_now {
        sandbox_link::file_banks(&config, &sandbox_url, &provider_url).await?;
    }
    Ok(Started {
        config,
        running,
        provider,
        provider_url,
        sandbox_url,
    })
}

pub async fn provider(config: FerryConfig) -> anyhow::Result<()> {
    let service = ferry_provider::build(&config.provider).await?;
    announce("Ferry provider", &service)?;
    run_all(vec![service]).await
}

pub async fn marketplace(config: FerryConfig) -> anyhow::Result<()> {
    let service = ferry_marketplace::build(&config.marketplace).await?;
    announce("Marketplace sandbox", &service)?;
    run_all(vec![service]).await
}

/// The operator `ferry up` creates when the database has none.
const FIRST_OPERATOR_EMAIL: &str = "ops@ferry.local";

/// Creates the first operator of a fresh database and prints its one-time
/// password (the only time it is shown).
async fn announce_first_operator(
    config: &FerryConfig,
    provider: &BoundService,
) -> anyhow::Result<()> {
    let hasher = ferry_provider::password::Hasher::new(&config.provider.security);
    let now_ms = ferry_platform::db::unix_ms(time::OffsetDateTime::now_utc());
    let created = ferry_provider::ops::operators::create_first(
        provider.db(),
        hasher,
        FIRST_OPERATOR_EMAIL,
        now_ms,
    )
    .await
    .map_err(|failure| anyhow::anyhow!("cannot create the first operator: {failure:?}"))?;
    if let Some(password) = created {
        println!(
            "  Operator console: http://{}/ops — first operator {FIRST_OPERATOR_EMAIL}, one-time password {password} (choose your own and set up two-factor at the first sign-in)",
            provider.local_addr()?
        );
    }
    Ok(())
}

fn announce(title: &str, service: &BoundService) -> anyhow::Result<()> {
    println!(
        "  {title}: http://{} ({} database)",
        service.local_addr()?,
        service.db().backend().name()
    );
    Ok(())
}

/// Serves every service until SIGINT or SIGTERM, then stops them all
/// gracefully.
async fn run_all(services: Vec<BoundService>) -> anyhow::Result<()> {
    let mut running = Running::new();
    for service in services {
        running.serve(service);
    }
    running.until_shutdown().await
}

/// Services being served, and the signal that stops them together.
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: tokio::task::JoinSet<std::io::Result<()>>,
}

impl Running {
    pub fn new() -> Self {
        Self {
            stop: watch::channel(false).0,
            tasks: tokio::task::JoinSet::new(),
        }
    }

    pub fn serve(&mut self, service: BoundService) {
        let mut stopped = self.stop.subscribe();
        self.tasks.spawn(service.run_until(async move {
            drop(stopped.changed().await);
        }));
    }

    /// Waits for SIGINT or SIGTERM (or a service ending on its own), then
    /// stops the rest and waits for them.
    pub async fn until_shutdown(mut self) -> anyhow::Result<()> {
        tokio::select! {
            () = shutdown_signal() => {}
            Some(result) = self.tasks.join_next() => {
                result??;
            }
        }
        self.stop().await
    }

    /// Stops every service gracefully and waits for them.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        self.stop.send_replace(true);
        while let Some(result) = self.tasks.join_next().await {
            result??;
        }
        Ok(())
    }
}
