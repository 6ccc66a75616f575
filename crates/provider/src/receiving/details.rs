//! An account's details as Seller Central's Deposit Methods form asks for
//! them at the account's bank location: the same fields, in its order and
//! words (MARKETPLACE-FACTS §1.2), plus SWIFT details for wires and the
//! steps to paste them.

use super::accounts::ReceivingAccount;
use super::programmes::{LocalRouting, Programme};
use crate::i18n::Lang;
use ferry_domain::{Currency, Iban};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    /// A stable key for the JSON API.
    pub key: &'static str,
    /// Seller Central's label (English, as the form shows it).
    pub label: &'static str,
    pub label_zh: &'static str,
    pub value: String,
}

fn field(key: &'static str, label: &'static str, label_zh: &'static str, value: String) -> Field {
    Field {
        key,
        label,
        label_zh,
        value,
    }
}

/// Seller Central's "Bank location" choice for the account.
pub fn bank_location(routing: &LocalRouting) -> &'static str {
    match routing {
        LocalRouting::Aba { .. } => "United States",
        LocalRouting::Iban { .. } => "Euro zone (IBAN)",
        LocalRouting::SortCode { .. } => "United Kingdom",
        LocalRouting::Canada { .. } => "Canada",
        LocalRouting::Zengin { .. } => "Japan",
        LocalRouting::Bsb { .. } => "Australia",
    }
}

/// The Deposit Methods form's fields, in order.
pub fn seller_central_fields(account: &ReceivingAccount, programme: &Programme) -> Vec<Field> {
    let mut fields = vec![
        field(
            "bank_location",
            "Bank location",
            "银行所在地",
            bank_location(&programme.routing).into(),
        ),
        field(
            "account_holder_name",
            "Account holder name",
            "账户持有人姓名",
            account.holder_name.clone(),
        ),
    ];
    let number = account.account_number.clone();
    match &programme.routing {
        LocalRouting::Aba { routing_number } => fields.extend([
            field(
                "routing_number",
                "9-digit routing number",
                "9 位汇款路线号码",
                routing_number.as_str().into(),
            ),
            field("account_number", "Bank account number", "银行账号", number),
            field(
                "account_type",
                "Account type",
                "账户类型",
                "Checking".into(),
            ),
        ]),
        LocalRouting::Canada { routing_number } => fields.extend([
            field(
                "institution_number",
                "Bank (institution) number",
                "银行（机构）代码",
                format!("0{}", routing_number.institution()),
            ),
            field(
                "transit_number",
                "Branch (transit) number",
                "分行（中转）号码",
                routing_number.transit().into(),
            ),
            field("account_number", "Bank account number", "银行账号", number),
        ]),
        LocalRouting::SortCode { sort_code } => fields.extend([
            field(
                "sort_code",
                "Bank sort code",
                "银行分类代码（Sort Code）",
                sort_code.as_str().into(),
            ),
            field("account_number", "Bank account number", "银行账号", number),
        ]),
        LocalRouting::Iban { .. } => fields.extend([
            field("iban", "IBAN", "IBAN", number),
            field("bic", "BIC", "BIC", programme.bic.as_str().into()),
        ]),
        LocalRouting::Zengin {
            bank_code,
            branch_code,
        } => fields.extend([
            field(
                "bank_code",
                "Bank code",
                "银行代码",
                bank_code.as_str().into(),
            ),
            field(
                "branch_code",
                "Branch code",
                "支店代码",
                branch_code.as_str().into(),
            ),
            field("account_number", "Account number", "账号", number),
        ]),
        LocalRouting::Bsb { bsb } => fields.extend([
            field("bsb", "BSB", "BSB", bsb.as_str().into()),
            field("account_number", "Account number", "账号", number),
        ]),
    }
    fields
}

/// The IBAN of a UK account (for SWIFT payers that ask for one): GB, check
/// digits, the BIC's bank code, sort code and account number.
fn uk_iban(account: &ReceivingAccount, programme: &Programme) -> Option<String> {
    let LocalRouting::SortCode { sort_code } = &programme.routing else {
        return None;
    };
    let bban = format!(
        "{}{}{}",
        programme.bic.bank_code(),
        sort_code.as_str(),
        account.account_number
    );
    Iban::from_bban("GB", &bban)
        .ok()
        .map(|iban| iban.as_str().to_string())
}

/// Details for an international (SWIFT) wire to the account.
pub fn swift_fields(account: &ReceivingAccount, programme: &Programme) -> Vec<Field> {
    let account_number =
        uk_iban(account, programme).unwrap_or_else(|| account.account_number.clone());
    vec![
        field(
            "beneficiary_name",
            "Beneficiary name",
            "收款人名称",
            account.holder_name.clone(),
        ),
        field(
            "beneficiary_account",
            "Beneficiary account number / IBAN",
            "收款账号 / IBAN",
            account_number,
        ),
        field(
            "bank_name",
            "Beneficiary bank",
            "收款银行",
            programme.bank_name.clone(),
        ),
        field(
            "bank_address",
            "Beneficiary bank address",
            "收款银行地址",
            programme.bank_address.clone(),
        ),
        field(
            "swift_code",
            "SWIFT / BIC",
            "SWIFT / BIC",
            programme.bic.as_str().into(),
        ),
    ]
}

/// Where to paste the details in Seller Central (seed step 4).
pub fn steps(account: &ReceivingAccount, programme: &Programme, lang: Lang) -> Vec<String> {
    let location = bank_location(&programme.routing);
    let marketplace = account.store.as_ref().map_or_else(
        || {
            lang.pick("您的店铺所在站点", "your store's marketplace")
                .to_string()
        },
        |store| store.marketplace.marketplace().country_name().to_string(),
    );
    let japanese = account.currency == Currency::JPY;
    match lang {
        Lang::ZhCn => {
            let mut steps = vec![
                "以主账户用户身份登录卖家平台（需要两步验证）。".to_string(),
                "进入“设置 → 账户信息 → 付款信息 → 存款方式”（Deposit Methods）。".to_string(),
                format!("在 {marketplace} 站点旁点击“分配”（Assign）；已有账户时点击“替换存款方式”，并按要求输入当前账户的完整账号。"),
                format!("“银行所在地”选择“{location}”，然后按上面的顺序逐项复制粘贴。"),
                "点击“设置存款方式”（Set Deposit Method），看到“Deposit Method has been updated successfully!”即完成；此后 3 天为安全保留期。".to_string(),
                "回到本页点击“检查绑定”，我们会确认亚马逊的默认存款方式就是这个账户。".to_string(),
            ];
            if japanese {
                steps.insert(4, "账户名请填写上面的半角片假名，与银行登记一致。".into());
            }
            steps
        }
        Lang::En => {
            let mut steps = vec![
                "Sign in to Seller Central as the primary user (two-step verification).".to_string(),
                "Go to Settings → Account Info → Payment Information → Deposit Methods.".to_string(),
                format!("Click Assign next to {marketplace} (or Replace deposit method if one is set, and re-enter the current account's complete number when asked)."),
                format!("Choose the bank location \"{location}\" and paste each field above, in order."),
                "Click Set Deposit Method. \"Deposit Method has been updated successfully!\" means it is done; a three-day security hold follows.".to_string(),
                "Come back here and click Check binding: we confirm that Amazon's default deposit method is this account.".to_string(),
            ];
            if japanese {
                steps.insert(4, "Enter the holder name in the half-width katakana shown above, as the bank registers it.".into());
            }
            steps
        }
    }
}
