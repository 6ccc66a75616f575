//! What can go wrong with settlement reports and their reconciliation: a
//! stable machine code, an HTTP status, and a sentence in both languages.

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use crate::receiving::problem::{Fail, StoreProblem};
use axum::http::StatusCode;
use ferry_formats::settlement_report::{ReportError, TotalsError};
use ferry_platform::http::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum SettlementProblem {
    /// The file is not a settlement report, or one we cannot read.
    UnreadableReport(ReportError),
    /// The detail rows do not add up to the summary total.
    TotalsDoNotAddUp(TotalsError),
    /// The bytes are not UTF-8 text.
    NotText,
    /// No `file` part in the upload.
    FileMissing,
    /// Over [`super::MAX_REPORT_BYTES`].
    FileTooLarge,
    /// The report's currency is not the receiving account's.
    CurrencyMismatch { report: String, account: String },
}

impl SettlementProblem {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::FileTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::UnreadableReport(error) => error.code(),
            Self::TotalsDoNotAddUp(error) => error.code(),
            Self::NotText => "report_not_text",
            Self::FileMissing => "report_file_missing",
            Self::FileTooLarge => "report_too_large",
            Self::CurrencyMismatch { .. } => "report_currency_not_the_accounts",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            // The reader's explanation names the line and column; it is
            // English, so the Chinese sentence says what to do around it.
            (Self::UnreadableReport(error), Lang::ZhCn) => format!(
                "无法读取结算报告：{error}。请上传从卖家平台“报告 → 付款 → 结算报告”下载的原始文件（V2 或旧版 V1 平面文件）。"
            ),
            (Self::UnreadableReport(error), Lang::En) => format!(
                "The settlement report cannot be read: {error}. Upload the file exactly as downloaded from Seller Central (Reports → Payments → All Statements), V2 or legacy V1 flat file."
            ),
            (Self::TotalsDoNotAddUp(error), Lang::ZhCn) => {
                format!("结算报告的明细合计与汇总金额不符（{error}），文件可能不完整。")
            }
            (Self::TotalsDoNotAddUp(error), Lang::En) => format!(
                "The report's detail rows do not add up to its total ({error}); the file may be incomplete."
            ),
            (Self::NotText, Lang::ZhCn) => {
                "文件不是文本（UTF-8）格式，请上传 .txt 结算报告原文件。".into()
            }
            (Self::NotText, Lang::En) => {
                "The file is not UTF-8 text; upload the settlement report's .txt file.".into()
            }
            (Self::FileMissing, Lang::ZhCn) => "请选择要上传的结算报告文件。".into(),
            (Self::FileMissing, Lang::En) => "Choose the settlement report file to upload.".into(),
            (Self::FileTooLarge, Lang::ZhCn) => format!(
                "文件超过 {} MB，请使用命令 ferry import settlement-report 导入。",
                super::MAX_REPORT_BYTES / (1024 * 1024)
            ),
            (Self::FileTooLarge, Lang::En) => format!(
                "The file is larger than {} MB; import it with `ferry import settlement-report` instead.",
                super::MAX_REPORT_BYTES / (1024 * 1024)
            ),
            (Self::CurrencyMismatch { report, account }, Lang::ZhCn) => {
                format!("该结算报告的币种是 {report}，而所选收款账户是 {account} 账户。")
            }
            (Self::CurrencyMismatch { report, account }, Lang::En) => format!(
                "The settlement is in {report} but the receiving account is a {account} account."
            ),
        }
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        ApiError::new(self.status(), self.code(), self.message(lang))
    }
}

/// A failure of these features: ours, a store's, or a general one.
#[derive(Debug)]
pub enum SettlementFail {
    Settlement(SettlementProblem),
    Other(Fail),
}

impl SettlementFail {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Settlement(problem) => problem.into_api(lang),
            Self::Other(fail) => fail.into_api(lang),
        }
    }
}

impl std::fmt::Display for SettlementFail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Settlement(problem) => f.write_str(&problem.message(Lang::En)),
            Self::Other(fail) => f.write_str(&fail_message(fail)),
        }
    }
}

fn fail_message(fail: &Fail) -> String {
    match fail {
        Fail::Store(problem) => problem.message(Lang::En),
        Fail::Other(Failure::Problem(problem)) => problem.message(Lang::En).to_string(),
        Fail::Other(Failure::Internal(cause)) => cause.clone(),
    }
}

impl From<SettlementProblem> for SettlementFail {
    fn from(problem: SettlementProblem) -> Self {
        Self::Settlement(problem)
    }
}

impl From<Fail> for SettlementFail {
    fn from(fail: Fail) -> Self {
        Self::Other(fail)
    }
}

impl From<StoreProblem> for SettlementFail {
    fn from(problem: StoreProblem) -> Self {
        Self::Other(problem.into())
    }
}

impl From<Problem> for SettlementFail {
    fn from(problem: Problem) -> Self {
        Self::Other(problem.into())
    }
}

impl From<sqlx::Error> for SettlementFail {
    fn from(error: sqlx::Error) -> Self {
        Self::Other(error.into())
    }
}
