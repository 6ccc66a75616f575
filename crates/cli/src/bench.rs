//! `ferry bench ledger`: durable ledger transfers per second on SQLite and
//! PostgreSQL, by batch size, with and without a hot account, beside an
//! in-memory ceiling and (on the same PostgreSQL) pgbench's TPC-B-like run,
//! so every figure is read against a baseline measured in the same run.

use anyhow::Context;
use clap::Args;
use ferry_ledger::engine::{BatchState, apply_batch};
use ferry_ledger::{
    Account, AccountCode, AccountFlags, LedgerCode, LedgerWriter, NewAccount, Transfer,
    TransferFlags, create_accounts,
};
use ferry_platform::db::{Backend, Db, unix_ms};
use ferry_platform::testing::TestDatabase;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct BenchArgs {
    /// Also measure PostgreSQL (an administrative URL; a scratch database is
    /// created and dropped), and run pgbench against it.
    #[arg(long, env = "FERRY_BENCH_POSTGRES_URL")]
    postgres_url: Option<String>,
    /// Batch sizes to measure.
    #[arg(long, value_delimiter = ',', default_values_t = [1_usize, 10, 100, 1000, 8190])]
    batch_sizes: Vec<usize>,
    /// Roughly how long to measure each row.
    #[arg(long, default_value_t = 3)]
    seconds_per_row: u64,
    /// Seller wallets the transfers spread over.
    #[arg(long, default_value_t = 10_000)]
    accounts: usize,
}

/// One printed row.
struct Row {
    backend: &'static str,
    mode: String,
    hot: bool,
    transfers_per_second: f64,
}

pub async fn ledger(args: BenchArgs) -> anyhow::Result<()> {
    let mut rows = Vec::new();
    for hot in [false, true] {
        rows.push(in_memory_row(&args, hot));
    }
    for backend in backends(&args) {
        for hot in [false, true] {
            for &batch in &args.batch_sizes {
                rows.push(durable_row(&args, backend, batch, hot).await?);
                eprintln!("measured {} batch {batch} hot={hot}", backend.name());
            }
            rows.push(writer_row(&args, backend, hot).await?);
        }
    }
    let pgbench_tps = match &args.postgres_url {
        Some(url) => pgbench_tps(url, args.seconds_per_row * 3).await?,
        None => None,
    };
    print_table(&rows, pgbench_tps);
    Ok(())
}

fn backends(args: &BenchArgs) -> Vec<Backend> {
    let mut backends = vec![Backend::Sqlite];
    if args.postgres_url.is_some() {
        backends.push(Backend::Postgres);
    }
    backends
}

fn ledger_code() -> LedgerCode {
    LedgerCode::currency("USD").expect("USD is a currency code")
}

const BANK: &str = "bench_bank";
const FEES: &str = "bench_fees";

fn bench_accounts(count: usize) -> Vec<NewAccount> {
    let plain = |id: String, code| NewAccount {
        id,
        ledger: ledger_code(),
        code,
        flags: AccountFlags::default(),
        owner: None,
    };
    let mut accounts = vec![
        plain(BANK.into(), AccountCode::BankSettlement),
        plain(FEES.into(), AccountCode::FeeRevenue),
    ];
    accounts.extend((0..count).map(|i| NewAccount {
        flags: AccountFlags(AccountFlags::DEBITS_MUST_NOT_EXCEED_CREDITS),
        ..plain(wallet_id(i), AccountCode::SellerWallet)
    }));
    accounts
}

fn wallet_id(i: usize) -> String {
    format!("bench_wallet_{i:06}")
}

