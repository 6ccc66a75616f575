//! Settlement reports: handwritten V2 samples (US and DE locale) and a V1
//! sample, round-trips, tolerance, totals and errors.

use ferry_domain::money::ParseMoneyError;
use ferry_domain::{Currency, Money};
use ferry_formats::settlement_report::{
    self, Category, ParseProgress, ReportError, ReportLayout, ReportLocale, ReportTotals, Row,
    SettlementReport, TotalMismatch, TotalsError,
};
use proptest::prelude::*;
use time::macros::{date, datetime};

const V2_US: &str = include_str!("data/settlement_v2_us.tsv");
const V2_DE: &str = include_str!("data/settlement_v2_de.tsv");
const V1_CA: &str = include_str!("data/settlement_v1_ca.tsv");

fn usd(minor: i64) -> Money {
    Money::from_minor(minor, Currency::USD)
}

fn eur(minor: i64) -> Money {
    Money::from_minor(minor, Currency::EUR)
}

fn cad(minor: i64) -> Money {
    Money::from_minor(minor, Currency::CAD)
}

#[test]
fn us_v2_sample_parses_to_the_expected_values() {
    let report = settlement_report::parse(V2_US).unwrap();
    assert_eq!(report.settlement_id, 18_542_019_981);
    assert_eq!(report.period_start, datetime!(2026-11-06 08:12:45 UTC));
    assert_eq!(report.period_end, datetime!(2026-11-20 08:12:45 UTC));
    assert_eq!(report.deposit_date, datetime!(2026-11-22 08:12:45 UTC));
    assert_eq!(report.total, usd(108_177));
    assert_eq!(report.rows.len(), 20);
    assert_eq!(
        report.rows[0],
        Row {
            transaction_type: "Order".into(),
            order_id: Some("113-4827361-0938214".into()),
            merchant_order_id: None,
            adjustment_id: None,
            shipment_id: Some("DqLkW8cZR".into()),
            marketplace_name: Some("Amazon.com".into()),
            amount_type: "ItemPrice".into(),
            amount_description: "Principal".into(),
            amount: usd(3999),
            fulfillment_id: Some("AFN".into()),
            posted_date: Some(date!(2026 - 11 - 08)),
            posted_date_time: Some(datetime!(2026-11-08 14:03:11 UTC)),
            order_item_code: Some("60573832716402".into()),
            merchant_order_item_id: None,
            merchant_adjustment_item_id: None,
            sku: Some("LH-BOTTLE-750-BLU".into()),
            quantity_purchased: Some(1),
            promotion_id: None,
        }
    );
    // The padded cell "-5.40    " reads as -5.40.
    assert_eq!(report.rows[3].amount, usd(-540));
    assert_eq!(
        report.rows[12].adjustment_id.as_deref(),
        Some("amzn1:crow:Xk2fD9QqRdm")
    );
}

#[test]
fn us_v2_totals_equal_the_summary_by_category() {
    let report = settlement_report::parse(V2_US).unwrap();
    let totals = report.verify_totals().unwrap();
    assert_eq!(
        totals,
        ReportTotals {
            orders: usd(134_897),
            fees: usd(-28_526),
            refunds: usd(-3519),
            reserve: usd(3450),
            other: usd(1875),
            detail_sum: usd(108_177),
        }
    );
}

#[test]
fn de_v2_sample_with_decimal_commas_and_promotion_ids() {
    let report = settlement_report::parse(V2_DE).unwrap();
    assert_eq!(report.settlement_id, 19_482_314_502);
    assert_eq!(report.period_start, datetime!(2023-03-14 07:49:55 UTC));
    assert_eq!(report.deposit_date, datetime!(2023-03-30 07:49:55 UTC));
    assert_eq!(report.total, eur(116_117));
    let promoted = &report.rows[4];
    assert_eq!(promoted.amount, eur(122_997));
    assert_eq!(promoted.quantity_purchased, Some(3));
    assert_eq!(promoted.posted_date, Some(date!(2023 - 03 - 21)));
    assert_eq!(
        promoted.posted_date_time,
        Some(datetime!(2023-03-21 18:05:55 UTC))
    );
    assert_eq!(promoted.promotion_id.as_deref(), Some("PROMO-FRUEHLING-10"));
    let totals = report.verify_totals().unwrap();
    assert_eq!(totals.orders, eur(134_704));
    assert_eq!(totals.fees, eur(-27_370));
    assert_eq!(totals.refunds, eur(-2617));
    assert_eq!(totals.reserve, eur(11_400));
    assert_eq!(totals.other, eur(0));
}

