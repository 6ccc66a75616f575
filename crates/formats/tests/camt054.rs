//! camt.054: handwritten bank samples in both versions, write→parse
//! round-trips, and the errors callers rely on.

use ferry_domain::money::ParseMoneyError;
use ferry_domain::{Bic, Currency, Iban, Money};
use ferry_formats::iso20022::camt054::{
    self, AccountId, AccountScheme, BankTransactionCode, Camt054Error, CreditDebit,
    CreditNotification, Entry, EntryStatus, TransactionDetails,
};
use ferry_formats::iso20022::{AmountTextError, IsoAmount, IsoDateTime, IsoText, Uetr};
use proptest::prelude::*;
use time::macros::{date, datetime, offset};

const V02_EUR: &str = include_str!("data/camt054_v02_eur.xml");
const V08_USD: &str = include_str!("data/camt054_v08_usd.xml");

fn text<const MAX: usize>(value: &str) -> IsoText<MAX> {
    IsoText::parse(value).unwrap()
}

fn amount(minor: i64, currency: Currency) -> IsoAmount {
    IsoAmount::new(Money::from_minor(minor, currency)).unwrap()
}

fn other(id: &str, scheme: Option<AccountScheme>) -> AccountId {
    AccountId::Other {
        id: text(id),
        scheme,
    }
}

#[test]
fn v02_bank_sample_parses_to_the_expected_values() {
    let notification = camt054::parse(V02_EUR).unwrap();
    assert_eq!(notification.message_id.as_str(), "CAMT054-20261124-000187");
    assert_eq!(
        notification.created_at,
        IsoDateTime {
            local: datetime!(2026-11-24 09:31:07.512),
            offset: Some(offset!(+1)),
        }
    );
    assert_eq!(
        notification.notification_id.as_str(),
        "NTF-20261124-000187-01"
    );
    assert_eq!(
        notification.account,
        AccountId::Iban(Iban::parse("DE89370400440532013000").unwrap())
    );
    assert_eq!(notification.entries.len(), 2);

    let credit = &notification.entries[0];
    assert_eq!(credit.amount, amount(114_118, Currency::EUR));
    assert_eq!(credit.direction, CreditDebit::Credit);
    assert_eq!(credit.status, EntryStatus::Booked);
    assert_eq!(credit.booking_date, Some(date!(2026 - 11 - 24)));
    assert_eq!(credit.value_date, Some(date!(2026 - 11 - 24)));
    assert_eq!(credit.bank_reference, Some(text("2026112400012345")));
    assert_eq!(
        credit.bank_transaction_code,
        Some(BankTransactionCode {
            domain: text("PMNT"),
            family: text("RCDT"),
            sub_family: text("ESCT"),
        })
    );
    let expected = TransactionDetails {
        amount: amount(114_118, Currency::EUR),
        end_to_end_id: Some(text("19482314502")),
        uetr: None,
        instruction_id: Some(text("AMZ-DE-19482314502")),
        debtor_name: Some(text("Amazon Payments Europe S.C.A.")),
        debtor_account: Some(AccountId::Iban(
            Iban::parse("LU280019400644750000").unwrap(),
        )),
        debtor_agent_bic: Some(Bic::parse("BCEELULL").unwrap()),
        creditor_name: Some(text("Shenzhen Bright Home Co., Ltd. & Partner")),
        creditor_account: AccountId::Iban(Iban::parse("DE75512108001245126199").unwrap()),
        remittance_info: vec![
            text("AMAZON PAYMENTS EUROPE 19482314502"),
            text("SETTLEMENT 14.03.2023-28.03.2023"),
        ],
    };
    assert_eq!(credit.transactions, vec![expected]);

    // The fee debit: date-time booking date, no BkTxCd domain, a lone
    // transaction without its own amount borrowing the entry's.
    let debit = &notification.entries[1];
    assert_eq!(debit.direction, CreditDebit::Debit);
    assert_eq!(debit.booking_date, Some(date!(2026 - 11 - 24)));
    assert_eq!(debit.bank_transaction_code, None);
    assert_eq!(debit.transactions[0].amount, amount(250, Currency::EUR));
    assert_eq!(
        debit.transactions[0].creditor_account,
        other("0532013000", Some(AccountScheme::Code(text("BBAN"))))
    );
}

