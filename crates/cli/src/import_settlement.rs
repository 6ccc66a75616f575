//! `ferry import settlement-report FILE --account ID`: an Amazon settlement
//! report (Flat File V2, or legacy V1) as downloaded from Seller Central,
//! imported through the same code as the upload on `/settlements`.

use ferry_domain::Money;
use ferry_platform::db::Db;
use ferry_provider::reconciliation::{self, ParseProgress, Source};
use std::io::{IsTerminal, Write};
use std::path::Path;

/// A percentage line on stderr, redrawn in place, when stderr is a terminal.
struct ProgressLine {
    shown_percent: Option<u64>,
    enabled: bool,
}

impl ProgressLine {
    fn new() -> Self {
        Self {
            shown_percent: None,
            enabled: std::io::stderr().is_terminal(),
        }
    }

    fn update(&mut self, progress: ParseProgress) {
        let percent = (progress.bytes_read * 100)
            .checked_div(progress.bytes_total)
            .unwrap_or(100);
        if !self.enabled || self.shown_percent == Some(percent) {
            return;
        }
        self.shown_percent = Some(percent);
        let mut stderr = std::io::stderr();
        // A failed write to the terminal only loses the progress display.
        let _ = write!(
            stderr,
            "\rreading settlement report: {percent:>3}% ({} lines)",
            progress.records_read
        );
        let _ = stderr.flush();
    }

    fn finish(&self) {
        if self.enabled && self.shown_percent.is_some() {
            eprintln!();
        }
    }
}

pub async fn run(url: &str, file: &Path, account: &str) -> anyhow::Result<()> {
    let bytes = std::fs::read(file)
        .map_err(|error| anyhow::anyhow!("cannot read {}: {error}", file.display()))?;
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text", file.display()))?;
    let db = Db::connect(url).await?;
    ferry_provider::migrate(&db).await?;
    let result = import(&db, &text, account).await;
    db.close().await;
    result
}

async fn import(db: &Db, text: &str, account: &str) -> anyhow::Result<()> {
    let owner = reconciliation::owner_of_receiving_account(db, account)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no receiving account has the id {account}"))?;
    let mut progress = ProgressLine::new();
    let imported = reconciliation::import_report(db, &owner, text, Source::Uploaded, None, |p| {
        progress.update(p)
    })
    .await;
    progress.finish();
    let imported = imported.map_err(|fail| anyhow::anyhow!("{fail}"))?;
    let settlement = &imported.settlement;
    let figures = &settlement.figures;
    let money = |minor: i64| Money::from_minor(minor, settlement.currency).to_string();
    println!(
        "settlement {} {}: {} rows, {} layout",
        settlement.settlement_id,
        imported.outcome.code(),
        settlement.rows_count,
        settlement.layout.code()
    );
    println!("  orders   {}", money(figures.orders_minor));
    println!("  fees     {}", money(figures.fees_minor));
    println!("  refunds  {}", money(figures.refunds_minor));
    println!("  reserve  {}", money(figures.reserve_minor()));
    println!("  other    {}", money(figures.other_minor));
    println!("  total    {}", money(settlement.total_minor));
    Ok(())
}
