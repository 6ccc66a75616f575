//! The account-confirmation ("welcome") letter as a one-page PDF, like the
//! letters real providers give sellers to upload when a marketplace asks
//! for a bank document. Written by hand: one page of text in the PDF base
//! fonts needs no library.
//!
//! The base fonts cover Latin-1 only; a value in another script (a Chinese
//! or katakana holder name) is replaced by a pointer to the account page
//! rather than printed wrongly.

use super::accounts::ReceivingAccount;
use super::details::{Field, seller_central_fields, swift_fields};
use super::programmes::Programme;
use std::fmt::Write;

const PAGE_WIDTH_PT: i32 = 595;
const PAGE_HEIGHT_PT: i32 = 842;
const MARGIN_PT: i32 = 56;
const LINE_PT: i32 = 16;

/// Text as a PDF literal string in WinAnsi (Latin-1) encoding.
fn literal(text: &str) -> Option<Vec<u8>> {
    let mut bytes = vec![b'('];
    for c in text.chars() {
        let code = u32::from(c);
        if code > 0xFF || (code < 0x20 && c != ' ') {
            return None;
        }
        if matches!(c, '(' | ')' | '\\') {
            bytes.push(b'\\');
        }
        bytes.push(code as u8);
    }
    bytes.push(b')');
    Some(bytes)
}

fn shown(text: &str) -> Vec<u8> {
    literal(text).unwrap_or_else(|| {
        literal("(in a non-Latin script: see the account page in Ferry)").unwrap_or_default()
    })
}

/// The page's lines: (bold, text).
fn lines(
    account: &ReceivingAccount,
    programme: &Programme,
    issued_on: &str,
) -> Vec<(bool, String)> {
    let mut lines = vec![
        (true, "Ferry - Account confirmation letter".to_string()),
        (false, format!("Date: {issued_on}")),
        (false, String::new()),
        (false, "To whom it may concern,".to_string()),
        (
            false,
            format!(
                "this confirms that the {} account below is open and active,",
                account.currency
            ),
        ),
        (
            false,
            format!("issued by Ferry at {},", programme.bank_name),
        ),
        (false, programme.bank_address.clone()),
        (
            false,
            "in the name of the account holder named below.".to_string(),
        ),
        (false, String::new()),
        (true, "Bank details".to_string()),
    ];
    let field_line = |field: &Field| (false, format!("{}: {}", field.label, field.value));
    lines.extend(
        seller_central_fields(account, programme)
            .iter()
            .map(field_line),
    );
    lines.push((false, String::new()));
    lines.push((true, "International wires (SWIFT)".to_string()));
    lines.extend(swift_fields(account, programme).iter().map(field_line));
    lines.push((false, String::new()));
    lines.push((false, format!("Ferry reference: {}", account.id)));
    lines
}

fn content_stream(lines: &[(bool, String)]) -> Vec<u8> {
    let mut stream = Vec::new();
    let mut y = PAGE_HEIGHT_PT - MARGIN_PT;
    for (bold, text) in lines {
        let font = if *bold { "F2" } else { "F1" };
        let size = if *bold { 13 } else { 11 };
        stream.extend(format!("BT /{font} {size} Tf {MARGIN_PT} {y} Td ").as_bytes());
        stream.extend(shown(text));
        stream.extend(b" Tj ET\n");
        y -= LINE_PT;
    }
    stream
}

/// The letter, dated `issued_on` (YYYY-MM-DD).
pub fn pdf(account: &ReceivingAccount, programme: &Programme, issued_on: &str) -> Vec<u8> {
    let stream = content_stream(&lines(account, programme, issued_on));
    let mut objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {PAGE_WIDTH_PT} {PAGE_HEIGHT_PT}] \
             /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>"
        )
        .into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    ];
    let mut contents = format!("<< /Length {} >>\nstream\n", stream.len()).into_bytes();
    contents.extend(&stream);
    contents.extend(b"\nendstream");
    objects.push(contents);

    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", index + 1).as_bytes());
        out.extend(object);
        out.extend(b"\nendobj\n");
    }
    let xref_at = out.len();
    let mut xref = format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1);
    for offset in offsets {
        let _ = writeln!(xref, "{offset:010} 00000 n ");
    }
    let _ = write!(
        xref,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref_at}\n%%EOF\n",
        objects.len() + 1
    );
    out.extend(xref.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_parentheses_and_refuse_other_scripts() {
        assert_eq!(literal("a(b)\\").unwrap(), b"(a\\(b\\)\\\\)".to_vec());
        assert_eq!(literal("Müller").unwrap().len(), "(Müller)".chars().count());
        assert!(literal("深圳").is_none());
    }
}