#[test]
fn v08_bank_sample_parses_to_the_expected_values() {
    let notification = camt054::parse(V08_USD).unwrap();
    assert_eq!(notification.message_id.as_str(), "20261124NY00004711");
    assert_eq!(notification.created_at.offset, Some(offset!(UTC)));
    assert_eq!(
        notification.account,
        other(
            "4000123456",
            Some(AccountScheme::Proprietary(text("US DDA")))
        )
    );
    let wire = &notification.entries[0];
    assert_eq!(wire.amount, amount(1_234_567, Currency::USD));
    assert_eq!(wire.status, EntryStatus::Booked);
    assert_eq!(wire.bank_reference, Some(text("FT26328NY0471100")));
    let transaction = &wire.transactions[0];
    assert_eq!(
        transaction.uetr,
        Some(Uetr::parse("eb6305c9-1f7f-49de-aed0-16487c27b42d").unwrap())
    );
    assert_eq!(transaction.end_to_end_id, Some(text("NOTPROVIDED")));
    assert_eq!(
        transaction.instruction_id,
        Some(text("AMZN-PAYOUT-6081231"))
    );
    assert_eq!(
        transaction.debtor_name,
        Some(text("AMAZON.COM SERVICES LLC"))
    );
    assert_eq!(transaction.debtor_account, Some(other("375610034", None)));
    assert_eq!(
        transaction.debtor_agent_bic,
        Some(Bic::parse("CHASUS33").unwrap())
    );
    assert_eq!(
        transaction.creditor_name,
        Some(text("Hangzhou Lakeside Trading Co Ltd"))
    );
    assert_eq!(
        transaction.creditor_account,
        other(
            "8800012345678901",
            Some(AccountScheme::Proprietary(text("VIRTUAL")))
        )
    );

    // A pending batch: per-transaction amounts from `Amt` and `AmtDtls`.
    let batch = &notification.entries[1];
    assert_eq!(batch.status, EntryStatus::Pending);
    assert_eq!(batch.booking_date, None);
    let amounts: Vec<_> = batch.transactions.iter().map(|t| t.amount).collect();
    assert_eq!(
        amounts,
        vec![amount(10_050, Currency::USD), amount(19_950, Currency::USD)]
    );
}

#[test]
fn samples_survive_a_write_and_parse_round_trip() {
    for sample in [V02_EUR, V08_USD] {
        let notification = camt054::parse(sample).unwrap();
        let written = camt054::write_v08(&notification);
        assert!(written.contains(camt054::NAMESPACE_V08));
        assert_eq!(camt054::parse(&written).unwrap(), notification);
    }
}

#[test]
fn written_v08_uses_the_v08_shapes() {
    let written = camt054::write_v08(&camt054::parse(V02_EUR).unwrap());
    assert!(written.contains("<Sts>\n"));
    assert!(written.contains("<Cd>BOOK</Cd>"));
    assert!(written.contains("<Pty>"));
    assert!(written.contains("<BICFI>BCEELULL</BICFI>"));
    assert!(written.contains("<Amt Ccy=\"EUR\">1141.18</Amt>"));
    assert!(written.contains("<Nm>Shenzhen Bright Home Co., Ltd. &amp; Partner</Nm>"));
    assert!(written.contains("<BkTxCd/>"));
}

#[test]
fn yen_with_decimals_is_refused() {
    let xml = V08_USD.replace(
        "<Amt Ccy=\"USD\">12345.67</Amt>\n        <CdtDbtInd>",
        "<Amt Ccy=\"JPY\">1500.50</Amt>\n        <CdtDbtInd>",
    );
    let error = camt054::parse(&xml).unwrap_err();
    assert_eq!(
        error,
        Camt054Error::InvalidAmount {
            path: "Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/Amt".into(),
            found: "1500.50".into(),
            source: AmountTextError::Syntax(ParseMoneyError::TooManyDecimals {
                currency: Currency::JPY,
                max_decimals: 0,
                position: 6,
            }),
        }
    );
    assert_eq!(error.code(), "camt054_invalid_amount");
}

