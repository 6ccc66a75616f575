//! Writing [`CreditNotification`] as camt.054.001.08.

use super::{
    AccountId, AccountScheme, CreditNotification, Entry, NAMESPACE_V08, TransactionDetails,
};
use crate::iso20022::types::{IsoAmount, format_iso_date};
use crate::iso20022::xml::XmlWriter;

/// Writes `notification` as a camt.054.001.08 document, elements in schema
/// order. Every value in the model is already schema-valid (bounded texts,
/// checked IBANs/BICs, non-negative amounts), so writing cannot fail.
pub fn write_v08(notification: &CreditNotification) -> String {
    let mut xml = XmlWriter::new();
    xml.open_with("Document", &[("xmlns", NAMESPACE_V08)]);
    xml.open("BkToCstmrDbtCdtNtfctn");
    let created_at = notification.created_at.to_iso_string();
    xml.open("GrpHdr");
    xml.leaf("MsgId", notification.message_id.as_str());
    xml.leaf("CreDtTm", &created_at);
    xml.close("GrpHdr");
    xml.open("Ntfctn");
    xml.leaf("Id", notification.notification_id.as_str());
    xml.leaf("CreDtTm", &created_at);
    write_account(&mut xml, "Acct", &notification.account);
    for entry in &notification.entries {
        write_entry(&mut xml, entry);
    }
    xml.close("Ntfctn");
    xml.close("BkToCstmrDbtCdtNtfctn");
    xml.close("Document");
    xml.finish()
}

fn write_amount(xml: &mut XmlWriter, amount: IsoAmount) {
    let currency = amount.money().currency();
    xml.leaf_with("Amt", &[("Ccy", currency.code())], &amount.to_decimal());
}

fn write_entry(xml: &mut XmlWriter, entry: &Entry) {
    xml.open("Ntry");
    write_amount(xml, entry.amount);
    xml.leaf("CdtDbtInd", entry.direction.code());
    xml.open("Sts");
    xml.leaf("Cd", entry.status.code());
    xml.close("Sts");
    for (name, date) in [("BookgDt", entry.booking_date), ("ValDt", entry.value_date)] {
        if let Some(date) = date {
            xml.open(name);
            xml.leaf("Dt", &format_iso_date(date));
            xml.close(name);
        }
    }
    if let Some(reference) = &entry.bank_reference {
        xml.leaf("AcctSvcrRef", reference.as_str());
    }
    // BkTxCd is mandatory in .08; both of its children are optional.
    match &entry.bank_transaction_code {
        Some(code) => {
            xml.open("BkTxCd");
            xml.open("Domn");
            xml.leaf("Cd", code.domain.as_str());
            xml.open("Fmly");
            xml.leaf("Cd", code.family.as_str());
            xml.leaf("SubFmlyCd", code.sub_family.as_str());
            xml.close("Fmly");
            xml.close("Domn");
            xml.close("BkTxCd");
        }
        None => xml.empty("BkTxCd"),
    }
    if !entry.transactions.is_empty() {
        xml.open("NtryDtls");
        for transaction in &entry.transactions {
            write_transaction(xml, entry, transaction);
        }
        xml.close("NtryDtls");
    }
    xml.close("Ntry");
}

fn write_transaction(xml: &mut XmlWriter, entry: &Entry, transaction: &TransactionDetails) {
    xml.open("TxDtls");
    write_references(xml, transaction);
    write_amount(xml, transaction.amount);
    xml.leaf("CdtDbtInd", entry.direction.code());
    write_parties(xml, transaction);
    if let Some(bic) = &transaction.debtor_agent_bic {
        xml.open("RltdAgts");
        xml.open("DbtrAgt");
        xml.open("FinInstnId");
        xml.leaf("BICFI", bic.as_str());
        xml.close("FinInstnId");
        xml.close("DbtrAgt");
        xml.close("RltdAgts");
    }
    if !transaction.remittance_info.is_empty() {
        xml.open("RmtInf");
        for line in &transaction.remittance_info {
            xml.leaf("Ustrd", line.as_str());
        }
        xml.close("RmtInf");
    }
    xml.close("TxDtls");
}

/// `Refs`, children in schema order: InstrId, EndToEndId, UETR.
fn write_references(xml: &mut XmlWriter, transaction: &TransactionDetails) {
    let references = [
        (
            "InstrId",
            transaction.instruction_id.as_ref().map(|id| id.as_str()),
        ),
        (
            "EndToEndId",
            transaction.end_to_end_id.as_ref().map(|id| id.as_str()),
        ),
        ("UETR", transaction.uetr.as_ref().map(|uetr| uetr.as_str())),
    ];
    if references.iter().all(|(_, value)| value.is_none()) {
        return;
    }
    xml.open("Refs");
    for (name, value) in references {
        if let Some(value) = value {
            xml.leaf(name, value);
        }
    }
    xml.close("Refs");
}

/// `RltdPties`, children in schema order: Dbtr, DbtrAcct, Cdtr, CdtrAcct.
fn write_parties(xml: &mut XmlWriter, transaction: &TransactionDetails) {
    xml.open("RltdPties");
    if let Some(name) = &transaction.debtor_name {
        write_party(xml, "Dbtr", name.as_str());
    }
    if let Some(account) = &transaction.debtor_account {
        write_account(xml, "DbtrAcct", account);
    }
    if let Some(name) = &transaction.creditor_name {
        write_party(xml, "Cdtr", name.as_str());
    }
    write_account(xml, "CdtrAcct", &transaction.creditor_account);
    xml.close("RltdPties");
}

/// `Party40Choice`: in .08 a party sits under `Pty`.
fn write_party(xml: &mut XmlWriter, role: &str, name: &str) {
    xml.open(role);
    xml.open("Pty");
    xml.leaf("Nm", name);
    xml.close("Pty");
    xml.close(role);
}

fn write_account(xml: &mut XmlWriter, element: &str, account: &AccountId) {
    xml.open(element);
    xml.open("Id");
    match account {
        AccountId::Iban(iban) => xml.leaf("IBAN", iban.as_str()),
        AccountId::Other { id, scheme } => {
            xml.open("Othr");
            xml.leaf("Id", id.as_str());
            if let Some(scheme) = scheme {
                xml.open("SchmeNm");
                match scheme {
                    AccountScheme::Code(code) => xml.leaf("Cd", code.as_str()),
                    AccountScheme::Proprietary(name) => xml.leaf("Prtry", name.as_str()),
                }
                xml.close("SchmeNm");
            }
            xml.close("Othr");
        }
    }
    xml.close("Id");
    xml.close(element);
}
