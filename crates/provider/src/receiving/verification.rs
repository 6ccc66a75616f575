//! Account verification for marketplaces in the payment-provider program:
//! given a bank code and account number, is it a Ferry account, is it
//! active, and whose is it.
//!
//! `POST /api/v1/marketplace/account-verifications` with the JSON the
//! marketplace sends (`bank_location`, `bank_code`, `account_number`, …)
//! and `X-Marketplace-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//! "<t>.<body>">` under the secret Ferry registered for that marketplace.
//! Unsigned requests, unknown secrets and signatures older than five
//! minutes are refused.

use super::accounts;
use super::problem::{Fail, StoreProblem};
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

pub const PATH: &str = "/api/v1/marketplace/account-verifications";
pub const SIGNATURE_HEADER: &str = "x-marketplace-signature";
/// A signature older (or further ahead) than this is refused, so a captured
/// request cannot be replayed later.
const SIGNATURE_TOLERANCE_S: i64 = 300;

pub fn routes() -> Router<AppState> {
    Router::new().route(PATH, post(verify))
}

#[derive(Deserialize)]
struct Question {
    bank_location: String,
    bank_code: String,
    account_number: String,
}

/// `t=<unix seconds>,v1=<hex>` → (t, MAC bytes).
fn parse_signature(header: &str) -> Option<(i64, Vec<u8>)> {
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

/// The name of the registered marketplace whose secret made the signature.
fn signer<'a>(
    app: &'a AppState,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<&'a str, StoreProblem> {
    let header = headers
        .get(SIGNATURE_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or(StoreProblem::SignatureMissing)?;
    let (unix_s, mac) = parse_signature(header).ok_or(StoreProblem::SignatureInvalid)?;
    if (now_ms() / 1000 - unix_s).abs() > SIGNATURE_TOLERANCE_S {
        return Err(StoreProblem::SignatureInvalid);
    }
    app.collection
        .receiving
        .marketplaces
        .iter()
        .find(|marketplace| {
            let Ok(mut expected) =
                Hmac::<Sha256>::new_from_slice(marketplace.signing_secret.expose().as_bytes())
            else {
                return false;
            };
            expected.update(format!("{unix_s}.").as_bytes());
            expected.update(body);
            // verify_slice compares in constant time.
            expected.verify_slice(&mac).is_ok()
        })
        .map(|marketplace| marketplace.name.as_str())
        .ok_or(StoreProblem::SignatureInvalid)
}

/// Bank codes and numbers as Ferry stores them: no separators, upper case;
/// a euro account is found by its IBAN and the BIC's first eight characters.
fn normalized(question: &Question) -> (String, String) {
    let compact = |text: &str| -> String {
        text.chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_uppercase()
    };
    let mut bank_code = compact(&question.bank_code);
    if question.bank_location.trim() == "EURO" {
        bank_code = bank_code.chars().take(8).collect();
    }
    (bank_code, compact(&question.account_number))
}

async fn verify(
    State(app): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let run = async {
        let marketplace = signer(&app, &headers, &body)?;
        let question: Question =
            serde_json::from_slice(&body).map_err(|_| Problem::MalformedBody)?;
        let (bank_code, account_number) = normalized(&question);
        let mut conn = app.db.reader().acquire().await?;
        let found = accounts::find_by_number(&mut conn, &bank_code, &account_number).await?;
        tracing::info!(marketplace, found = found.is_some(), "account verification");
        Ok::<_, Fail>(match found {
            Some((account, closed_at_ms)) => json!({
                "exists": true,
                "active": closed_at_ms.is_none(),
                "account_holder_name": account.holder_name,
            }),
            None => json!({ "exists": false, "active": false, "account_holder_name": null }),
        })
    };
    run.await.map(Json).map_err(|fail| fail.into_api(lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_header_is_parsed_in_any_order() {
        assert_eq!(
            parse_signature("v1=00ff,t=1700000000"),
            Some((1_700_000_000, vec![0, 255]))
        );
        assert_eq!(parse_signature("t=1700000000"), None);
        assert_eq!(parse_signature("t=x,v1=00"), None);
    }
}
