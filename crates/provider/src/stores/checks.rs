//! Verification after authorizing: over SP-API, the store participates in
//! the marketplace of the account's currency without suspended listings,
//! its business name is the verified legal name, and its default deposit
//! method for the marketplace is this account (tail and holder name).

use super::{Binding, BindingState, save};
use crate::app::{AppState, now_ms};
use crate::audit::{self, Event};
use crate::connector::ConnectorError;
use crate::i18n::Lang;
use crate::receiving::accounts::{ReceivingAccount, Store, VerifiedNames, verified_names};
use crate::receiving::problem::{Fail, StoreProblem};
use serde_json::{Value, json};

/// Names compared the way a reviewer would: case, punctuation and spacing
/// ignored, and the usual spellings of company forms made equal
/// ("Co., Ltd." = "Company Limited" = "CO LTD").
pub fn comparable_name(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| match word.to_lowercase().as_str() {
            "company" => "co".to_string(),
            "limited" => "ltd".to_string(),
            "corporation" => "corp".to_string(),
            "incorporated" => "inc".to_string(),
            other => other.to_string(),
        })
        .collect()
}

pub fn names_match(a: &str, b: &str) -> bool {
    let a = comparable_name(a);
    !a.is_empty() && a == comparable_name(b)
}

/// What SP-API said, and the state it leads to.
struct Findings {
    participating: bool,
    suspended_listings: bool,
    business_name: Option<String>,
    business_name_matches: bool,
    default_tail: Option<String>,
    default_holder: Option<String>,
}

impl Findings {
    fn deposit_is_ours(&self, account: &ReceivingAccount) -> bool {
        self.default_tail
            .as_deref()
            .is_some_and(|tail| tail.len() >= 3 && account.account_number.ends_with(tail))
    }

    fn holder_matches(&self, account: &ReceivingAccount) -> bool {
        self.default_holder
            .as_deref()
            .is_some_and(|holder| names_match(holder, &account.holder_name))
    }

    fn state(&self, account: &ReceivingAccount) -> (BindingState, Vec<&'static str>) {
        let mut problems = Vec::new();
        if !self.participating {
            problems.push("store_not_participating");
        }
        if self.suspended_listings {
            problems.push("suspended_listings");
        }
        if !self.business_name_matches {
            problems.push("business_name_mismatch");
        }
        let ours = self.deposit_is_ours(account);
        if ours && !self.holder_matches(account) {
            problems.push("deposit_holder_mismatch");
        }
        let state = if !problems.is_empty() {
            BindingState::Mismatch
        } else if !ours {
            problems.push("default_deposit_method_is_not_this_account");
            BindingState::WaitingForDepositMethod
        } else {
            BindingState::Bound
        };
        (state, problems)
    }

    fn to_json(&self, problems: &[&str]) -> Value {
        json!({
            "participating": self.participating,
            "suspended_listings": self.suspended_listings,
            "business_name": self.business_name,
            "business_name_matches": self.business_name_matches,
            "compliance_review": !self.business_name_matches,
            "default_deposit_tail": self.default_tail,
            "default_deposit_holder": self.default_holder,
            "problems": problems,
        })
    }
}

/// What a finding's problem code means to the seller, and what to do.
pub fn problem_text(code: &str, lang: Lang) -> &'static str {
    match code {
        "store_not_participating" => lang.pick(
            "亚马逊表示该店铺未在此站点经营（或站点币种与账户币种不同）。",
            "Amazon says the store does not sell in this marketplace (or the marketplace pays out in another currency).",
        ),
        "suspended_listings" => lang.pick(
            "亚马逊暂停了该店铺在此站点的商品（见卖家平台“账户状况”）。在恢复之前不能绑定；恢复后请点击“检查绑定”。",
            "Amazon has suspended this store's listings in the marketplace (see Account Health in Seller Central). The store cannot be bound until they are reinstated; then click Check binding.",
        ),
        "business_name_mismatch" => lang.pick(
            "卖家平台登记的公司名称与您实名认证的名称不一致，已转合规审核。",
            "The business name in Seller Central is not the name you verified with us; it has gone to compliance review.",
        ),
        "deposit_holder_mismatch" => lang.pick(
            "默认存款方式的账户名与本收款账户的账户名不一致。",
            "The default deposit method's account holder is not this receiving account's holder name.",
        ),
        "default_deposit_method_is_not_this_account" => lang.pick(
            "请在卖家平台把本账户设为该站点的默认存款方式，然后点击“检查绑定”。",
            "Set this account as the marketplace's default deposit method in Seller Central, then click Check binding.",
        ),
        "invalid_grant" => lang.pick(
            "授权已过期或在卖家平台被撤销，请重新授权。",
            "The authorization expired or was revoked in Seller Central; authorize again.",
        ),
        "mws_migration_unavailable" => lang.pick(
            "卖家编号和 MWS 授权令牌已核实，但暂时无法连接亚马逊把这项授权转为 SP-API 授权。请点击“授权”在卖家平台授权 Ferry（或稍后重新提交令牌）。",
            "Your Seller ID and MWS auth token are correct, but we could not reach Amazon to move this authorization to SP-API. Click Authorize to authorize Ferry in Seller Central (or submit the token again later).",
        ),
        "mws_migration_refused" => lang.pick(
            "卖家编号和 MWS 授权令牌已核实，但亚马逊没有同意把这项授权转为 SP-API 授权。请点击“授权”在卖家平台授权 Ferry。",
            "Your Seller ID and MWS auth token are correct, but Amazon did not agree to move this authorization to SP-API. Click Authorize to authorize Ferry in Seller Central.",
        ),
        _ => lang.pick("请联系客服。", "Please contact support."),
    }
}

