//! What can go wrong for a caller of verification, documents and the
//! operator console: a stable machine code, an HTTP status and a sentence in
//! both languages (the account problems stay in `crate::error`).

use crate::error::{Failure, Problem};
use crate::i18n::Lang;
use axum::http::StatusCode;
use ferry_platform::http::ApiError;

/// A form field a problem is about, named as in the API.
pub type Field = &'static str;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KycProblem {
    DocumentMissing,
    DocumentEmpty,
    DocumentTooLarge,
    DocumentTypeNotAllowed,
    DocumentUnreadable,
    DocumentTooSmall {
        width_px: u32,
        height_px: u32,
    },
    DocumentTrailingData,
    DocumentActiveContent,
    /// A form names a document id that is not one of the account's.
    UnknownDocument(Field),
    Required(Field),
    InvalidName(Field),
    InvalidResidentId(Field),
    Minor(Field),
    InvalidUscc,
    InvalidOrgCode,
    InvalidLicenceNumber,
    InvalidShare,
    /// Only a draft or a case waiting for the seller's action can change.
    CaseReadOnly,
    /// The case is not in a state that allows this step.
    CaseStateConflict,
    NoCase,
    /// An approved identity exists; a new case is needed to change it.
    InvalidReasonCode,
    InvalidActionItem,
    MessageRequired,
    SecondApprovalBySameOperator,
    OperatorEnrollmentRequired,
}