/// The `n`th transfer: a payout from the bank into a wallet, or, with a hot
/// account, every tenth one a fee into the one fee account.
fn bench_transfer(run: &str, n: usize, accounts: usize, hot: bool) -> Transfer {
    // A multiplicative hash spreads consecutive transfers over the wallets.
    let wallet = (n.wrapping_mul(2_654_435_761)) % accounts;
    let credit = if hot && n.is_multiple_of(10) {
        FEES.to_string()
    } else {
        wallet_id(wallet)
    };
    Transfer {
        id: format!("{run}_{n:09}"),
        debit_account_id: BANK.into(),
        credit_account_id: credit,
        amount: 100 + (n % 900) as i64,
        ledger: ledger_code(),
        code: 1,
        flags: TransferFlags::default(),
        pending_id: None,
        expires_at_ms: 0,
        reference: None,
    }
}

fn now_ms() -> i64 {
    unix_ms(time::OffsetDateTime::now_utc())
}

fn in_memory_row(args: &BenchArgs, hot: bool) -> Row {
    let mut state = BatchState::default();
    for account in bench_accounts(args.accounts) {
        state
            .accounts
            .insert(account.id.clone(), empty_account(account));
    }
    let batch_size = 8190;
    let deadline = Instant::now() + Duration::from_secs(args.seconds_per_row);
    let started = Instant::now();
    let mut applied = 0;
    while Instant::now() < deadline {
        let batch: Vec<Transfer> = (applied..applied + batch_size)
            .map(|n| bench_transfer("mem", n, args.accounts, hot))
            .collect();
        let (results, _) = apply_batch(&mut state, &[&batch], now_ms());
        assert!(results[0].iter().all(|r| r.is_ok()));
        applied += batch_size;
        // Keep memory flat: the benchmark measures applying, not a growing map.
        state.transfers.clear();
    }
    Row {
        backend: "memory",
        mode: format!("batch {batch_size}"),
        hot,
        transfers_per_second: per_second(applied, started.elapsed()),
    }
}

fn empty_account(account: NewAccount) -> Account {
    Account {
        id: account.id,
        ledger: account.ledger,
        code: account.code as i64,
        flags: account.flags,
        owner: account.owner,
        debits_pending: 0,
        debits_posted: 0,
        credits_pending: 0,
        credits_posted: 0,
    }
}

/// A scratch database on `backend`, migrated, with the bench accounts.
async fn scratch_ledger(backend: Backend, args: &BenchArgs) -> anyhow::Result<(TestDatabase, Db)> {
    let database = match backend {
        Backend::Sqlite => TestDatabase::create_sqlite()?,
        Backend::Postgres => {
            let url = args.postgres_url.clone().context("a Postgres URL")?;
            TestDatabase::create_postgres_on(url).await?
        }
    };
    let db = Db::connect(database.url()).await?;
    db.migrate(&ferry_ledger::MIGRATIONS).await?;
    create_accounts(&db, &bench_accounts(args.accounts), now_ms()).await?;
    Ok((database, db))
}

async fn durable_row(
    args: &BenchArgs,
    backend: Backend,
    batch: usize,
    hot: bool,
) -> anyhow::Result<Row> {
    let (_database, db) = scratch_ledger(backend, args).await?;
    let deadline = Instant::now() + Duration::from_secs(args.seconds_per_row);
    let started = Instant::now();
    let mut applied = 0;
    while Instant::now() < deadline {
        let transfers: Vec<Transfer> = (applied..applied + batch)
            .map(|n| bench_transfer("dur", n, args.accounts, hot))
            .collect();
        let results = ferry_ledger::store::apply(&db, &[&transfers], now_ms()).await?;
        anyhow::ensure!(
            results[0].iter().all(|r| r.is_ok()),
            "a bench transfer failed"
        );
        applied += batch;
    }
    let elapsed = started.elapsed();
    verify_clean(&db).await?;
    db.close().await;
    Ok(Row {
        backend: backend.name(),
        mode: format!("batch {batch}"),
        hot,
        transfers_per_second: per_second(applied, elapsed),
    })
}

