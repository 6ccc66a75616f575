//! Reading camt.054.001.02 and .08 into [`CreditNotification`].

use ferry_domain::{Bic, Currency, Iban};
use time::Date;

use super::{
    AccountId, AccountScheme, BankTransactionCode, Camt054Error, CreditDebit, CreditNotification,
    Entry, EntryStatus, NAMESPACE_V02, NAMESPACE_V08, TransactionDetails,
};
use crate::iso20022::types::{IsoAmount, IsoDateTime, IsoText, Uetr, parse_iso_date};
use crate::iso20022::xml::{Node, parse_document};

type Result<T> = std::result::Result<T, Camt054Error>;

/// Parses a camt.054.001.02 or .001.08 document (chosen by the root
/// namespace) into a [`CreditNotification`].
///
/// Every error names the element at fault; see [`Camt054Error`].
pub fn parse(xml: &str) -> Result<CreditNotification> {
    let document = parse_document(xml).map_err(|error| Camt054Error::Syntax {
        byte_offset: error.byte_offset,
        message: error.message,
    })?;
    let known = matches!(
        document.namespace.as_deref(),
        Some(NAMESPACE_V02 | NAMESPACE_V08)
    );
    if !known || document.root.name != "Document" {
        return Err(Camt054Error::UnsupportedMessage {
            root: document.root.name.clone(),
            namespace: document.namespace.clone(),
        });
    }
    let root = Node::root(&document.root);
    let body = required(&root, "BkToCstmrDbtCdtNtfctn")?;
    let header = required(&body, "GrpHdr")?;
    let notification = single_notification(&body)?;
    Ok(CreditNotification {
        message_id: text(&header, "MsgId")?,
        created_at: date_time(&required(&header, "CreDtTm")?)?,
        notification_id: text(&notification, "Id")?,
        account: account_id(&required(&notification, "Acct")?)?,
        entries: notification
            .children("Ntry")
            .map(|entry_node| entry(&entry_node))
            .collect::<Result<_>>()?,
    })
}

fn single_notification<'a>(body: &Node<'a>) -> Result<Node<'a>> {
    let mut notifications: Vec<Node<'a>> = body.children("Ntfctn").collect();
    match notifications.len() {
        0 => Err(missing(body, "Ntfctn")),
        1 => Ok(notifications.remove(0)),
        found => Err(Camt054Error::SeveralNotifications { found }),
    }
}

fn entry(node: &Node<'_>) -> Result<Entry> {
    let amount = amount(&required(node, "Amt")?)?;
    Ok(Entry {
        amount,
        direction: direction(&required(node, "CdtDbtInd")?)?,
        status: status(&required(node, "Sts")?)?,
        booking_date: node.child("BookgDt").map(|n| date_choice(&n)).transpose()?,
        value_date: node.child("ValDt").map(|n| date_choice(&n)).transpose()?,
        bank_reference: optional_text(node, "AcctSvcrRef")?,
        bank_transaction_code: node
            .child("BkTxCd")
            .and_then(|code| code.child("Domn"))
            .map(|domain| bank_transaction_code(&domain))
            .transpose()?,
        transactions: transactions(node, amount)?,
    })
}

/// Every `NtryDtls/TxDtls` of an entry, in order; at least one.
fn transactions(entry: &Node<'_>, entry_amount: IsoAmount) -> Result<Vec<TransactionDetails>> {
    let nodes: Vec<Node<'_>> = entry
        .children("NtryDtls")
        .flat_map(|details| details.children("TxDtls").collect::<Vec<_>>())
        .collect();
    if nodes.is_empty() {
        return Err(Camt054Error::MissingElement {
            path: format!("{}/NtryDtls/TxDtls", entry.path()),
        });
    }
    // Only a lone transaction may borrow the entry amount: in a batch it
    // would be the batch total.
    let fallback = (nodes.len() == 1).then_some(entry_amount);
    nodes
        .iter()
        .map(|node| transaction(node, fallback))
        .collect()
}

