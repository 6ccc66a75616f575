//! The `Ferry-Signature` header: `t=<unix seconds>,v1=<hex
//! HMAC-SHA256(secret, "<t>.<body>")>`, Stripe's scheme. The timestamp is
//! signed with the body, so a receiver that refuses old timestamps refuses
//! replays.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const SIGNATURE_HEADER: &str = "Ferry-Signature";
/// How old a signature receivers should accept (the documented default).
pub const TOLERANCE_S: i64 = 300;

fn mac(secret: &str, unix_s: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(format!("{unix_s}.").as_bytes());
    mac.update(body);
    mac
}

/// The header value for `body` signed at `unix_s`.
pub fn header(secret: &str, unix_s: i64, body: &[u8]) -> String {
    let digest = mac(secret, unix_s, body).finalize().into_bytes();
    format!("t={unix_s},v1={}", hex::encode(digest))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    Malformed,
    TooOld,
    Mismatch,
}

/// A receiver's check: parse, refuse a timestamp more than `tolerance_s`
/// from `now_s`, recompute and compare in constant time. Several `v1`
/// entries may be present (one per secret while rotating); one must match.
pub fn verify(
    header: &str,
    body: &[u8],
    secret: &str,
    now_s: i64,
    tolerance_s: i64,
) -> Result<(), Rejected> {
    let mut unix_s = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", value)) => unix_s = value.parse::<i64>().ok(),
            Some(("v1", value)) => candidates.extend(hex::decode(value).ok()),
            _ => {}
        }
    }
    let unix_s = unix_s.ok_or(Rejected::Malformed)?;
    if candidates.is_empty() {
        return Err(Rejected::Malformed);
    }
    if (now_s - unix_s).abs() > tolerance_s {
        return Err(Rejected::TooOld);
    }
    let matches = candidates
        .iter()
        // verify_slice compares in constant time.
        .any(|candidate| mac(secret, unix_s, body).verify_slice(candidate).is_ok());
    if matches {
        Ok(())
    } else {
        Err(Rejected::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_body_verifies_and_tampering_or_age_is_refused() {
        let signed = header("whsec_test", 1_700_000_000, b"{\"id\":\"evt_1\"}");
        assert_eq!(
            verify(
                &signed,
                b"{\"id\":\"evt_1\"}",
                "whsec_test",
                1_700_000_010,
                300
            ),
            Ok(())
        );
        assert_eq!(
            verify(
                &signed,
                b"{\"id\":\"evt_2\"}",
                "whsec_test",
                1_700_000_010,
                300
            ),
            Err(Rejected::Mismatch)
        );
        assert_eq!(
            verify(
                &signed,
                b"{\"id\":\"evt_1\"}",
                "whsec_other",
                1_700_000_010,
                300
            ),
            Err(Rejected::Mismatch)
        );
        assert_eq!(
            verify(
                &signed,
                b"{\"id\":\"evt_1\"}",
                "whsec_test",
                1_700_000_301,
                300
            ),
            Err(Rejected::TooOld)
        );
        assert_eq!(verify("v1=00", b"", "s", 0, 300), Err(Rejected::Malformed));
    }

    #[test]
    fn the_digest_is_hmac_sha256_of_timestamp_dot_body() {
        // Independently computed: printf '1.{}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            header("key", 1, b"{}"),
            "t=1,v1=1ba6b8171186efc613e8bcc0cbdab2748f24984d7c5a84faa2637afa0e40d224"
        );
    }
}