#[test]
fn v1_sample_is_detected_and_normalised() {
    let report = settlement_report::parse(V1_CA).unwrap();
    assert_eq!(report.settlement_id, 50_034_020_328);
    assert_eq!(report.period_start, datetime!(2025-08-14 22:07:19 UTC));
    assert_eq!(report.total, cad(1897));
    assert_eq!(report.rows.len(), 11);
    let commission = &report.rows[2];
    assert_eq!(commission.amount_type, "ItemFees");
    assert_eq!(commission.amount_description, "Commission");
    assert_eq!(commission.amount, cad(-825));
    assert_eq!(commission.posted_date, Some(date!(2025 - 08 - 16)));
    assert_eq!(
        commission.posted_date_time,
        Some(datetime!(2025-08-16 04:11:52 UTC))
    );
    let promotion = &report.rows[4];
    assert_eq!(
        (
            promotion.amount_type.as_str(),
            promotion.amount_description.as_str()
        ),
        ("Promotion", "Shipping")
    );
    assert_eq!(promotion.promotion_id.as_deref(), Some("CA-SHIP-PROMO"));
    let reserve = &report.rows[9];
    assert_eq!(reserve.amount_type, "other-transaction");
    assert_eq!(reserve.amount_description, "Current Reserve Amount");
    assert_eq!(reserve.category(), Category::Reserve);
    let totals = report.verify_totals().unwrap();
    assert_eq!(totals.orders, cad(5915));
    assert_eq!(totals.fees, cad(-4455));
    assert_eq!(totals.reserve, cad(438));
    assert_eq!(totals.other, cad(-1));
}

#[test]
fn write_then_parse_round_trips_in_both_locales() {
    for sample in [V2_US, V2_DE, V1_CA] {
        let report = settlement_report::parse(sample).unwrap();
        for locale in [ReportLocale::Us, ReportLocale::De] {
            let written = settlement_report::write_v2(&report, locale);
            assert_eq!(
                settlement_report::parse(&written).unwrap(),
                report,
                "{locale:?}"
            );
        }
    }
}

#[test]
fn writes_amounts_and_dates_in_the_locale() {
    let report = settlement_report::parse(V2_DE).unwrap();
    let de = settlement_report::write_v2(&report, ReportLocale::De);
    let us = settlement_report::write_v2(&report, ReportLocale::Us);
    let summary = |text: &str| text.lines().nth(1).unwrap().to_owned();
    assert_eq!(
        summary(&de),
        format!(
            "19482314502\t14.03.2023 07:49:55 UTC\t28.03.2023 07:49:55 UTC\t30.03.2023 07:49:55 UTC\t1161,17\tEUR{}",
            "\t".repeat(18)
        )
    );
    assert!(summary(&us).starts_with(
        "19482314502\t2023-03-14 07:49:55 UTC\t2023-03-28 07:49:55 UTC\t2023-03-30 07:49:55 UTC\t1161.17\tEUR\t"
    ));
    let detail = de.lines().nth(2).unwrap();
    assert!(detail.contains("\t24,99\tAFN\t16.03.2023\t16.03.2023 10:41:27 UTC\t"));
    assert!(
        us.lines()
            .nth(2)
            .unwrap()
            .contains("\t24.99\tAFN\t03/16/23\t2023-03-16 10:41:27 UTC\t")
    );
    // The 24th column only when a row carries a promotion id.
    assert!(
        de.lines()
            .next()
            .unwrap()
            .ends_with("quantity-purchased\tpromotion-id")
    );
    let us_report = settlement_report::parse(V2_US).unwrap();
    let written = settlement_report::write_v2(&us_report, ReportLocale::Us);
    assert!(
        written
            .lines()
            .next()
            .unwrap()
            .ends_with("\tquantity-purchased")
    );
    assert_eq!(written.lines().nth(1).unwrap().split('\t').count(), 23);
}