fn transaction(node: &Node<'_>, fallback: Option<IsoAmount>) -> Result<TransactionDetails> {
    let refs = node.child("Refs");
    let parties = node.child("RltdPties");
    let creditor_account = parties
        .as_ref()
        .and_then(|parties| parties.child("CdtrAcct"))
        .ok_or_else(|| Camt054Error::MissingElement {
            path: format!("{}/RltdPties/CdtrAcct", node.path()),
        })?;
    Ok(TransactionDetails {
        amount: transaction_amount(node, fallback)?,
        end_to_end_id: refs
            .as_ref()
            .map(|r| optional_text(r, "EndToEndId"))
            .transpose()?
            .flatten(),
        uetr: refs
            .as_ref()
            .and_then(|r| r.child("UETR"))
            .map(|n| uetr(&n))
            .transpose()?,
        instruction_id: refs
            .as_ref()
            .map(|r| optional_text(r, "InstrId"))
            .transpose()?
            .flatten(),
        debtor_name: parties
            .as_ref()
            .map(|p| party_name(p, "Dbtr"))
            .transpose()?
            .flatten(),
        debtor_account: parties
            .as_ref()
            .and_then(|p| p.child("DbtrAcct"))
            .map(|account| account_id(&account))
            .transpose()?,
        debtor_agent_bic: node
            .child("RltdAgts")
            .and_then(|agents| agents.child("DbtrAgt"))
            .and_then(|agent| agent.child("FinInstnId"))
            .map(|institution| agent_bic(&institution))
            .transpose()?
            .flatten(),
        creditor_name: parties
            .as_ref()
            .map(|p| party_name(p, "Cdtr"))
            .transpose()?
            .flatten(),
        creditor_account: account_id(&creditor_account)?,
        remittance_info: node
            .child("RmtInf")
            .map(|info| info.children("Ustrd").map(|line| iso_text(&line)).collect())
            .transpose()?
            .unwrap_or_default(),
    })
}

/// `TxDtls/Amt` (08), else `AmtDtls/TxAmt/Amt` (02 and 08), else the
/// entry amount for a lone transaction.
fn transaction_amount(node: &Node<'_>, fallback: Option<IsoAmount>) -> Result<IsoAmount> {
    let detailed = node
        .child("AmtDtls")
        .and_then(|details| details.child("TxAmt"))
        .and_then(|tx_amount| tx_amount.child("Amt"));
    match (node.child("Amt").or(detailed), fallback) {
        (Some(amount_node), _) => amount(&amount_node),
        (None, Some(entry_amount)) => Ok(entry_amount),
        (None, None) => Err(missing(node, "Amt")),
    }
}

fn required<'a>(node: &Node<'a>, name: &str) -> Result<Node<'a>> {
    node.child(name).ok_or_else(|| missing(node, name))
}

fn missing(node: &Node<'_>, name: &str) -> Camt054Error {
    Camt054Error::MissingElement {
        path: node.child_path(name),
    }
}

fn iso_text<const MAX: usize>(node: &Node<'_>) -> Result<IsoText<MAX>> {
    IsoText::parse(node.text()).map_err(|source| Camt054Error::InvalidText {
        path: node.path().to_owned(),
        source,
    })
}

fn text<const MAX: usize>(parent: &Node<'_>, name: &str) -> Result<IsoText<MAX>> {
    iso_text(&required(parent, name)?)
}

fn optional_text<const MAX: usize>(parent: &Node<'_>, name: &str) -> Result<Option<IsoText<MAX>>> {
    parent.child(name).map(|node| iso_text(&node)).transpose()
}

fn date_time(node: &Node<'_>) -> Result<IsoDateTime> {
    IsoDateTime::parse(node.text()).map_err(|_| invalid_date(node))
}

fn invalid_date(node: &Node<'_>) -> Camt054Error {
    Camt054Error::InvalidDate {
        path: node.path().to_owned(),
        found: node.text().to_owned(),
    }
}

/// `DateAndDateTime2Choice`: `Dt`, or `DtTm` whose date part is taken as
/// written (the booking day in the bank's own time).
fn date_choice(node: &Node<'_>) -> Result<Date> {
    if let Some(date) = node.child("Dt") {
        return parse_iso_date(date.text()).map_err(|_| invalid_date(&date));
    }
    let date_time_node = node.child("DtTm").ok_or_else(|| missing(node, "Dt"))?;
    Ok(date_time(&date_time_node)?.local.date())
}

