//! What can go wrong with a conversion: a stable machine code, an HTTP
//! status, and a sentence in both languages.

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use axum::http::StatusCode;
use ferry_platform::http::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FxProblem {
    KycRequired,
    InvalidCurrency,
    SameCurrency,
    PairUnavailable,
    InvalidAmount,
    FeeExceedsAmount { fee: String },
    AmountTooLarge,
    QuoteExpired,
    QuoteAlreadyExecuted,
    QuoteAltered,
    QuoteFailed,
    InsufficientFunds,
}

impl FxProblem {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::KycRequired => StatusCode::FORBIDDEN,
            Self::QuoteExpired => StatusCode::GONE,
            Self::QuoteAlreadyExecuted | Self::QuoteAltered | Self::QuoteFailed => {
                StatusCode::CONFLICT
            }
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::KycRequired => "kyc_required",
            Self::InvalidCurrency => "invalid_currency",
            Self::SameCurrency => "fx_same_currency",
            Self::PairUnavailable => "fx_pair_unavailable",
            Self::InvalidAmount => "invalid_amount",
            Self::FeeExceedsAmount { .. } => "fx_fee_exceeds_amount",
            Self::AmountTooLarge => "amount_too_large",
            Self::QuoteExpired => "quote_expired",
            Self::QuoteAlreadyExecuted => "quote_already_executed",
            Self::QuoteAltered => "quote_altered",
            Self::QuoteFailed => "quote_failed",
            Self::InsufficientFunds => "insufficient_funds",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fixed = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
        match self {
            Self::KycRequired => fixed(
                "实名认证通过后才能换汇。",
                "You can convert currencies once your real-name verification is approved.",
            ),
            Self::InvalidCurrency => fixed(
                "请填写三位字母的币种代码，例如 USD、CNY。",
                "Give currencies as three-letter codes such as USD or CNY.",
            ),
            Self::SameCurrency => fixed(
                "卖出和买入的币种相同，无需换汇。",
                "The currencies to sell and to buy are the same.",
            ),
            Self::PairUnavailable => fixed(
                "暂无该币种对的参考汇率。",
                "We have no reference rate for this pair of currencies.",
            ),
            Self::InvalidAmount => fixed(
                "请填写大于零的金额，例如 1000.00（小数位数不超过该币种的最小单位）。",
                "Enter an amount greater than zero, such as 1000.00, with no more decimals than the currency has.",
            ),
            Self::FeeExceedsAmount { fee } => match lang {
                Lang::ZhCn => format!("金额需大于换汇手续费 {fee}。"),
                Lang::En => format!("The amount must be more than the conversion fee of {fee}."),
            },
            Self::AmountTooLarge => fixed("金额过大。", "The amount is too large."),
            Self::QuoteExpired => fixed(
                "报价已过期，请重新获取报价。",
                "This quote has expired; ask for a new one.",
            ),
            Self::QuoteAlreadyExecuted => fixed(
                "该报价已经成交，不能重复执行。",
                "This quote has already been executed; it cannot be executed again.",
            ),
            Self::QuoteAltered => fixed(
                "确认的金额或币种与报价不一致，请按报价确认或重新获取报价。",
                "The amounts or currencies confirmed differ from the quote; confirm the quote as shown or ask for a new one.",
            ),
            Self::QuoteFailed => fixed(
                "该报价因余额不足未能成交，请重新获取报价。",
                "This quote could not be executed for lack of funds; ask for a new one.",
            ),
            Self::InsufficientFunds => fixed(
                "钱包余额不足。",
                "Your wallet does not hold enough money for this.",
            ),
        }
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        ApiError::new(self.status(), self.code(), self.message(lang))
    }
}

/// A failure in conversions: ours, or one the account features define.
#[derive(Debug)]
pub enum Fail {
    Fx(FxProblem),
    Other(Failure),
}

impl Fail {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Fx(problem) => problem.into_api(lang),
            Self::Other(failure) => failure.into_api(lang),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Other(Failure::Internal(cause.to_string()))
    }
}

impl From<FxProblem> for Fail {
    fn from(problem: FxProblem) -> Self {
        Self::Fx(problem)
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

impl From<ferry_ledger::LedgerError> for Fail {
    fn from(error: ferry_ledger::LedgerError) -> Self {
        Self::internal(format!("ledger: {error}"))
    }
}
