//! What can go wrong for a caller of the account API: each problem has a
//! stable machine code, an HTTP status and a sentence in both languages.

use crate::i18n::Lang;
use crate::password::Weakness;
use axum::http::StatusCode;
use ferry_platform::http::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    InvalidEmail,
    InvalidDisplayName,
    InvalidAccountKind,
    InvalidLanguage,
    MalformedBody,
    PasswordTooShort,
    PasswordTooLong,
    PasswordTooWeak(Weakness),
    TokenInvalid,
    TokenExpired,
    TokenUsed,
    InvalidCredentials,
    CurrentPasswordWrong,
    NotActivated,
    NotSignedIn,
    NotFound,
    RateLimited,
    CsrfRejected,
    InvalidCode,
    ChallengeInvalid,
    TwoFactorRequired,
    TwoFactorAlreadyEnabled,
    NoEnrollmentPending,
    PasswordChangeRequired,
    InvalidKeyName,
    SessionRequired,
    InvalidRole,
    ForbiddenForRole,
    OwnerRoleFixed,
    TwoFactorEnrolmentRequired,
    AccountHoldsMoney,
}

impl Problem {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::InvalidEmail
            | Self::InvalidDisplayName
            | Self::InvalidAccountKind
            | Self::InvalidLanguage
            | Self::MalformedBody
            | Self::PasswordTooShort
            | Self::PasswordTooLong
            | Self::PasswordTooWeak(_)
            | Self::TokenInvalid => StatusCode::UNPROCESSABLE_ENTITY,
            Self::TokenExpired | Self::TokenUsed => StatusCode::GONE,
            Self::InvalidCredentials | Self::NotSignedIn => StatusCode::UNAUTHORIZED,
            Self::CurrentPasswordWrong => StatusCode::FORBIDDEN,
            Self::NotActivated | Self::CsrfRejected => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            Self::InvalidCode | Self::ChallengeInvalid => StatusCode::UNAUTHORIZED,
            Self::TwoFactorRequired | Self::PasswordChangeRequired | Self::SessionRequired => {
                StatusCode::FORBIDDEN
            }
            Self::InvalidKeyName | Self::InvalidRole => StatusCode::UNPROCESSABLE_ENTITY,
            Self::ForbiddenForRole | Self::TwoFactorEnrolmentRequired => StatusCode::FORBIDDEN,
            Self::OwnerRoleFixed | Self::AccountHoldsMoney => StatusCode::CONFLICT,
            Self::TwoFactorAlreadyEnabled | Self::NoEnrollmentPending => StatusCode::CONFLICT,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidEmail => "invalid_email",
            Self::InvalidDisplayName => "invalid_display_name",
            Self::InvalidAccountKind => "invalid_account_kind",
            Self::InvalidLanguage => "invalid_language",
            Self::MalformedBody => "malformed_body",
            Self::PasswordTooShort => "password_too_short",
            Self::PasswordTooLong => "password_too_long",
            Self::PasswordTooWeak(_) => "password_too_weak",
            Self::TokenInvalid => "token_invalid",
            Self::TokenExpired => "token_expired",
            Self::TokenUsed => "token_used",
            Self::InvalidCredentials => "invalid_credentials",
            Self::CurrentPasswordWrong => "current_password_wrong",
            Self::NotActivated => "account_not_activated",
            Self::NotSignedIn => "not_signed_in",
            Self::NotFound => "not_found",
            Self::RateLimited => "rate_limited",
            Self::CsrfRejected => "csrf_rejected",
            Self::InvalidCode => "invalid_code",
            Self::ChallengeInvalid => "challenge_invalid",
            Self::TwoFactorRequired => "two_factor_required",
            Self::TwoFactorAlreadyEnabled => "two_factor_already_enabled",
            Self::NoEnrollmentPending => "no_enrollment_pending",
            Self::PasswordChangeRequired => "password_change_required",
            Self::InvalidKeyName => "invalid_key_name",
            Self::SessionRequired => "session_required",
            Self::InvalidRole => "invalid_role",
            Self::ForbiddenForRole => "forbidden_for_role",
            Self::OwnerRoleFixed => "owner_role_fixed",
            Self::TwoFactorEnrolmentRequired => "two_factor_enrolment_required",
            Self::AccountHoldsMoney => "account_holds_money",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        let text = match self {
            Self::InvalidEmail => lang.pick(
                "请输入有效的电子邮箱地址，例如 name@example.com。",
                "Enter a valid e-mail address, such as name@example.com.",
            ),
            Self::InvalidDisplayName => lang.pick(
                "请填写名称（1 到 100 个字符）。",
                "Enter a name of 1 to 100 characters.",
            ),
            Self::InvalidAccountKind => lang.pick(
                "账户类型须为个人（individual）或企业（company）。",
                "The account kind must be individual or company.",
            ),
            Self::InvalidLanguage => lang.pick(
                "语言须为简体中文（zh-CN）或英文（en）。",
                "The language must be zh-CN or en.",
            ),
            Self::MalformedBody => lang.pick(
                "请求内容无法识别，请检查必填字段。",
                "We could not read the request; check the required fields.",
            ),
            Self::PasswordTooShort => lang.pick(
                "密码至少需要 12 个字符。",
                "The password must have at least 12 characters.",
            ),
            Self::PasswordTooLong => lang.pick(
                "密码最多 128 个字符。",
                "The password can have at most 128 characters.",
            ),
            Self::PasswordTooWeak(weakness) => {
                return format!(
                    "{} {}",
                    lang.pick(
                        "这个密码太容易被猜到，请换一个更长、更独特的密码（例如几个不相关的词）。",
                        "This password is too easy to guess; choose a longer, more unusual one (several unrelated words work well).",
                    ),
                    weakness.reason(lang)
                )
                .trim_end()
                .to_string();
            }
            Self::TokenInvalid => lang.pick(
                "链接无效，请检查是否完整复制了邮件中的链接。",
                "This link is not valid; check that you copied the whole link from the e-mail.",
            ),
            Self::TokenExpired => lang.pick(
                "链接已过期，请重新发送邮件。",
                "This link has expired; ask for a new e-mail.",
            ),
            Self::TokenUsed => lang.pick(
                "链接已使用过，每个链接只能使用一次。",
                "This link was already used; each link works only once.",
            ),
            Self::InvalidCredentials => lang.pick(
                "邮箱或密码不正确，或账户因多次失败暂时锁定（锁定时我们会发邮件通知）。",
                "The e-mail or password is wrong, or the account is locked for a while after repeated failures (we e-mail the owner when that happens).",
            ),
            Self::CurrentPasswordWrong => lang.pick(
                "当前密码不正确。",
                "The current password is wrong.",
            ),
            Self::NotActivated => lang.pick(
                "账户尚未激活，请点击激活邮件中的链接。",
                "This account is not activated yet; click the link in the activation e-mail.",
            ),
            Self::NotSignedIn => lang.pick(
                "请先登录（会话可能已过期）。",
                "Please sign in (your session may have expired).",
            ),
            Self::NotFound => lang.pick("找不到该对象。", "Not found."),
            Self::RateLimited => lang.pick(
                "请求过于频繁，请稍后再试。",
                "Too many attempts; please wait a while and try again.",
            ),
            Self::CsrfRejected => lang.pick(
                "表单已过期或来源不明，请刷新页面后重试。",
                "This form has expired or came from another site; reload the page and try again.",
            ),
            Self::InvalidCode => lang.pick(
                "验证码不正确或已使用过，请输入验证器应用中最新的 6 位数字。",
                "The code is wrong or was already used; enter the latest 6-digit code from your authenticator app.",
            ),
            Self::ChallengeInvalid => lang.pick(
                "登录验证已过期或尝试次数过多，请重新登录。",
                "This sign-in step has expired or had too many attempts; sign in again.",
            ),
            Self::TwoFactorRequired => lang.pick(
                "此操作需要先启用两步验证并在本次登录中完成验证。",
                "This action needs two-factor authentication, enabled and used for this sign-in.",
            ),
            Self::TwoFactorAlreadyEnabled => lang.pick(
                "两步验证已经启用。",
                "Two-factor authentication is already enabled.",
            ),
            Self::InvalidKeyName => lang.pick(
                "请为密钥起一个名称（1 到 100 个字符）。",
                "Give the key a name of 1 to 100 characters.",
            ),
            Self::InvalidRole => lang.pick(
                "角色须为管理员（admin）、财务（finance）或只读（viewer）。",
                "The role must be admin, finance or viewer.",
            ),
            Self::ForbiddenForRole => lang.pick(
                "您的角色无权进行此操作，请联系账户所有者。",
                "Your role does not allow this; ask the account owner.",
            ),
            Self::OwnerRoleFixed => lang.pick(
                "账户所有者的角色不能更改。",
                "The account owner's role cannot be changed.",
            ),
            Self::TwoFactorEnrolmentRequired => lang.pick(
                "账户所有者要求所有成员启用两步验证，请先在安全设置中完成设置。",
                "The account owner requires two-factor authentication for every member; set it up in your security settings first.",
            ),
            Self::AccountHoldsMoney => lang.pick(
                "账户中仍有资金（含处理中的款项），请先提现或等待处理完成后再关闭账户。",
                "The account still holds money (including payments in progress); withdraw it or wait until it settles before closing the account.",
            ),
            Self::SessionRequired => lang.pick(
                "此操作只能在登录的浏览器中进行，不能使用 API 密钥。",
                "Do this from a signed-in browser, not with an API key.",
            ),
            Self::PasswordChangeRequired => lang.pick(
                "请先更改密码，之后才能继续使用账户。",
                "Change your password before you continue.",
            ),
            Self::NoEnrollmentPending => lang.pick(
                "请先开始设置两步验证，再输入验证码。",
                "Start setting up two-factor authentication before entering a code.",
            ),
        };
        text.to_string()
    }

    pub fn into_api(self, lang: Lang) -> ApiError {
        ApiError::new(self.status(), self.code(), self.message(lang))
    }
}

/// A handler's failure: a problem the caller can fix, or ours.
#[derive(Debug)]
pub enum Failure {
    Problem(Problem),
    Internal(String),
}

impl From<Problem> for Failure {
    fn from(problem: Problem) -> Self {
        Self::Problem(problem)
    }
}

impl From<sqlx::Error> for Failure {
    fn from(error: sqlx::Error) -> Self {
        Self::Internal(format!("database: {error}"))
    }
}

impl From<tokio::task::JoinError> for Failure {
    fn from(error: tokio::task::JoinError) -> Self {
        Self::Internal(format!("blocking task: {error}"))
    }
}

impl Failure {
    pub fn into_api(self, lang: Lang) -> ApiError {
        match self {
            Self::Problem(problem) => problem.into_api(lang),
            Self::Internal(cause) => ApiError::internal(&cause),
        }
    }
}
