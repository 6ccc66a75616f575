//! What can go wrong with receiving accounts, store binding and the
//! marketplace connector: a stable machine code, an HTTP status, and a
//! sentence in both languages.

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use axum::http::StatusCode;
use ferry_platform::http::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum StoreProblem {
    KycRequired,
    UnsupportedCurrency,
    UnknownMarketplace,
    MarketplaceCurrencyMismatch,
    /// The seller typed a marketplace ID where the Seller ID goes.
    MarketplaceIdAsSellerId {
        country: &'static str,
        marketplace_id: &'static str,
    },
    InvalidSellerId(String),
    StoreAlreadyHasAccount,
    KatakanaHolderRequired,
    InvalidKatakanaHolder(String),
    ProgrammeExhausted,
    SignatureMissing,
    SignatureInvalid,
    InvalidMwsAuthToken(String),
    SellerIdMismatch,
    /// The marketplace never issued this MWS token.
    MwsPairRefused,
    MwsTokenRevoked,
    /// The token was issued by another seller than the Seller ID entered.
    MwsTokenOfOtherSeller,
    /// The seller issued the token to another developer ID than Ferry's.
    MwsTokenOfOtherDeveloper,
    MwsRetired,
    OAuthStateInvalid,
    AuthorizationRefused,
    NotAuthorized,
    ExpiredOrRevoked,
    MarketplaceBusy {
        retry_after_s: u64,
    },
    MarketplaceUnavailable,
    MarketplaceRefused(String),
    NoStoreLinked,
    NoOpenSettlement,
    ConnectorNotConfigured,
}

