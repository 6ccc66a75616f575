//! `ferry check KIND [VALUE...]`: bulk-checks identifiers for operators.
//! One verdict line per input (`valid<TAB>normalized` or
//! `invalid<TAB>reason`); exit 0 when all are valid, 1 when any is not, 2 on
//! a usage or I/O error.

use clap::Args;
use ferry_domain::CheckKind;
use std::io::{self, BufRead};
use std::process::ExitCode;

#[derive(Args)]
pub struct CheckArgs {
    /// cn-resident-id, cn-uscc, cn-org-code, cn-bank-card, aba, iban, bic,
    /// uk-sort-code, ca-routing, au-bsb, jp-zengin, seller-id or mws-token.
    kind: String,
    /// Values to check; with none, one per line from standard input.
    values: Vec<String>,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let kind: CheckKind = match args.kind.parse() {
        Ok(kind) => kind,
        Err(error) => {
            eprintln!("ferry check: {error}");
            return ExitCode::from(2);
        }
    };
    let mut stdout = io::stdout().lock();
    let (result, read_error) = if args.values.is_empty() {
        let mut read_error = None;
        let lines = io::stdin()
            .lock()
            .lines()
            .map_while(|line| line.map_err(|error| read_error = Some(error)).ok());
        let result = ferry_domain::run_check(kind, lines, &mut stdout);
        (result, read_error)
    } else {
        (
            ferry_domain::run_check(kind, args.values.iter(), &mut stdout),
            None,
        )
    };
    match (result, read_error) {
        (Ok(true), None) => ExitCode::SUCCESS,
        (Ok(false), None) => ExitCode::from(1),
        (Err(error), _) | (_, Some(error)) => {
            eprintln!("ferry check: {error}");
            ExitCode::from(2)
        }
    }
}