impl KycProblem {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::DocumentTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::DocumentTypeNotAllowed => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::CaseReadOnly | Self::CaseStateConflict | Self::SecondApprovalBySameOperator => {
                StatusCode::CONFLICT
            }
            Self::NoCase => StatusCode::NOT_FOUND,
            Self::OperatorEnrollmentRequired => StatusCode::FORBIDDEN,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::DocumentMissing => "document_missing",
            Self::DocumentEmpty => "document_empty",
            Self::DocumentTooLarge => "document_too_large",
            Self::DocumentTypeNotAllowed => "document_type_not_allowed",
            Self::DocumentUnreadable => "document_unreadable",
            Self::DocumentTooSmall { .. } => "document_too_small",
            Self::DocumentTrailingData => "document_trailing_data",
            Self::DocumentActiveContent => "document_active_content",
            Self::UnknownDocument(_) => "unknown_document",
            Self::Required(_) => "field_required",
            Self::InvalidName(_) => "invalid_name",
            Self::InvalidResidentId(_) => "invalid_resident_id",
            Self::Minor(_) => "not_an_adult",
            Self::InvalidUscc => "invalid_uscc",
            Self::InvalidOrgCode => "invalid_org_code",
            Self::InvalidLicenceNumber => "invalid_licence_number",
            Self::InvalidShare => "invalid_share",
            Self::CaseReadOnly => "case_read_only",
            Self::CaseStateConflict => "case_state_conflict",
            Self::NoCase => "no_case",
            Self::InvalidReasonCode => "invalid_reason_code",
            Self::InvalidActionItem => "invalid_action_item",
            Self::MessageRequired => "message_required",
            Self::SecondApprovalBySameOperator => "second_approval_needs_another_operator",
            Self::OperatorEnrollmentRequired => "operator_enrollment_required",
        }
    }

    /// The field a problem is about, for forms that mark it.
    pub fn field(&self) -> Option<Field> {
        match self {
            Self::UnknownDocument(field)
            | Self::Required(field)
            | Self::InvalidName(field)
            | Self::InvalidResidentId(field)
            | Self::Minor(field) => Some(field),
            Self::InvalidUscc => Some("uscc"),
            Self::InvalidOrgCode => Some("org_code"),
            Self::InvalidLicenceNumber => Some("licence_number"),
            Self::InvalidShare => Some("beneficial_owners"),
            _ => None,
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let field = self.field().map(|field| field_label(field, lang));
        let with_field = |zh: &str, en: &str| match lang {
            Lang::ZhCn => format!("{}：{zh}", field.unwrap_or_default()),
            Lang::En => format!("{}: {en}", field.unwrap_or_default()),
        };
        match self {
            Self::DocumentMissing => lang.pick("请选择要上传的文件（表单字段 file）。", "Choose a file to upload (form field file).").into(),
            Self::DocumentEmpty => lang.pick("文件是空的，请重新选择。", "The file is empty; choose it again.").into(),
            Self::DocumentTooLarge => lang.pick("文件超过 10 MiB，请压缩后再上传。", "The file is larger than 10 MiB; make it smaller and upload again.").into(),
            Self::DocumentTypeNotAllowed => lang.pick("只接受 JPEG、PNG 图片或 PDF 文件（按文件内容判断，改扩展名无效）。", "Only JPEG or PNG pictures and PDF files are accepted (judged by the content; renaming a file does not help).").into(),
            Self::DocumentUnreadable => lang.pick("文件不完整或已损坏，无法打开，请重新拍摄或导出。", "The file is incomplete or damaged and cannot be opened; take or export it again.").into(),
            Self::DocumentTooSmall { width_px, height_px } => match lang {
                Lang::ZhCn => format!("图片只有 {width_px}×{height_px} 像素，至少需要 600×400，才能看清证件上的文字。"),
                Lang::En => format!("The picture is only {width_px}×{height_px} pixels; at least 600×400 is needed to read the document."),
            },
            Self::DocumentTrailingData => lang.pick("文件在图片（或 PDF）结束后还附带了其他数据，出于安全原因不能接受，请重新导出原始文件。", "The file carries extra data after the picture (or PDF) ends, which we refuse for safety; export the original file again.").into(),
            Self::DocumentActiveContent => lang.pick("PDF 中含有脚本、可启动的程序或嵌入文件，出于安全原因不能接受，请打印为普通 PDF 或上传照片。", "The PDF contains scripts, launch actions or embedded files, which we refuse for safety; print it to a plain PDF or upload a photo.").into(),
            Self::UnknownDocument(_) => with_field("找不到该文件，请重新上传。", "this document was not found; upload it again."),
            Self::Required(_) => with_field("必填。", "required."),
            Self::InvalidName(_) => with_field("请填写 1 到 100 个字符，不能只有空格。", "enter 1 to 100 characters, not only spaces."),
            Self::InvalidResidentId(_) => with_field("身份证号码无效（18 位，最后一位是校验码，可能是 X），请核对。", "the resident identity number is not valid (18 characters, the last is a check character, possibly X); check it."),
            Self::Minor(_) => with_field("证件持有人须年满 18 周岁。", "the holder must be at least 18 years old."),
            Self::InvalidUscc => with_field("统一社会信用代码无效（18 位，含校验码），请对照营业执照核对。", "the unified social credit code is not valid (18 characters with a check character); compare it with the business licence."),
            Self::InvalidOrgCode => with_field("组织机构代码无效（9 位，最后一位是校验码），请对照组织机构代码证核对。", "the organization code is not valid (9 characters, the last a check character); compare it with the certificate."),
            Self::InvalidLicenceNumber => with_field("请填写营业执照注册号（13 或 15 位数字）。", "enter the licence registration number (13 or 15 digits)."),
            Self::InvalidShare => with_field("受益所有人须持股至少 25%（整数，25 到 100），每人需填写姓名和身份证号码。", "each beneficial owner holds at least 25 % (a whole number, 25 to 100) and needs a name and an identity number."),
            Self::CaseReadOnly => lang.pick("已提交的认证资料不能修改；如审核要求补充，您会收到邮件。", "A submitted verification cannot be changed; if the review needs more, we will e-mail you.").into(),
            Self::CaseStateConflict => lang.pick("认证申请当前的状态不允许此操作，请刷新后查看最新状态。", "The verification is not in a state that allows this; reload to see its current state.").into(),
            Self::NoCase => lang.pick("还没有认证申请。", "There is no verification case yet.").into(),
            Self::InvalidReasonCode => lang.pick("请选择至少一个有效的拒绝原因。", "Choose at least one valid rejection reason.").into(),
            Self::InvalidActionItem => lang.pick("请选择需要补充的项目。", "Choose the item that needs action.").into(),
            Self::MessageRequired => lang.pick("请写明卖家需要做什么（1 到 1000 个字符）。", "Say what the seller must do (1 to 1000 characters).").into(),
            Self::SecondApprovalBySameOperator => lang.pick("企业认证需要另一位审核员进行第二次批准。", "A company verification needs a second approval by another operator.").into(),
            Self::OperatorEnrollmentRequired => lang.pick("审核员必须先设置两步验证并用验证码登录。", "Operators must set up two-factor authentication and sign in with a code first.").into(),
        }
    }
}