fn amount(node: &Node<'_>) -> Result<IsoAmount> {
    let code = node
        .attribute("Ccy")
        .ok_or_else(|| Camt054Error::MissingElement {
            path: format!("{}/@Ccy", node.path()),
        })?;
    let currency = Currency::parse(code).map_err(|source| Camt054Error::InvalidCurrency {
        path: node.path().to_owned(),
        found: code.to_owned(),
        source,
    })?;
    IsoAmount::parse_decimal(node.text(), currency).map_err(|source| Camt054Error::InvalidAmount {
        path: node.path().to_owned(),
        found: node.text().to_owned(),
        source,
    })
}

fn invalid_code(node: &Node<'_>, expected: &'static str) -> Camt054Error {
    Camt054Error::InvalidCode {
        path: node.path().to_owned(),
        found: node.text().to_owned(),
        expected,
    }
}

fn direction(node: &Node<'_>) -> Result<CreditDebit> {
    match node.text() {
        "CRDT" => Ok(CreditDebit::Credit),
        "DBIT" => Ok(CreditDebit::Debit),
        _ => Err(invalid_code(node, "CRDT, DBIT")),
    }
}

/// `Sts` is a bare code in 02 and `Sts/Cd` in 08.
fn status(node: &Node<'_>) -> Result<EntryStatus> {
    let code_node = node.child("Cd").unwrap_or_else(|| node.clone());
    match code_node.text() {
        "BOOK" => Ok(EntryStatus::Booked),
        "PDNG" => Ok(EntryStatus::Pending),
        "INFO" => Ok(EntryStatus::Info),
        _ => Err(invalid_code(&code_node, "BOOK, PDNG, INFO")),
    }
}

fn bank_transaction_code(domain: &Node<'_>) -> Result<BankTransactionCode> {
    let family = required(domain, "Fmly")?;
    Ok(BankTransactionCode {
        domain: text(domain, "Cd")?,
        family: text(&family, "Cd")?,
        sub_family: text(&family, "SubFmlyCd")?,
    })
}

/// `Acct`, `DbtrAcct` or `CdtrAcct`: `Id/IBAN` or `Id/Othr`.
fn account_id(account: &Node<'_>) -> Result<AccountId> {
    let id = required(account, "Id")?;
    if let Some(iban) = id.child("IBAN") {
        return Iban::parse(iban.text())
            .map(AccountId::Iban)
            .map_err(|source| Camt054Error::InvalidIban {
                path: iban.path().to_owned(),
                found: iban.text().to_owned(),
                source,
            });
    }
    let other = id.child("Othr").ok_or_else(|| missing(&id, "IBAN"))?;
    Ok(AccountId::Other {
        id: text(&other, "Id")?,
        scheme: other
            .child("SchmeNm")
            .map(|scheme| account_scheme(&scheme))
            .transpose()?,
    })
}

fn account_scheme(scheme: &Node<'_>) -> Result<AccountScheme> {
    if let Some(code) = scheme.child("Cd") {
        return Ok(AccountScheme::Code(iso_text(&code)?));
    }
    Ok(AccountScheme::Proprietary(text(scheme, "Prtry")?))
}

/// `Dbtr/Pty/Nm` (08) or `Dbtr/Nm` (02).
fn party_name(parties: &Node<'_>, role: &str) -> Result<Option<IsoText<140>>> {
    let Some(party) = parties.child(role) else {
        return Ok(None);
    };
    let party = party.child("Pty").unwrap_or(party);
    optional_text(&party, "Nm")
}

/// `FinInstnId/BICFI` (08) or `FinInstnId/BIC` (02).
fn agent_bic(institution: &Node<'_>) -> Result<Option<Bic>> {
    let Some(bic) = institution
        .child("BICFI")
        .or_else(|| institution.child("BIC"))
    else {
        return Ok(None);
    };
    Bic::parse(bic.text())
        .map(Some)
        .map_err(|source| Camt054Error::InvalidBic {
            path: bic.path().to_owned(),
            found: bic.text().to_owned(),
            source,
        })
}

fn uetr(node: &Node<'_>) -> Result<Uetr> {
    Uetr::parse(node.text()).map_err(|_| Camt054Error::InvalidUetr {
        path: node.path().to_owned(),
        found: node.text().to_owned(),
    })
}