/// Many clients each submitting one transfer at a time through the
/// batching writer: the group commit a real server gets.
async fn writer_row(args: &BenchArgs, backend: Backend, hot: bool) -> anyhow::Result<Row> {
    const CLIENTS: usize = 256;
    let (_database, db) = scratch_ledger(backend, args).await?;
    let writer = LedgerWriter::start(db.clone());
    let deadline = Instant::now() + Duration::from_secs(args.seconds_per_row);
    let started = Instant::now();
    let mut clients = tokio::task::JoinSet::new();
    for client in 0..CLIENTS {
        let writer = writer.clone();
        let accounts = args.accounts;
        clients.spawn(async move {
            let mut sent = 0_usize;
            while Instant::now() < deadline {
                let n = sent * CLIENTS + client;
                let results = writer
                    .submit(vec![bench_transfer("wr", n, accounts, hot)])
                    .await?;
                anyhow::ensure!(results[0].is_ok(), "a bench transfer failed");
                sent += 1;
            }
            Ok(sent)
        });
    }
    let mut applied = 0;
    while let Some(sent) = clients.join_next().await {
        applied += sent??;
    }
    let elapsed = started.elapsed();
    verify_clean(&db).await?;
    db.close().await;
    Ok(Row {
        backend: backend.name(),
        mode: format!("writer, {CLIENTS} clients x 1"),
        hot,
        transfers_per_second: per_second(applied, elapsed),
    })
}

async fn verify_clean(db: &Db) -> anyhow::Result<()> {
    let violations = ferry_ledger::verify(db).await?;
    anyhow::ensure!(
        violations.is_empty(),
        "ledger invariants broken: {violations:?}"
    );
    Ok(())
}

fn per_second(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64().max(f64::EPSILON)
}

/// pgbench's TPC-B-like transactions per second on the same server, at the
/// same durability (`synchronous_commit` as the server has it), or `None`
/// when pgbench is not installed.
async fn pgbench_tps(admin_url: &str, seconds: u64) -> anyhow::Result<Option<f64>> {
    if which("pgbench").is_none() {
        eprintln!("pgbench is not installed: no TPC-B baseline");
        return Ok(None);
    }
    let database = TestDatabase::create_postgres_on(admin_url.to_string()).await?;
    let url = database.url().to_string();
    let init = tokio::process::Command::new("pgbench")
        .args(["-i", "-q", "-s", "10", &url])
        .output()
        .await?;
    anyhow::ensure!(
        init.status.success(),
        "pgbench -i failed: {}",
        String::from_utf8_lossy(&init.stderr)
    );
    let run = tokio::process::Command::new("pgbench")
        .args(["-n", "-c", "8", "-j", "2", "-T", &seconds.to_string(), &url])
        .output()
        .await?;
    let output = String::from_utf8_lossy(&run.stdout);
    let tps = output
        .lines()
        .find(|line| line.starts_with("tps = "))
        .and_then(|line| line["tps = ".len()..].split_whitespace().next())
        .and_then(|number| number.parse::<f64>().ok());
    anyhow::ensure!(tps.is_some(), "cannot read pgbench's output: {output}");
    Ok(tps)
}

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(program))
            .find(|path| path.is_file())
    })
}

fn print_table(rows: &[Row], pgbench_tps: Option<f64>) {
    println!();
    println!(
        "{:<10} {:<28} {:<5} {:>14} {:>12}",
        "backend", "mode", "hot", "transfers/s", "x pgbench"
    );
    for row in rows {
        let ratio = match (row.backend, pgbench_tps) {
            ("postgres", Some(tps)) => format!("{:.1}", row.transfers_per_second / tps),
            _ => "-".to_string(),
        };
        println!(
            "{:<10} {:<28} {:<5} {:>14.0} {:>12}",
            row.backend,
            row.mode,
            if row.hot { "yes" } else { "no" },
            row.transfers_per_second,
            ratio
        );
    }
    if let Some(tps) = pgbench_tps {
        println!(
            "{:<10} {:<28} {:<5} {:>14.0} {:>12}",
            "postgres", "pgbench TPC-B, 8 clients", "-", tps, "1.0"
        );
    }
    println!(
        "(hot: every tenth transfer credits one fee account; durable: each batch is one committed transaction)"
    );
}
