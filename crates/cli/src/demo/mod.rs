//! `ferry demo`: the seed's whole journey, end to end, through the public
//! HTTP interfaces of both services, printing a line per step and a summary.
//!
//! With `--provider` and `--marketplace` it drives services already running
//! (e.g. `ferry up`), reading the activation e-mail from the provider's mail
//! outbox folder and creating its reviewing operator as `ferry ops
//! create-operator` would; without them it starts both services itself on a
//! temporary data folder, exactly as `ferry up` does, and stops them after.

mod journey;
mod web;

use crate::config::FerryConfig;
use crate::serve::{UpArgs, start_all};
use clap::Args;
use journey::{Journey, StepTiming, Target};
use std::future::Future;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct DemoArgs {
    /// A running provider's base URL (e.g. http://127.0.0.1:8080).
    #[arg(long, requires = "marketplace")]
    provider: Option<String>,
    /// A running marketplace sandbox's base URL (e.g. http://127.0.0.1:8090).
    #[arg(long, requires = "provider")]
    marketplace: Option<String>,
    /// With running services: the data folder `ferry up` was given (for the
    /// mail outbox and the provider's database).
    #[arg(long, default_value = "ferry-data")]
    data_dir: PathBuf,
    /// Print the summary as JSON on standard output (progress goes to
    /// standard error).
    #[arg(long)]
    json: bool,
}

pub async fn run(config: FerryConfig, args: DemoArgs) -> anyhow::Result<()> {
    match (&args.provider, &args.marketplace) {
        (Some(provider), Some(marketplace)) => {
            let data_dir = args.data_dir.display().to_string();
            let target = Target {
                provider_url: provider.clone(),
                marketplace_url: marketplace.clone(),
                mail_outbox: args
                    .data_dir
                    .join("provider")
                    .join(ferry_platform::mail::OUTBOX_FOLDER),
                provider_database_url: format!("sqlite://{data_dir}/ferry.db"),
                provider_settings: config.provider.clone(),
            };
            drive(target, args.json).await
        }
        _ => {
            let folder = tempfile::tempdir()?;
            let up = UpArgs {
                data_dir: folder.path().to_path_buf(),
                provider_port: 0,
                marketplace_port: 0,
                host: "127.0.0.1".into(),
            };
            let started = start_all(config, &up).await?;
            let target = Target {
                provider_url: started.provider_url.clone(),
                marketplace_url: started.sandbox_url.clone(),
                mail_outbox: PathBuf::from(&started.config.provider.data_dir)
                    .join(ferry_platform::mail::OUTBOX_FOLDER),
                provider_database_url: started.config.provider.database_url.clone(),
                provider_settings: started.config.provider.clone(),
            };
            let mut running = started.running;
            running.serve(started.provider);
            let outcome = drive(target, args.json).await;
            running.stop().await?;
            outcome
        }
    }
}