async fn ask(
    app: &AppState,
    refresh_token: &str,
    store: &Store,
    names: &VerifiedNames,
) -> Result<Findings, ConnectorError> {
    let connector = &app.collection.connector;
    let marketplace_id = store.marketplace.as_str();
    let participations = connector
        .get(refresh_token, "/sellers/v1/marketplaceParticipations")
        .await?;
    let entry = participations["payload"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| entry["marketplace"]["id"] == marketplace_id);
    let currency = store.marketplace.marketplace().currency().to_string();
    let participating = entry.is_some_and(|entry| {
        entry["participation"]["isParticipating"] == true
            && entry["marketplace"]["defaultCurrencyCode"] == currency.as_str()
    });
    let suspended_listings =
        entry.is_some_and(|entry| entry["participation"]["hasSuspendedListings"] == true);
    let account = connector.get(refresh_token, "/sellers/v1/account").await?;
    let business_name = account["payload"]["business"]["name"]
        .as_str()
        .map(str::to_string);
    let business_name_matches = business_name
        .as_deref()
        .is_some_and(|name| names.all().any(|legal| names_match(name, legal)));
    let methods = connector
        .get(
            refresh_token,
            &format!(
                "/finances/transfers/2024-06-01/paymentMethods?marketplaceId={marketplace_id}&paymentMethodTypes=BANK_ACCOUNT"
            ),
        )
        .await?;
    let default = methods["paymentMethods"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|method| method["assignmentType"] == "DEFAULT_DEPOSIT_METHOD");
    let text = |key: &str| default.and_then(|m| m[key].as_str()).map(str::to_string);
    Ok(Findings {
        participating,
        suspended_listings,
        business_name,
        business_name_matches,
        default_tail: text("tail"),
        default_holder: text("accountHolderName"),
    })
}

/// Checks the store and records the outcome. A marketplace that is busy or
/// unreachable changes nothing and says so.
pub async fn check(
    app: &AppState,
    account: &ReceivingAccount,
    binding: &Binding,
) -> Result<Binding, Fail> {
    let store = account.store.as_ref().ok_or(StoreProblem::NoStoreLinked)?;
    let sealed = binding
        .refresh_token_sealed
        .as_deref()
        .ok_or(StoreProblem::NotAuthorized)?;
    let refresh_token = app
        .collection
        .cipher
        .open(sealed, &account.id)
        .map_err(Fail::internal)?;
    let names = verified_names(app, &account.account_id)
        .await?
        .ok_or(StoreProblem::KycRequired)?;
    let now = now_ms();
    let mut checked = binding.clone();
    checked.checked_at_ms = Some(now);
    match ask(app, &refresh_token, store, &names).await {
        Ok(findings) => {
            let (state, problems) = findings.state(account);
            checked.state = state;
            checked.findings = findings.to_json(&problems);
        }
        Err(ConnectorError::InvalidGrant) => {
            checked.state = BindingState::ExpiredOrRevoked;
            checked.findings = json!({ "problems": ["invalid_grant"] });
        }
        Err(other) => return Err(StoreProblem::from(other).into()),
    }
    let mut tx = app.db.begin().await?;
    save(&mut tx, &account.account_id, &checked, now).await?;
    if checked.state != binding.state || binding.checked_at_ms.is_none() {
        audit::record(
            &mut tx,
            Event {
                account_id: Some(&account.account_id),
                user_id: None,
                name: "store_binding.checked",
                detail: json!({
                    "receiving_account_id": account.id,
                    "state": checked.state.code(),
                    "findings": checked.findings,
                }),
                ip: None,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(checked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_forms_case_and_punctuation_do_not_matter() {
        let legal = "Shenzhen Example Trading Co., Ltd.";
        assert!(names_match(legal, "SHENZHEN EXAMPLE TRADING CO LTD"));
        assert!(names_match(
            legal,
            "Shenzhen Example Trading Company Limited"
        ));
        assert!(names_match(legal, "shenzhen example trading co.,ltd"));
        assert!(!names_match(legal, "Shenzhen Other Trading Co., Ltd."));
        assert!(names_match(
            "深圳市示例贸易有限公司",
            "深圳市示例贸易有限公司"
        ));
        assert!(!names_match("", ""));
    }
}
