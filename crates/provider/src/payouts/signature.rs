//! The partner bank's signature on a notification:
//! `X-Ferry-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`
//! under the secret Ferry agreed with that bank. Unsigned notifications,
//! unknown secrets and signatures more than five minutes off are refused,
//! so a captured notification cannot be replayed later (and a replay within
//! the window changes nothing: intake is idempotent).

use super::PartnerBank;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const HEADER: &str = "x-ferry-signature";
/// A signature older (or further ahead) than this is refused.
pub const TOLERANCE_S: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureError {
    /// No signature header.
    Missing,
    /// Not `t=…,v1=…`, no configured bank's secret made it, or too old.
    Invalid,
}

/// `t=<unix seconds>,v1=<hex>` → (t, MAC bytes), parts in any order.
fn parse(header: &str) -> Option<(i64, Vec<u8>)> {
    let mut unix_s = None;
    let mut mac = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => unix_s = value.parse().ok(),
            Some(("v1", value)) => mac = hex::decode(value).ok(),
            _ => {}
        }
    }
    Some((unix_s?, mac?))
}

fn mac(secret: &str, unix_s: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{unix_s}.").as_bytes());
    mac.update(body);
    mac
}

/// The header value a bank sends for `body` at `unix_s`.
pub fn sign(secret: &str, unix_s: i64, body: &[u8]) -> String {
    let tag = mac(secret, unix_s, body).finalize().into_bytes();
    format!("t={unix_s},v1={}", hex::encode(tag))
}

/// The configured bank whose secret made `header` over `body`.
pub fn signer<'a>(
    banks: &'a [PartnerBank],
    header: Option<&str>,
    body: &[u8],
    now_unix_s: i64,
) -> Result<&'a PartnerBank, SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let (unix_s, tag) = parse(header).ok_or(SignatureError::Invalid)?;
    if (now_unix_s - unix_s).abs() > TOLERANCE_S {
        return Err(SignatureError::Invalid);
    }
    banks
        .iter()
        // verify_slice compares in constant time.
        .find(|bank| {
            mac(bank.signing_secret.expose(), unix_s, body)
                .verify_slice(&tag)
                .is_ok()
        })
        .ok_or(SignatureError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_platform::Secret;

    fn banks() -> Vec<PartnerBank> {
        vec![
            PartnerBank {
                name: "first".into(),
                signing_secret: Secret::new("one".into()),
            },
            PartnerBank {
                name: "second".into(),
                signing_secret: Secret::new("two".into()),
            },
        ]
    }

    #[test]
    fn the_bank_whose_secret_signed_is_found() {
        let banks = banks();
        let header = sign("two", 1_700_000_000, b"<Document/>");
        let found = signer(&banks, Some(&header), b"<Document/>", 1_700_000_010).unwrap();
        assert_eq!(found.name, "second");
    }

    #[test]
    fn missing_altered_unknown_and_stale_signatures_are_refused() {
        let banks = banks();
        let now = 1_700_000_000;
        assert_eq!(
            signer(&banks, None, b"x", now).unwrap_err(),
            SignatureError::Missing
        );
        let good = sign("one", now, b"x");
        assert!(signer(&banks, Some(&good), b"y", now).is_err());
        let unknown = sign("three", now, b"x");
        assert!(signer(&banks, Some(&unknown), b"x", now).is_err());
        let stale = sign("one", now - TOLERANCE_S - 1, b"x");
        assert!(signer(&banks, Some(&stale), b"x", now).is_err());
        assert!(signer(&banks, Some("v1=00"), b"x", now).is_err());
    }
}
