//! What can go wrong reading wallets: a stable machine code, an HTTP
//! status, and a sentence in both languages.

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use axum::http::StatusCode;
use ferry_ledger::LedgerError;
use ferry_platform::http::ApiError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalletProblem {
    /// No wallet in this currency (or not a currency at all).
    NotFound,
    /// `from`/`to` are not dates written `YYYY-MM-DD`.
    InvalidDate,
    /// `from` after `to`, or a period longer than a year.
    InvalidPeriod,
    /// A `cursor` this API did not hand out.
    InvalidCursor,
    /// `limit` outside 1–200.
    InvalidLimit,
}

impl WalletProblem {
    pub fn status(self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::NotFound => "wallet_not_found",
            Self::InvalidDate => "invalid_date",
            Self::InvalidPeriod => "invalid_period",
            Self::InvalidCursor => "invalid_cursor",
            Self::InvalidLimit => "invalid_limit",
        }
    }

    pub fn message(self, lang: Lang) -> &'static str {
        match self {
            Self::NotFound => lang.pick(
                "您在该币种下还没有钱包。收到该币种的第一笔回款后会自动开立。",
                "You have no wallet in this currency. It opens with the first payout received in it.",
            ),
            Self::InvalidDate => lang.pick(
                "日期格式应为 YYYY-MM-DD，例如 2026-11-01。",
                "Dates are written YYYY-MM-DD, for example 2026-11-01.",
            ),
            Self::InvalidPeriod => lang.pick(
                "开始日期不能晚于结束日期，且一份对账单最长一年。",
                "The start date must not be after the end date, and one statement covers at most a year.",
            ),
            Self::InvalidCursor => lang.pick(
                "分页参数 cursor 无效，请使用上一页返回的 next_cursor。",
                "This cursor is not valid; use the next_cursor of the previous page.",
            ),
            Self::InvalidLimit => lang.pick(
                "limit 应为 1 到 200 之间的整数。",
                "limit must be a whole number from 1 to 200.",
            ),
        }
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        ApiError::new(self.status(), self.code(), self.message(lang))
    }
}

/// A failure reading wallets: ours, or one the account features define.
#[derive(Debug)]
pub enum Fail {
    Wallet(WalletProblem),
    Other(Failure),
}

impl Fail {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Wallet(problem) => problem.into_api(lang),
            Self::Other(failure) => failure.into_api(lang),
        }
    }
}

impl From<WalletProblem> for Fail {
    fn from(problem: WalletProblem) -> Self {
        Self::Wallet(problem)
    }
}

impl From<Problem> for Fail {
    fn from(problem: Problem) -> Self {
        Self::Other(Failure::Problem(problem))
    }
}

impl From<sqlx::Error> for Fail {
    fn from(error: sqlx::Error) -> Self {
        Self::Other(error.into())
    }
}

impl From<LedgerError> for Fail {
    fn from(error: LedgerError) -> Self {
        Self::Other(Failure::Internal(error.to_string()))
    }
}