/// The label of a form field in the seller's language.
pub fn field_label(field: &str, lang: Lang) -> &'static str {
    let (zh, en) = match field {
        "legal_name_zh" => ("中文姓名", "Legal name (Chinese)"),
        "legal_name_latin" => ("拼音或英文姓名", "Name in Latin letters"),
        "resident_id" => ("身份证号码", "Resident identity number"),
        "id_card_front" => ("身份证人像面", "Identity card, photo side"),
        "id_card_back" => ("身份证国徽面", "Identity card, emblem side"),
        "registered_name_zh" => ("企业中文名称", "Registered name (Chinese)"),
        "english_name" => ("企业英文名称", "English name"),
        "uscc" => ("统一社会信用代码", "Unified social credit code"),
        "org_code" => ("组织机构代码", "Organization code"),
        "licence_number" => ("营业执照注册号", "Licence registration number"),
        "business_licence" => ("营业执照", "Business licence"),
        "org_code_certificate" => ("组织机构代码证", "Organization code certificate"),
        "legal_rep_name" => ("法定代表人姓名", "Legal representative's name"),
        "legal_rep_resident_id" => (
            "法定代表人身份证号码",
            "Legal representative's identity number",
        ),
        "legal_rep_id_card_front" => (
            "法定代表人身份证人像面",
            "Legal representative's card, photo side",
        ),
        "legal_rep_id_card_back" => (
            "法定代表人身份证国徽面",
            "Legal representative's card, emblem side",
        ),
        "beneficial_owners" => ("受益所有人", "Beneficial owners"),
        _ => ("资料", "Form"),
    };
    lang.pick(zh, en)
}

/// A handler's failure in these modules: one of ours or an account one.
#[derive(Debug)]
pub enum Fault {
    Kyc(KycProblem),
    Base(Failure),
}

impl From<KycProblem> for Fault {
    fn from(problem: KycProblem) -> Self {
        Self::Kyc(problem)
    }
}

impl From<Problem> for Fault {
    fn from(problem: Problem) -> Self {
        Self::Base(Failure::Problem(problem))
    }
}

impl From<Failure> for Fault {
    fn from(failure: Failure) -> Self {
        Self::Base(failure)
    }
}

impl From<sqlx::Error> for Fault {
    fn from(error: sqlx::Error) -> Self {
        Self::Base(error.into())
    }
}

impl Fault {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Base(Failure::Internal(cause.to_string()))
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Kyc(problem) => {
                ApiError::new(problem.status(), problem.code(), problem.message(lang))
            }
            Self::Base(failure) => failure.into_api(lang),
        }
    }

    /// The sentence for a form on a page.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::Kyc(problem) => problem.message(lang),
            Self::Base(Failure::Problem(problem)) => problem.message(lang),
            Self::Base(Failure::Internal(_)) => lang
                .pick(
                    "出现了内部错误，请稍后再试。",
                    "Something went wrong on our side; try again later.",
                )
                .into(),
        }
    }
}