#[test]
fn missing_creditor_account_names_the_element() {
    let start = V02_EUR.find("<CdtrAcct>").unwrap();
    let end = V02_EUR.find("</CdtrAcct>").unwrap() + "</CdtrAcct>".len();
    let xml = format!("{}{}", &V02_EUR[..start], &V02_EUR[end..]);
    let error = camt054::parse(&xml).unwrap_err();
    assert_eq!(
        error,
        Camt054Error::MissingElement {
            path: "Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls[1]/TxDtls[1]/RltdPties/CdtrAcct".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "the element Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/NtryDtls[1]/TxDtls[1]/RltdPties/CdtrAcct is missing"
    );
}

#[test]
fn precise_errors_for_bad_values() {
    let bad_iban = V02_EUR.replace("DE75512108001245126199", "DE75512108001245126198");
    assert!(matches!(
        camt054::parse(&bad_iban),
        Err(Camt054Error::InvalidIban { path, .. }) if path.ends_with("TxDtls[1]/RltdPties/CdtrAcct/Id/IBAN")
    ));
    let bad_indicator = V08_USD.replacen(
        "<CdtDbtInd>CRDT</CdtDbtInd>",
        "<CdtDbtInd>CREDIT</CdtDbtInd>",
        1,
    );
    assert_eq!(
        camt054::parse(&bad_indicator),
        Err(Camt054Error::InvalidCode {
            path: "Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[1]/CdtDbtInd".into(),
            found: "CREDIT".into(),
            expected: "CRDT, DBIT",
        })
    );
    let bad_uetr = V08_USD.replace("49de-aed0", "39de-aed0");
    assert!(matches!(
        camt054::parse(&bad_uetr),
        Err(Camt054Error::InvalidUetr { .. })
    ));
    let no_currency = V08_USD.replacen("<Amt Ccy=\"USD\">", "<Amt>", 1);
    assert!(matches!(
        camt054::parse(&no_currency),
        Err(Camt054Error::MissingElement { path }) if path.ends_with("Ntry[1]/Amt/@Ccy")
    ));
    let camt053 = V08_USD.replace("camt.054.001.08", "camt.053.001.08");
    assert!(matches!(
        camt054::parse(&camt053),
        Err(Camt054Error::UnsupportedMessage { .. })
    ));
    assert!(matches!(
        camt054::parse("<Document"),
        Err(Camt054Error::Syntax { .. })
    ));
    let long_id = V08_USD.replace(
        "20261124NY00004711</MsgId>",
        &format!("{}</MsgId>", "X".repeat(36)),
    );
    assert!(matches!(
        camt054::parse(&long_id),
        Err(Camt054Error::InvalidText { .. })
    ));
}

#[test]
fn a_batch_transaction_without_amount_is_refused() {
    let xml = V08_USD.replace("<Amt Ccy=\"USD\">100.5</Amt>", "");
    assert_eq!(
        camt054::parse(&xml),
        Err(Camt054Error::MissingElement {
            path: "Document/BkToCstmrDbtCdtNtfctn/Ntfctn[1]/Ntry[2]/NtryDtls[1]/TxDtls[1]/Amt"
                .into()
        })
    );
}

fn arb_text<const MAX: usize>() -> impl Strategy<Value = IsoText<MAX>> {
    // Printable text including XML-special characters and non-ASCII, with
    // no outer whitespace (the schema's texts are compared trimmed).
    proptest::string::string_regex(&format!(
        "[A-Za-z0-9&<>\"'äß中/ .-]{{0,{}}}[A-Za-z0-9&<>中]",
        MAX - 1
    ))
    .unwrap()
    .prop_map(|value| IsoText::parse(&value).unwrap())
}

fn arb_currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::ALL.to_vec())
}

fn arb_amount(currency: Currency) -> impl Strategy<Value = IsoAmount> {
    (0_i64..=999_999_999_999_999_999).prop_map(move |minor| amount(minor, currency))
}

