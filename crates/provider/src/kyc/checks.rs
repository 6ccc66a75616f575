//! Automatic checks shown to the reviewer next to a case. They inform the
//! decision; they never decide.

use super::case::Case;
use super::form::{self, Application, Registration};
use super::problem::Fault;
use crate::accounts::types::AccountKind;
use crate::app::AppState;
use crate::i18n::Lang;
use ferry_platform::db::from_unix_ms;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Warn,
    Fail,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    /// `check_digits`, `adult`, `licence_consistency`,
    /// `duplicate_documents`, `duplicate_identity_numbers`.
    pub code: &'static str,
    pub outcome: Outcome,
    pub detail: String,
}

/// Runs every check on the case's form as it stands.
pub async fn run(
    app: &AppState,
    case: &Case,
    now_ms: i64,
    lang: Lang,
) -> Result<Vec<Check>, Fault> {
    let kind = AccountKind::parse(case.kind).map_err(|_| Fault::internal("case kind"))?;
    let today = from_unix_ms(now_ms).date();
    let application = match form::parse(&case.form, kind, today, true) {
        Ok(Some(application)) => application,
        Ok(None) => return Err(Fault::internal("a complete parse gave no application")),
        // Valid when submitted, but not by today's rules: say so.
        Err(problem) => {
            return Ok(vec![Check {
                code: "form_valid",
                outcome: Outcome::Fail,
                detail: problem.message(lang),
            }]);
        }
    };
    let mut checks = vec![
        check_digits(&application, lang),
        adult(&application, today, lang),
    ];
    if let Some(check) = licence_consistency(&application, lang) {
        checks.push(check);
    }
    checks.push(duplicate_documents(app, case, &application, lang).await?);
    checks.push(duplicate_identifiers(app, case, &application, lang).await?);
    Ok(checks)
}

fn check_digits(application: &Application, lang: Lang) -> Check {
    // The numbers are domain types, so they parsed with their check
    // characters; list what was verified.
    let numbers: Vec<String> = application
        .identifiers()
        .into_iter()
        .map(|(scheme, value, role)| format!("{role} {scheme} {value}"))
        .collect();
    Check {
        code: "check_digits",
        outcome: Outcome::Pass,
        detail: format!(
            "{} {}",
            lang.pick("校验码正确：", "Check characters correct:"),
            numbers.join("; ")
        ),
    }
}

fn adult(application: &Application, today: time::Date, lang: Lang) -> Check {
    let person = match application {
        Application::Individual { person, .. } => person,
        Application::Company { legal_rep, .. } => legal_rep,
    };
    let age = person.resident_id.age_on(today).unwrap_or(0);
    Check {
        code: "adult",
        outcome: if age >= form::ADULT_AGE_YEARS {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        detail: format!(
            "{} {} ({}{age})",
            lang.pick("出生日期", "Born"),
            person.resident_id.birth_date(),
            lang.pick("年龄 ", "age ")
        ),
    }
}

/// Company forms: one identity number must not appear with two different
/// names; the legal representative's province (from the identity number)
/// is compared with the licence's registration province.
fn licence_consistency(application: &Application, lang: Lang) -> Option<Check> {
    let Application::Company {
        registration,
        legal_rep,
        owners,
        name_zh,
        ..
    } = application
    else {
        return None;
    };
    let conflicting = owners.iter().any(|owner| {
        owner.person.resident_id == legal_rep.resident_id && owner.person.name != legal_rep.name
    });
    if conflicting || legal_rep.name.as_str() == name_zh.as_str() {
        return Some(Check {
            code: "licence_consistency",
            outcome: Outcome::Fail,
            detail: lang
                .pick(
                    "同一身份证号码对应了不同的姓名，或法定代表人姓名与企业名称相同。",
                    "One identity number carries two different names, or the legal representative's name equals the company name.",
                )
                .into(),
        });
    }
    let rep_province = &legal_rep.resident_id.address_code()[..2];
    let (outcome, detail) = match registration {
        Registration::Unified(uscc) if &uscc.admin_division_code()[..2] == rep_province => (
            Outcome::Pass,
            lang.pick("法定代表人身份证与营业执照登记地在同一省份。", "The legal representative's identity card and the licence are from the same province."),
        ),
        Registration::Unified(_) => (
            Outcome::Warn,
            lang.pick("法定代表人身份证与营业执照登记地不在同一省份（常见，但请核对证件）。", "The legal representative's identity card and the licence are from different provinces (common; compare the documents)."),
        ),
        Registration::OldStyle { .. } => (
            Outcome::Warn,
            lang.pick("旧版执照：请核对组织机构代码证、营业执照注册号与法定代表人是否一致。", "Old-style licence: compare the organization code certificate, the licence number and the legal representative by eye."),
        ),
    };
    Some(Check {
        code: "licence_consistency",
        outcome,
        detail: detail.into(),
    })
}

async fn duplicate_documents(
    app: &AppState,
    case: &Case,
    application: &Application,
    lang: Lang,
) -> Result<Check, Fault> {
    let mut shared = Vec::new();
    for document in application.documents() {
        let others: i64 = sqlx::query(
            "SELECT COUNT(DISTINCT o.account_id) AS n FROM kyc_documents d \
             JOIN kyc_documents o ON o.sha256 = d.sha256 AND o.account_id <> d.account_id \
             WHERE d.id = $1 AND d.account_id = $2",
        )
        .bind(&document.id)
        .bind(&case.account_id)
        .fetch_one(app.db.reader())
        .await?
        .try_get("n")?;
        if others > 0 {
            shared.push(format!(
                "{} ({others})",
                super::problem::field_label(document.field, lang)
            ));
        }
    }
    Ok(if shared.is_empty() {
        Check {
            code: "duplicate_documents",
            outcome: Outcome::Pass,
            detail: lang
                .pick(
                    "没有其他商户上传过相同的文件。",
                    "No other merchant uploaded the same files.",
                )
                .into(),
        }
    } else {
        Check {
            code: "duplicate_documents",
            outcome: Outcome::Fail,
            detail: format!(
                "{} {}",
                lang.pick(
                    "相同文件（SHA-256）也被其他商户使用：",
                    "The same file (SHA-256) is used by other merchants:"
                ),
                shared.join(", ")
            ),
        }
    })
}

async fn duplicate_identifiers(
    app: &AppState,
    case: &Case,
    application: &Application,
    lang: Lang,
) -> Result<Check, Fault> {
    let mut shared = Vec::new();
    for (scheme, value, role) in application.identifiers() {
        let others: i64 = sqlx::query(
            "SELECT COUNT(DISTINCT account_id) AS n FROM kyc_identifiers WHERE scheme = $1 AND value = $2 AND account_id <> $3",
        )
        .bind(scheme)
        .bind(&value)
        .bind(&case.account_id)
        .fetch_one(app.db.reader())
        .await?
        .try_get("n")?;
        if others > 0 {
            shared.push(format!("{role} {scheme} ({others})"));
        }
    }
    Ok(if shared.is_empty() {
        Check {
            code: "duplicate_identity_numbers",
            outcome: Outcome::Pass,
            detail: lang
                .pick(
                    "证件号码未出现在其他商户的认证中。",
                    "No identity number appears in another merchant's verification.",
                )
                .into(),
        }
    } else {
        Check {
            code: "duplicate_identity_numbers",
            outcome: Outcome::Fail,
            detail: format!(
                "{} {}",
                lang.pick(
                    "以下号码也出现在其他商户的认证中：",
                    "These numbers also appear in other merchants' verifications:"
                ),
                shared.join(", ")
            ),
        }
    })
}