impl StoreProblem {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::KycRequired => StatusCode::FORBIDDEN,
            Self::StoreAlreadyHasAccount => StatusCode::CONFLICT,
            Self::ProgrammeExhausted
            | Self::MarketplaceUnavailable
            | Self::ConnectorNotConfigured => StatusCode::SERVICE_UNAVAILABLE,
            Self::MarketplaceBusy { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::SignatureMissing | Self::SignatureInvalid => StatusCode::UNAUTHORIZED,
            Self::MwsRetired
            | Self::NoStoreLinked
            | Self::NotAuthorized
            | Self::NoOpenSettlement => StatusCode::CONFLICT,
            Self::MarketplaceRefused(_) => StatusCode::BAD_GATEWAY,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::KycRequired => "kyc_required",
            Self::UnsupportedCurrency => "unsupported_currency",
            Self::UnknownMarketplace => "unknown_marketplace",
            Self::MarketplaceCurrencyMismatch => "marketplace_currency_mismatch",
            Self::MarketplaceIdAsSellerId { .. } => "marketplace_id_as_seller_id",
            Self::InvalidSellerId(_) => "invalid_seller_id",
            Self::StoreAlreadyHasAccount => "store_already_has_account",
            Self::KatakanaHolderRequired => "katakana_holder_required",
            Self::InvalidKatakanaHolder(_) => "invalid_katakana_holder",
            Self::ProgrammeExhausted => "programme_exhausted",
            Self::SignatureMissing => "signature_missing",
            Self::SignatureInvalid => "signature_invalid",
            Self::InvalidMwsAuthToken(_) => "invalid_mws_auth_token",
            Self::SellerIdMismatch => "seller_id_mismatch",
            Self::MwsPairRefused => "mws_pair_refused",
            Self::MwsTokenRevoked => "mws_token_revoked",
            Self::MwsTokenOfOtherSeller => "mws_token_of_other_seller",
            Self::MwsTokenOfOtherDeveloper => "mws_token_of_other_developer",
            Self::MwsRetired => "mws_retired",
            Self::OAuthStateInvalid => "oauth_state_invalid",
            Self::AuthorizationRefused => "authorization_refused",
            Self::NotAuthorized => "store_not_authorized",
            Self::ExpiredOrRevoked => "authorization_expired_or_revoked",
            Self::MarketplaceBusy { .. } => "marketplace_rate_limited",
            Self::MarketplaceUnavailable => "marketplace_unavailable",
            Self::MarketplaceRefused(_) => "marketplace_refused",
            Self::NoStoreLinked => "no_store_linked",
            Self::NoOpenSettlement => "no_open_settlement",
            Self::ConnectorNotConfigured => "connector_not_configured",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fixed = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
        match self {
            Self::KycRequired => fixed(
                "实名认证通过后才能开通收款账户。",
                "You can open receiving accounts once your real-name verification is approved.",
            ),
            Self::UnsupportedCurrency => fixed(
                "目前支持的币种：USD、EUR、GBP、JPY、CAD、AUD。",
                "The currencies on offer are USD, EUR, GBP, JPY, CAD and AUD.",
            ),
            Self::UnknownMarketplace => fixed(
                "请从列表中选择站点（亚马逊商城编号）。",
                "Choose the marketplace from the list.",
            ),
            Self::MarketplaceCurrencyMismatch => fixed(
                "该站点的结算币种与账户币种不同，请选择与站点币种相同的账户（例如美国站用 USD）。",
                "That marketplace pays out in another currency; open the account in the marketplace's currency (USD for Amazon.com, for example).",
            ),
            Self::MarketplaceIdAsSellerId {
                country,
                marketplace_id,
            } => match lang {
                Lang::ZhCn => format!(
                    "{marketplace_id} 是亚马逊 {country} 站的商城编号（Marketplace ID），不是卖家编号。请在卖家平台“设置 → 账户信息 → 商家信息”中复制“卖家记号”（Merchant Token）。"
                ),
                Lang::En => format!(
                    "{marketplace_id} is the marketplace ID of Amazon {country}, not your Seller ID. Copy the Merchant Token from Seller Central: Settings → Account Info → Business Information."
                ),
            },
            Self::InvalidSellerId(reason) => match lang {
                Lang::ZhCn => format!(
                    "卖家编号格式不正确（{reason}）。卖家编号以 A 开头，共 13 到 16 位字母或数字。"
                ),
                Lang::En => format!(
                    "That is not a Seller ID ({reason}). A Seller ID starts with A and has 13 to 16 letters or digits."
                ),
            },
            Self::StoreAlreadyHasAccount => fixed(
                "该店铺已有这个币种的收款账户。每个店铺每个币种只开一个账户，避免店铺之间因共用账户被关联。",
                "This store already has a receiving account in this currency. Each store gets its own account so that stores are never linked through a shared one.",
            ),
            Self::KatakanaHolderRequired => fixed(
                "日元账户需要填写半角片假名的账户名（例如 ｶ)ﾌｴﾘ-）。",
                "A JPY account needs the holder name in half-width katakana (for example ｶ)ﾌｴﾘ-).",
            ),
            Self::InvalidKatakanaHolder(reason) => match lang {
                Lang::ZhCn => {
                    format!("片假名账户名不正确：{reason}。最多 16 个半角字符。")
                }
                Lang::En => format!(
                    "The katakana holder name is not valid: {reason}. Use at most 16 half-width characters."
                ),
            },
            Self::ProgrammeExhausted => fixed(
                "该币种的账号暂时发放完毕，请联系客服。",
                "We have run out of account numbers in this currency for now; please contact support.",
            ),
            Self::SignatureMissing => fixed("请求未签名。", "The request is not signed."),
            Self::SignatureInvalid => fixed(
                "签名无效、已过期或来自未登记的平台。",
                "The signature is invalid, too old, or from a marketplace we have not registered.",
            ),
            Self::InvalidMwsAuthToken(reason) => match lang {
                Lang::ZhCn => format!(
                    "MWS 授权令牌格式不正确（{reason}）。它形如 amzn.mws.xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx。"
                ),
                Lang::En => format!(
                    "That is not an MWS auth token ({reason}). It looks like amzn.mws.xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx."
                ),
            },
            Self::SellerIdMismatch => fixed(
                "这个卖家编号与该收款账户登记的店铺不同。请确认您登录的是正确的卖家平台账户。",
                "This Seller ID is not the store this receiving account was opened for. Check that you are signed in to the right Seller Central account.",
            ),
            Self::MwsPairRefused => fixed(
                "亚马逊没有签发过这个授权令牌，可能是复制时有遗漏或多余的字符。请在卖家平台“用户权限”中授权 Ferry 的开发者编号，并完整复制页面上显示的令牌。",
                "Amazon never issued this auth token; it may have been copied incompletely. Authorize Ferry's developer ID under User Permissions in Seller Central and copy the whole token the page shows.",
            ),
            Self::MwsTokenRevoked => fixed(
                "该授权令牌已在卖家平台“用户权限”中被撤销。请重新授权 Ferry 的开发者编号，并复制新的令牌。",
                "This auth token was revoked under User Permissions in Seller Central. Authorize Ferry's developer ID again and copy the new token.",
            ),
            Self::MwsTokenOfOtherSeller => fixed(
                "该授权令牌属于另一个卖家账户，与您填写的卖家编号不符。请登录该店铺的卖家平台账户，在“用户权限”中授权 Ferry 并复制那里显示的卖家编号和令牌。",
                "This auth token belongs to another seller account than the Seller ID you entered. Sign in to this store's Seller Central account, authorize Ferry under User Permissions and copy the Seller ID and token shown there.",
            ),
            Self::MwsTokenOfOtherDeveloper => fixed(
                "该授权令牌是授权给另一个开发者的，不是 Ferry。请在“用户权限”中填写 Ferry 的开发者编号（见本页说明）进行授权，并复制新的令牌。",
                "This auth token was issued to another developer, not Ferry. Under User Permissions, authorize Ferry's developer ID (shown on this page) and copy the new token.",
            ),
            Self::MwsRetired => fixed(
                "亚马逊已于 2024 年停用 MWS 授权令牌，请使用“授权”按钮通过卖家平台授权 Ferry。",
                "Amazon retired MWS auth tokens in 2024; use the Authorize button to authorize Ferry in Seller Central.",
            ),
            Self::OAuthStateInvalid => fixed(
                "授权链接已过期或不是在本浏览器中发起的，请回到账户页面重新点击“授权”。",
                "This authorization has expired or was not started in this browser; go back to the account page and click Authorize again.",
            ),
            Self::AuthorizationRefused => fixed(
                "亚马逊没有完成授权（授权码无效或已过期，授权码 5 分钟内有效）。请重新点击“授权”。",
                "Amazon did not complete the authorization (the code was invalid or expired; codes last five minutes). Click Authorize again.",
            ),
            Self::NotAuthorized => fixed(
                "请先授权 Ferry 访问该店铺。",
                "Authorize Ferry for this store first.",
            ),
            Self::ExpiredOrRevoked => fixed(
                "店铺授权已过期或已在卖家平台撤销，请重新授权。",
                "The store's authorization has expired or was revoked in Seller Central; authorize Ferry again.",
            ),
            Self::MarketplaceBusy { retry_after_s } => match lang {
                Lang::ZhCn => format!("亚马逊要求放慢请求速度，请约 {retry_after_s} 秒后再试。"),
                Lang::En => format!(
                    "Amazon asked us to slow down; please try again in about {retry_after_s} seconds."
                ),
            },
            Self::MarketplaceUnavailable => fixed(
                "暂时无法连接亚马逊，请稍后再试。",
                "We cannot reach Amazon right now; please try again later.",
            ),
            Self::MarketplaceRefused(detail) => match lang {
                Lang::ZhCn => format!("亚马逊拒绝了请求：{detail}"),
                Lang::En => format!("Amazon refused the request: {detail}"),
            },
            Self::ConnectorNotConfigured => fixed(
                "Ferry 尚未在该平台登记授权应用，暂时无法授权，请联系客服。",
                "Ferry's app is not registered with this marketplace yet, so authorization is not available; please contact support.",
            ),
            Self::NoOpenSettlement => fixed(
                "亚马逊尚未返回该店铺在此币种的当前结算周期，暂时无法计算安全窗口。",
                "Amazon has not reported an open settlement period for this store in this currency yet, so the safe window cannot be worked out.",
            ),
            Self::NoStoreLinked => fixed(
                "该账户尚未关联店铺，请先通过“授权”关联店铺。",
                "This account has no store yet; link one with Authorize first.",
            ),
        }
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        ApiError::new(self.status(), self.code(), self.message(lang))
    }
}

/// A failure in these features: ours, or one the account features define.
#[derive(Debug)]
pub enum Fail {
    Store(StoreProblem),
    Other(Failure),
}

impl Fail {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Store(problem) => problem.into_api(lang),
            Self::Other(failure) => failure.into_api(lang),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Other(Failure::Internal(cause.to_string()))
    }
}

impl From<StoreProblem> for Fail {
    fn from(problem: StoreProblem) -> Self {
        Self::Store(problem)
    }
}

impl From<Problem> for Fail {
    fn from(problem: Problem) -> Self {
        Self::Other(Failure::Problem(problem))
    }
}

impl From<Failure> for Fail {
    fn from(failure: Failure) -> Self {
        Self::Other(failure)
    }
}

impl From<sqlx::Error> for Fail {
    fn from(error: sqlx::Error) -> Self {
        Self::Other(error.into())
    }
}