#[test]
fn tolerates_bom_crlf_padding_and_blank_lines() {
    let expected = settlement_report::parse(V2_DE).unwrap();
    let padded: Vec<String> = V2_DE
        .lines()
        .map(|line| {
            line.split('\t')
                .map(|cell| format!(" {cell}  "))
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    let messy = format!("\u{feff}{}\r\n\r\n", padded.join("\r\n"));
    assert_eq!(settlement_report::parse(&messy).unwrap(), expected);
}

#[test]
fn columns_are_found_by_name_in_any_order() {
    let expected = settlement_report::parse(V2_US).unwrap();
    let reversed: Vec<String> = V2_US
        .lines()
        .map(|line| line.split('\t').rev().collect::<Vec<_>>().join("\t"))
        .collect();
    let upper_header = reversed
        .join("\n")
        .replacen("settlement-id", "Settlement-ID", 1);
    assert_eq!(settlement_report::parse(&upper_header).unwrap(), expected);
}

/// Drops `column` from every line of a tab-separated text.
fn without_column(text: &str, column: &str) -> String {
    let index = text
        .lines()
        .next()
        .unwrap()
        .split('\t')
        .position(|c| c == column)
        .unwrap();
    text.lines()
        .map(|line| {
            line.split('\t')
                .enumerate()
                .filter(|(i, _)| *i != index)
                .map(|(_, cell)| cell)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_missing_required_column_is_named() {
    let error = settlement_report::parse(&without_column(V2_US, "amount-description")).unwrap_err();
    assert_eq!(
        error,
        ReportError::MissingColumn {
            column: "amount-description",
            layout: ReportLayout::V2
        }
    );
    assert_eq!(
        error.to_string(),
        "the V2 settlement report header has no amount-description column"
    );
    assert_eq!(error.code(), "report_missing_column");
    assert_eq!(
        settlement_report::parse(&without_column(V1_CA, "currency")),
        Err(ReportError::MissingColumn {
            column: "currency",
            layout: ReportLayout::V1
        })
    );
    // Optional columns may be absent.
    let report = settlement_report::parse(&without_column(V2_US, "sku")).unwrap();
    assert_eq!(report.rows[0].sku, None);
}

#[test]
fn structural_errors_are_precise() {
    assert_eq!(settlement_report::parse(""), Err(ReportError::Empty));
    assert_eq!(
        settlement_report::parse("\u{feff}\r\n"),
        Err(ReportError::Empty)
    );
    let header = V2_US.lines().next().unwrap();
    assert_eq!(
        settlement_report::parse(header),
        Err(ReportError::MissingSummaryRow)
    );
    assert_eq!(
        settlement_report::parse("a\tb\nc\td\n"),
        Err(ReportError::UnknownLayout)
    );
    let duplicated = V2_US.replacen("\tsku\t", "\tamount\t", 1);
    assert_eq!(
        settlement_report::parse(&duplicated),
        Err(ReportError::DuplicateColumn {
            column: "amount".into()
        })
    );
    let bad_date = V2_US.replacen("2026-11-06 08:12:45 UTC", "2026-13-06 08:12:45 UTC", 1);
    assert_eq!(
        settlement_report::parse(&bad_date),
        Err(ReportError::InvalidDate {
            line: 2,
            column: "settlement-start-date",
            value: "2026-13-06 08:12:45 UTC".into()
        })
    );
    let other_settlement = V2_US.replacen("18542019981\t\t", "18542019982\t\t", 1);
    assert_eq!(
        settlement_report::parse(&other_settlement),
        Err(ReportError::SettlementIdMismatch {
            line: 3,
            expected: 18_542_019_981,
            found: 18_542_019_982
        })
    );
    let no_amount = V2_US.replacen("\t39.99\t", "\t\t", 1);
    assert_eq!(
        settlement_report::parse(&no_amount),
        Err(ReportError::MissingValue {
            line: 3,
            column: "amount"
        })
    );
    let bad_quantity = V2_US.replacen("LH-BOTTLE-750-BLU\t1", "LH-BOTTLE-750-BLU\tone", 1);
    assert!(matches!(
        settlement_report::parse(&bad_quantity),
        Err(ReportError::InvalidQuantity { line: 3, .. })
    ));
    let bad_currency = V2_US.replacen("\tUSD\t", "\tUSX\t", 1);
    assert!(matches!(
        settlement_report::parse(&bad_currency),
        Err(ReportError::InvalidCurrency { line: 2, .. })
    ));
}

#[test]
fn decimal_style_is_decided_per_file() {
    // A decimal-comma amount in a decimal-point file is reported where it is.
    let mixed = V2_US.replacen("\t59.98\t", "\t59,98\t", 1);
    assert_eq!(
        settlement_report::parse(&mixed),
        Err(ReportError::InvalidAmount {
            line: 8,
            column: "amount",
            value: "59,98".into(),
            source: ParseMoneyError::MisplacedGroupingSeparator { position: 3 },
        })
    );
    // Grouped thousands are read in either style.
    let grouped_us = V2_US.replacen("\t1249.00\t", "\t1,249.00\t", 1);
    assert_eq!(
        settlement_report::parse(&grouped_us),
        settlement_report::parse(V2_US)
    );
    let grouped_de = V2_DE.replacen("\t1229,97\t", "\t1.229,97\t", 1);
    assert_eq!(
        settlement_report::parse(&grouped_de),
        settlement_report::parse(V2_DE)
    );
    // A file of whole numbers reads the same either way.
    let whole = "settlement-id\tsettlement-start-date\tsettlement-end-date\tdeposit-date\ttotal-amount\tcurrency\ttransaction-type\tamount-type\tamount-description\tamount\n\
        1\t2026-11-06 08:12:45 UTC\t2026-11-20 08:12:45 UTC\t2026-11-22 08:12:45 UTC\t1500\tJPY\t\t\t\t\n\
        1\t\t\t\t\t\tOrder\tItemPrice\tPrincipal\t1500\n";
    let report = settlement_report::parse(whole).unwrap();
    assert_eq!(report.total, Money::from_minor(1500, Currency::JPY));
    // Three-decimal amounts that read differently in each style are refused.
    let ambiguous = whole
        .replace("1500\tJPY", "1.500\tKWD")
        .replace("\t1500\n", "\t1.500\n");
    assert_eq!(
        settlement_report::parse(&ambiguous),
        Err(ReportError::AmbiguousDecimalStyle)
    );
}

#[test]
fn a_total_mismatch_is_typed() {
    let wrong_total = V2_US.replacen("\t1081.77\t", "\t1081.70\t", 1);
    let report = settlement_report::parse(&wrong_total).unwrap();
    let error = report.verify_totals().unwrap_err();
    assert_eq!(
        error,
        TotalsError::Mismatch(TotalMismatch {
            summary_total: usd(108_170),
            detail_sum: usd(108_177),
            difference: usd(-7),
        })
    );
    assert_eq!(error.code(), "report_totals_mismatch");
    assert_eq!(
        error.to_string(),
        "the detail rows add up to USD 1,081.77 but the summary total is USD 1,081.70 (difference USD -0.07)"
    );
}

#[test]
fn totals_use_checked_arithmetic() {
    let mut report = settlement_report::parse(V2_US).unwrap();
    report.rows[1].amount = usd(i64::MAX);
    assert!(matches!(
        ReportTotals::of(&report),
        Err(TotalsError::Arithmetic { row_index: 1, .. })
    ));
    report.rows[1].amount = eur(1);
    assert!(matches!(
        ReportTotals::of(&report),
        Err(TotalsError::Arithmetic { row_index: 1, .. })
    ));
}

#[test]
fn progress_is_reported_up_to_the_whole_file() {
    let big: String = std::iter::once(V2_US.to_owned())
        .chain(std::iter::repeat_n(
            V2_US.lines().nth(2).unwrap().to_owned() + "\n",
            3000,
        ))
        .collect();
    let mut seen = Vec::new();
    let report =
        settlement_report::parse_with_progress(&big, |progress| seen.push(progress)).unwrap();
    assert_eq!(report.rows.len(), 3020);
    assert!(seen.len() >= 3);
    assert!(seen.windows(2).all(|w| w[0].bytes_read <= w[1].bytes_read));
    assert_eq!(
        seen.last(),
        Some(&ParseProgress {
            bytes_read: big.len() as u64,
            bytes_total: big.len() as u64,
            records_read: 3022,
        })
    );
}

fn arb_text() -> impl Strategy<Value = String> {
    "[A-Za-z0-9][A-Za-z0-9 ._:/\"-]{0,20}[A-Za-z0-9]"
}

fn arb_instant() -> impl Strategy<Value = time::OffsetDateTime> {
    (0_i64..3_000_000_000)
        .prop_map(|seconds| datetime!(2000-01-01 0:00 UTC) + time::Duration::seconds(seconds))
}

fn arb_row(currency: Currency) -> impl Strategy<Value = Row> {
    let texts = prop::collection::vec(prop::option::of(arb_text()), 11);
    (
        (arb_text(), arb_text(), arb_text()),
        -10_000_000_i64..10_000_000,
        texts,
        prop::option::of(arb_instant()),
        prop::option::of(arb_instant()),
        prop::option::of(0_u32..1000),
    )
        .prop_map(
            move |(
                (transaction_type, amount_type, amount_description),
                minor,
                t,
                posted,
                posted_time,
                quantity,
            )| Row {
                transaction_type,
                order_id: t[0].clone(),
                merchant_order_id: t[1].clone(),
                adjustment_id: t[2].clone(),
                shipment_id: t[3].clone(),
                marketplace_name: t[4].clone(),
                amount_type,
                amount_description,
                amount: Money::from_minor(minor, currency),
                fulfillment_id: t[5].clone(),
                posted_date: posted.map(|instant| instant.date()),
                posted_date_time: posted_time,
                order_item_code: t[6].clone(),
                merchant_order_item_id: t[7].clone(),
                merchant_adjustment_item_id: t[8].clone(),
                sku: t[9].clone(),
                quantity_purchased: quantity,
                promotion_id: t[10].clone(),
            },
        )
}

fn arb_report() -> impl Strategy<Value = SettlementReport> {
    // Two-decimal and zero-decimal currencies: three-decimal amounts can be
    // legitimately ambiguous between the styles (see the parse docs).
    prop::sample::select(vec![
        Currency::USD,
        Currency::EUR,
        Currency::JPY,
        Currency::GBP,
    ])
    .prop_flat_map(|currency| {
        (
            1_u64..u64::MAX,
            arb_instant(),
            arb_instant(),
            arb_instant(),
            -100_000_000_i64..100_000_000,
            prop::collection::vec(arb_row(currency), 0..6),
        )
            .prop_map(
                move |(settlement_id, period_start, period_end, deposit_date, total, rows)| {
                    SettlementReport {
                        settlement_id,
                        period_start,
                        period_end,
                        deposit_date,
                        total: Money::from_minor(total, currency),
                        rows,
                    }
                },
            )
    })
}

proptest! {
    #[test]
    fn write_then_parse_is_the_identity(report in arb_report(), de in any::<bool>()) {
        let locale = if de { ReportLocale::De } else { ReportLocale::Us };
        let written = settlement_report::write_v2(&report, locale);
        prop_assert_eq!(settlement_report::parse(&written), Ok(report));
    }
}