fn arb_account() -> impl Strategy<Value = AccountId> {
    prop_oneof![
        "[0-9]{18}".prop_map(|bban| AccountId::Iban(Iban::from_bban("DE", &bban).unwrap())),
        (
            arb_text::<34>(),
            prop::option::of(arb_text::<4>().prop_map(AccountScheme::Code))
        )
            .prop_map(|(id, scheme)| AccountId::Other { id, scheme }),
        (arb_text::<34>(), arb_text::<35>()).prop_map(|(id, name)| AccountId::Other {
            id,
            scheme: Some(AccountScheme::Proprietary(name))
        }),
    ]
}

fn arb_transaction(currency: Currency) -> impl Strategy<Value = TransactionDetails> {
    (
        arb_amount(currency),
        prop::option::of(arb_text::<35>()),
        prop::option::of("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        prop::option::of(arb_text::<35>()),
        prop::option::of(arb_text::<140>()),
        prop::option::of(arb_account()),
        prop::option::of(prop::sample::select(vec![
            "CHASUS33",
            "DEUTDEFF500",
            "BCEELULL",
        ])),
        prop::option::of(arb_text::<140>()),
        arb_account(),
        prop::collection::vec(arb_text::<140>(), 0..3),
    )
        .prop_map(
            |(
                amount,
                end_to_end_id,
                uetr,
                instruction_id,
                debtor_name,
                debtor_account,
                bic,
                creditor_name,
                creditor_account,
                remittance_info,
            )| {
                TransactionDetails {
                    amount,
                    end_to_end_id,
                    uetr: uetr.map(|value| Uetr::parse(&value).unwrap()),
                    instruction_id,
                    debtor_name,
                    debtor_account,
                    debtor_agent_bic: bic.map(|value| Bic::parse(value).unwrap()),
                    creditor_name,
                    creditor_account,
                    remittance_info,
                }
            },
        )
}

fn arb_date() -> impl Strategy<Value = time::Date> {
    (0_i64..20_000).prop_map(|days| date!(2000 - 01 - 01) + time::Duration::days(days))
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    arb_currency().prop_flat_map(|currency| {
        (
            arb_amount(currency),
            prop::sample::select(vec![CreditDebit::Credit, CreditDebit::Debit]),
            prop::sample::select(vec![
                EntryStatus::Booked,
                EntryStatus::Pending,
                EntryStatus::Info,
            ]),
            prop::option::of(arb_date()),
            prop::option::of(arb_date()),
            prop::option::of(arb_text::<35>()),
            prop::option::of((arb_text::<4>(), arb_text::<4>(), arb_text::<4>())),
            prop::collection::vec(arb_transaction(currency), 1..3),
        )
            .prop_map(
                |(
                    amount,
                    direction,
                    status,
                    booking_date,
                    value_date,
                    bank_reference,
                    code,
                    transactions,
                )| Entry {
                    amount,
                    direction,
                    status,
                    booking_date,
                    value_date,
                    bank_reference,
                    bank_transaction_code: code.map(|(domain, family, sub_family)| {
                        BankTransactionCode {
                            domain,
                            family,
                            sub_family,
                        }
                    }),
                    transactions,
                },
            )
    })
}

fn arb_created_at() -> impl Strategy<Value = IsoDateTime> {
    (
        0_i64..2_000_000_000,
        0_u32..1_000_000_000,
        prop::option::of(-12_i8..=14),
    )
        .prop_map(|(seconds, nanos, hours)| IsoDateTime {
            local: (datetime!(1990-01-01 0:00) + time::Duration::seconds(seconds))
                .replace_nanosecond(nanos)
                .unwrap(),
            offset: hours.map(|h| time::UtcOffset::from_hms(h, 0, 0).unwrap()),
        })
}

proptest! {
    #[test]
    fn write_then_parse_is_the_identity(
        message_id in arb_text::<35>(),
        created_at in arb_created_at(),
        notification_id in arb_text::<35>(),
        account in arb_account(),
        entries in prop::collection::vec(arb_entry(), 0..3),
    ) {
        let notification = CreditNotification { message_id, created_at, notification_id, account, entries };
        let written = camt054::write_v08(&notification);
        prop_assert_eq!(camt054::parse(&written), Ok(notification));
    }
}
