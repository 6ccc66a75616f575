//! What can go wrong with withdrawals and their destinations: a stable
//! machine code, an HTTP status, and a sentence in both languages.

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use axum::http::StatusCode;
use ferry_platform::http::ApiError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WithdrawalProblem {
    KycRequired,
    TwoFactorNotEnrolled,
    InvalidCard(String),
    InvalidBankName,
    HolderMismatch,
    UnsupportedCurrency,
    InvalidAmount,
    PerTransactionLimit { limit: String },
    PerDayLimit { remaining: String },
    InsufficientFunds,
    NotReturnable,
}

impl WithdrawalProblem {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::KycRequired | Self::TwoFactorNotEnrolled => StatusCode::FORBIDDEN,
            Self::NotReturnable => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::KycRequired => "kyc_required",
            Self::TwoFactorNotEnrolled => "two_factor_not_enrolled",
            Self::InvalidCard(_) => "invalid_card_number",
            Self::InvalidBankName => "invalid_bank_name",
            Self::HolderMismatch => "holder_name_mismatch",
            Self::UnsupportedCurrency => "unsupported_currency",
            Self::InvalidAmount => "invalid_amount",
            Self::PerTransactionLimit { .. } => "per_transaction_limit_exceeded",
            Self::PerDayLimit { .. } => "daily_limit_exceeded",
            Self::InsufficientFunds => "insufficient_funds",
            Self::NotReturnable => "withdrawal_not_paid",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let fixed = |zh: &'static str, en: &'static str| lang.pick(zh, en).to_string();
        match self {
            Self::KycRequired => fixed(
                "实名认证通过后才能提现。",
                "You can withdraw once your real-name verification is approved.",
            ),
            Self::TwoFactorNotEnrolled => fixed(
                "提现需要两步验证确认。请先在“安全设置”中开启两步验证。",
                "Withdrawals are confirmed with a two-factor code. Turn on two-factor authentication in Security settings first.",
            ),
            Self::InvalidCard(reason) => match lang {
                Lang::ZhCn => format!("银行卡号不正确（{reason}）。请核对 16 到 19 位银联卡号。"),
                Lang::En => format!(
                    "That card number is not valid ({reason}). Check the 16 to 19 digits of the UnionPay card."
                ),
            },
            Self::InvalidBankName => fixed(
                "请选择或填写开户银行（最多 60 个字）。",
                "Choose or enter the bank (at most 60 characters).",
            ),
            Self::HolderMismatch => fixed(
                "收款人姓名必须与实名认证的名称一致（公司账户为注册的中文名称或英文名称）。",
                "The holder name must be the verified legal name (for a company, its registered Chinese or English name).",
            ),
            Self::UnsupportedCurrency => fixed(
                "目前可以提现人民币（CNY）和美元（USD）。",
                "You can withdraw CNY and USD.",
            ),
            Self::InvalidAmount => fixed(
                "请填写大于零的金额，例如 1000.00。",
                "Enter an amount greater than zero, such as 1000.00.",
            ),
            Self::PerTransactionLimit { limit } => match lang {
                Lang::ZhCn => format!("单笔提现不能超过 {limit}。"),
                Lang::En => format!("A single withdrawal can be at most {limit}."),
            },
            Self::PerDayLimit { remaining } => match lang {
                Lang::ZhCn => format!("超出当日提现额度，今日还可提现 {remaining}。"),
                Lang::En => format!(
                    "This goes over today's withdrawal limit; you can still withdraw {remaining} today."
                ),
            },
            Self::InsufficientFunds => fixed(
                "钱包可用余额不足以支付提现金额和手续费。",
                "Your wallet's available balance does not cover the amount and the fee.",
            ),
            Self::NotReturnable => fixed(
                "只有已付款的提现才能登记为银行退回。",
                "Only a paid withdrawal can be recorded as returned by the bank.",
            ),
        }
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        ApiError::new(self.status(), self.code(), self.message(lang))
    }
}

/// A failure in withdrawals: ours, or one the account features define.
#[derive(Debug)]
pub enum Fail {
    Withdrawal(WithdrawalProblem),
    Other(Failure),
}

impl Fail {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Withdrawal(problem) => problem.into_api(lang),
            Self::Other(failure) => failure.into_api(lang),
        }
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Other(Failure::Internal(cause.to_string()))
    }
}

impl From<WithdrawalProblem> for Fail {
    fn from(problem: WithdrawalProblem) -> Self {
        Self::Withdrawal(problem)
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