/// Runs every step in order, stopping at the first failure with the step's
/// name and the error.
async fn drive(target: Target, json: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut journey = Journey::new(target)?;
    let mut progress = Progress::new(STEPS);
    progress
        .step(
            "Marketplace: sign up with stores on amazon.com and amazon.de",
            journey.marketplace_sign_up(),
        )
        .await?;
    progress
        .step(
            "Ferry: register as a company (zh-CN)",
            journey.ferry_register(),
        )
        .await?;
    progress
        .step(
            "Ferry: follow the activation e-mail's link",
            journey.ferry_activate(),
        )
        .await?;
    progress
        .step(
            "Ferry: sign in and enrol two-factor",
            journey.ferry_two_factor(),
        )
        .await?;
    progress
        .step(
            "Ferry: submit company verification (KYB)",
            journey.ferry_kyb(),
        )
        .await?;
    progress
        .step(
            "Ferry ops: an operator approves the verification",
            journey.ops_approve(),
        )
        .await?;
    progress
        .step(
            "Ferry: open USD and EUR receiving accounts for the store",
            journey.open_accounts(),
        )
        .await?;
    progress
        .step(
            "Marketplace: open a support case announcing the change",
            journey.support_case(),
        )
        .await?;
    progress
        .step(
            "Ferry: authorize amazon.de (OAuth consent)",
            journey.authorize_oauth(),
        )
        .await?;
    progress
        .step(
            "Ferry: the planner's safe window for the change",
            journey.plan(),
        )
        .await?;
    progress
        .step(
            "Marketplace: set both accounts as deposit methods",
            journey.set_deposit_methods(),
        )
        .await?;
    progress
        .step(
            "Ferry: bind amazon.com with Seller ID + MWS token",
            journey.bind_mws(),
        )
        .await?;
    progress
        .step(
            "Ferry: both stores verified over SP-API",
            journey.verify_bound(),
        )
        .await?;
    progress
        .step(
            "Marketplace: orders, then the clock passes settlement",
            journey.orders_and_settlement(),
        )
        .await?;
    progress
        .step(
            "Ferry: the payouts arrive in the wallets",
            journey.payouts_arrive(),
        )
        .await?;
    progress
        .step(
            "Ferry: settlements reconcile with the payouts",
            journey.reconcile(),
        )
        .await?;
    progress
        .step(
            "Ferry: convert EUR to USD at a shown rate",
            journey.convert(),
        )
        .await?;
    progress
        .step(
            "Ferry: withdraw USD to a mainland bank card",
            journey.withdraw(),
        )
        .await?;
    progress.step("Ferry: balances", journey.balances()).await?;
    journey.summary.steps = progress.timings;
    let total_s = started.elapsed().as_secs_f64();
    if json {
        println!("{}", serde_json::to_string_pretty(&journey.summary)?);
    } else {
        print_summary(&journey.summary, total_s);
    }
    Ok(())
}

/// How many steps [`drive`] runs (for the progress indicator).
const STEPS: usize = 19;

struct Progress {
    total: usize,
    done: usize,
    timings: Vec<StepTiming>,
}

impl Progress {
    fn new(total: usize) -> Self {
        Self {
            total,
            done: 0,
            timings: Vec::new(),
        }
    }

    /// Runs one step, printing `[ n/N] title … outcome (seconds)` to
    /// standard error.
    async fn step(
        &mut self,
        title: &str,
        work: impl Future<Output = anyhow::Result<String>>,
    ) -> anyhow::Result<()> {
        self.done += 1;
        let started = Instant::now();
        eprint!("[{:>2}/{}] {title} … ", self.done, self.total);
        match work.await {
            Ok(outcome) => {
                let seconds = started.elapsed().as_secs_f64();
                eprintln!("ok: {outcome} ({seconds:.1} s)");
                self.timings.push(StepTiming {
                    step: title.to_string(),
                    seconds,
                });
                Ok(())
            }
            Err(error) => {
                eprintln!("FAILED");
                Err(error.context(format!("step {}/{}: {title}", self.done, self.total)))
            }
        }
    }
}

fn print_summary(summary: &journey::Summary, total_s: f64) {
    println!();
    println!("The journey is complete in {total_s:.1} s.");
    println!("  Ferry seller:        {}", summary.seller_email);
    println!("  Amazon seller ID:    {}", summary.amazon_seller_id);
    for account in &summary.receiving_accounts {
        println!(
            "  Receiving account:   {} …{} ({})",
            account["currency"].as_str().unwrap_or("?"),
            account["tail"].as_str().unwrap_or("?"),
            account["bank_name"].as_str().unwrap_or("?"),
        );
    }
    for settlement in &summary.settlements {
        println!(
            "  Settlement:          {} {} {}",
            settlement["settlement_id"],
            settlement["total"]["currency"].as_str().unwrap_or("?"),
            settlement["total"]["amount"].as_str().unwrap_or("?"),
        );
    }
    for wallet in &summary.balances {
        println!(
            "  Wallet:              {} {}",
            wallet["currency"].as_str().unwrap_or("?"),
            wallet["posted"].as_str().unwrap_or("?"),
        );
    }
}
