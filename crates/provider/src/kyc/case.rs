//! A verification case and its life:
//!
//! ```text
//! draft ──submit──▶ submitted ──claim──▶ in_review ──▶ approved
//!   ▲                                        │ ├──▶ rejected ─────────┐
//!   │                                        │ └──▶ action_required ──┤
//!   └───────────── (the seller edits and resubmits) ◀─────────────────┘
//! ```
//!
//! Only the seller's states (draft, action_required, rejected) accept an
//! edited form; a submitted case is read-only. Every change is a row in
//! `kyc_case_events`, each submission a row in `kyc_submissions`, every step
//! an audit entry and an e-mail to the account owner, all in one
//! transaction. After an approval a seller may open a new case to change the
//! verified identity; it stays as approved until that case is approved.

use super::form::{self, Application, FormInput};
use super::mails::{self, Notice};
use super::problem::{Fault, KycProblem};
use super::{IdentityKind, due};
use crate::accounts::types::AccountKind;
use crate::app::AppState;
use crate::audit::{self, Event};
use crate::tokens;
use ferry_platform::db::from_unix_ms;
use serde::Serialize;
use serde_json::json;
use sqlx::{AnyConnection, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Draft,
    Submitted,
    InReview,
    Approved,
    Rejected,
    ActionRequired,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::InReview => "in_review",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::ActionRequired => "action_required",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        [
            Self::Draft,
            Self::Submitted,
            Self::InReview,
            Self::Approved,
            Self::Rejected,
            Self::ActionRequired,
        ]
        .into_iter()
        .find(|state| state.as_str() == raw)
    }

    /// The seller may change the form (and submit it).
    pub fn seller_may_edit(self) -> bool {
        matches!(self, Self::Draft | Self::ActionRequired | Self::Rejected)
    }
}

/// Why an operator refuses a case.
pub const REASON_CODES: &[&str] = &[
    "document_unreadable",
    "document_expired",
    "document_mismatch",
    "name_mismatch",
    "number_mismatch",
    "underage",
    "duplicate_identity",
    "suspected_fraud",
    "unsupported_entity",
    "other",
];

/// The form items an operator may ask the seller to fix.
pub const ACTION_ITEMS: &[&str] = &[
    "legal_name_zh",
    "legal_name_latin",
    "resident_id",
    "id_card_front",
    "id_card_back",
    "registered_name_zh",
    "english_name",
    "uscc",
    "org_code",
    "licence_number",
    "business_licence",
    "org_code_certificate",
    "legal_rep_name",
    "legal_rep_resident_id",
    "legal_rep_id_card_front",
    "legal_rep_id_card_back",
    "beneficial_owners",
];

/// A case as its seller and its reviewers see it.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    pub id: String,
    #[serde(skip)]
    pub account_id: String,
    pub kind: &'static str,
    pub state: State,
    pub revision: i64,
    pub form: FormInput,
    pub submitted_at_ms: Option<i64>,
    /// When the review's next step is due (while an operator must act).
    pub due_at_ms: Option<i64>,
    pub first_approval_by: Option<String>,
    pub decided_at_ms: Option<i64>,
    pub created_at_ms: i64,
    pub history: Vec<CaseEvent>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CaseEvent {
    pub at_ms: i64,
    /// `seller` or `operator` (operators are not named to sellers).
    pub actor: String,
    pub from_state: String,
    pub to_state: String,
    pub reasons: Vec<String>,
    pub message: String,
    pub action_item: Option<String>,
    pub due_at_ms: Option<i64>,
}

const CASE_COLUMNS: &str = "id, account_id, kind, state, form, revision, submitted_at_ms, due_at_ms, first_approval_by, decided_at_ms, created_at_ms";

async fn case_from_row(conn: &mut AnyConnection, row: &sqlx::any::AnyRow) -> Result<Case, Fault> {
    let state: String = row.try_get("state")?;
    let kind: String = row.try_get("kind")?;
    let form: String = row.try_get("form")?;
    let id: String = row.try_get("id")?;
    let history = history(conn, &id).await?;
    Ok(Case {
        account_id: row.try_get("account_id")?,
        kind: if kind == "company" {
            "company"
        } else {
            "individual"
        },
        state: State::parse(&state)
            .ok_or_else(|| Fault::internal(format!("case state {state}")))?,
        revision: row.try_get("revision")?,
        form: serde_json::from_str(&form).map_err(Fault::internal)?,
        submitted_at_ms: row.try_get("submitted_at_ms")?,
        due_at_ms: row.try_get("due_at_ms")?,
        first_approval_by: row.try_get("first_approval_by")?,
        decided_at_ms: row.try_get("decided_at_ms")?,
        created_at_ms: row.try_get("created_at_ms")?,
        history,
        id,
    })
}

async fn history(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<CaseEvent>, Fault> {
    let rows = sqlx::query(
        "SELECT at_ms, actor, from_state, to_state, reasons, message, action_item, due_at_ms \
         FROM kyc_case_events WHERE case_id = $1 ORDER BY at_ms, id",
    )
    .bind(case_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|row| {
            let actor: String = row.try_get("actor")?;
            let reasons: String = row.try_get("reasons")?;
            Ok(CaseEvent {
                at_ms: row.try_get("at_ms")?,
                actor: actor.split(':').next().unwrap_or_default().to_string(),
                from_state: row.try_get("from_state")?,
                to_state: row.try_get("to_state")?,
                reasons: serde_json::from_str(&reasons).map_err(Fault::internal)?,
                message: row.try_get("message")?,
                action_item: row.try_get("action_item")?,
                due_at_ms: row.try_get("due_at_ms")?,
            })
        })
        .collect()
}

/// The account's latest case.
pub async fn latest(app: &AppState, account_id: &str) -> Result<Option<Case>, Fault> {
    let mut conn = app.db.reader().acquire().await?;
    let sql = format!(
        "SELECT {CASE_COLUMNS} FROM kyc_cases WHERE account_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT 1"
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(account_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(case_from_row(&mut conn, &row).await?)),
        None => Ok(None),
    }
}

pub async fn by_id(app: &AppState, case_id: &str) -> Result<Option<Case>, Fault> {
    let mut conn = app.db.reader().acquire().await?;
    let sql = format!("SELECT {CASE_COLUMNS} FROM kyc_cases WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(case_id)
        .fetch_optional(&mut *conn)
        .await?;
    match row {
        Some(row) => Ok(Some(case_from_row(&mut conn, &row).await?)),
        None => Ok(None),
    }
}

pub async fn account_kind(
    conn: &mut AnyConnection,
    account_id: &str,
) -> Result<AccountKind, Fault> {
    let kind: String = sqlx::query("SELECT kind FROM seller_accounts WHERE id = $1")
        .bind(account_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("kind")?;
    AccountKind::parse(&kind).map_err(|_| Fault::internal(format!("account kind {kind}")))
}

fn today(now_ms: i64) -> time::Date {
    from_unix_ms(now_ms).date()
}

/// Who acted, as written in the event log.
#[derive(Debug, Clone, Copy)]
pub enum Actor<'a> {
    Seller { user_id: &'a str },
    Operator { operator_id: &'a str },
}

impl Actor<'_> {
    fn label(&self) -> String {
        match self {
            Self::Seller { user_id } => format!("seller:{user_id}"),
            Self::Operator { operator_id } => format!("operator:{operator_id}"),
        }
    }

    fn audit_event<'e>(
        &'e self,
        account_id: &'e str,
        name: &'static str,
        detail: serde_json::Value,
        ip: &'e str,
    ) -> Event<'e> {
        let (user_id, detail) = match self {
            Self::Seller { user_id } => (Some(*user_id), detail),
            Self::Operator { operator_id } => {
                let mut detail = detail;
                detail["operator"] = json!(operator_id);
                (None, detail)
            }
        };
        Event {
            account_id: Some(account_id),
            user_id,
            name,
            detail,
            ip: Some(ip),
        }
    }
}

/// Checks that every document a form names belongs to the account.
async fn check_documents(
    conn: &mut AnyConnection,
    account_id: &str,
    input: &FormInput,
) -> Result<(), Fault> {
    let named = [
        ("id_card_front", &input.id_card_front),
        ("id_card_back", &input.id_card_back),
        ("business_licence", &input.business_licence),
        ("org_code_certificate", &input.org_code_certificate),
        ("legal_rep_id_card_front", &input.legal_rep_id_card_front),
        ("legal_rep_id_card_back", &input.legal_rep_id_card_back),
    ];
    for (field, id) in named {
        let Some(id) = id.as_deref().map(str::trim).filter(|id| !id.is_empty()) else {
            continue;
        };
        let found = sqlx::query("SELECT id FROM kyc_documents WHERE id = $1 AND account_id = $2")
            .bind(id)
            .bind(account_id)
            .fetch_optional(&mut *conn)
            .await?;
        if found.is_none() {
            return Err(KycProblem::UnknownDocument(field).into());
        }
    }
    Ok(())
}

/// Saves the seller's form: into the open case, or a new draft when there
/// is none (or the last one was approved). A submitted case is read-only.
pub async fn save_form(
    app: &AppState,
    account_id: &str,
    actor: Actor<'_>,
    input: &FormInput,
    ip: &str,
    now_ms: i64,
) -> Result<Case, Fault> {
    let mut tx = app.db.begin().await?;
    let kind = account_kind(&mut tx, account_id).await?;
    form::parse(input, kind, today(now_ms), false)?;
    check_documents(&mut tx, account_id, input).await?;
    let form_json = serde_json::to_string(input).map_err(Fault::internal)?;
    let open = sqlx::query(
        "SELECT id, state FROM kyc_cases WHERE account_id = $1 ORDER BY created_at_ms DESC, id DESC LIMIT 1",
    )
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let open_state = match &open {
        Some(row) => Some((
            row.try_get::<String, _>("id")?,
            row.try_get::<String, _>("state")?,
        )),
        None => None,
    };
    let case_id = match open_state {
        Some((id, state)) if State::parse(&state).is_some_and(State::seller_may_edit) => {
            sqlx::query("UPDATE kyc_cases SET form = $1, updated_at_ms = $2 WHERE id = $3")
                .bind(&form_json)
                .bind(now_ms)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            id
        }
        Some((_, state)) if state != State::Approved.as_str() => {
            return Err(KycProblem::CaseReadOnly.into());
        }
        _ => {
            let id = tokens::new_id("kyc");
            sqlx::query(
                "INSERT INTO kyc_cases (id, account_id, kind, state, form, revision, created_at_ms, updated_at_ms) \
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
            )
            .bind(&id)
            .bind(account_id)
            .bind(kind.as_str())
            .bind(State::Draft.as_str())
            .bind(&form_json)
            .bind(now_ms)
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    let event = actor.audit_event(account_id, "kyc.form_saved", json!({ "case": case_id }), ip);
    audit::record(&mut tx, event, now_ms).await?;
    tx.commit().await?;
    by_id(app, &case_id)
        .await?
        .ok_or_else(|| Fault::internal("saved case vanished"))
}

struct Transition<'a> {
    case_id: &'a str,
    account_id: &'a str,
    from: &'a [State],
    to: State,
    reasons: &'a [String],
    message: &'a str,
    action_item: Option<&'a str>,
    due_at_ms: Option<i64>,
}

/// Moves a case from one of `from` to `to` (refusing if it moved meanwhile)
/// and records the event. Returns the state it left.
async fn transition(
    conn: &mut AnyConnection,
    step: &Transition<'_>,
    actor: Actor<'_>,
    now_ms: i64,
) -> Result<State, Fault> {
    let current: String =
        sqlx::query("SELECT state FROM kyc_cases WHERE id = $1 AND account_id = $2")
            .bind(step.case_id)
            .bind(step.account_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(KycProblem::NoCase)?
            .try_get("state")?;
    let from = State::parse(&current).ok_or_else(|| Fault::internal("stored case state"))?;
    if !step.from.contains(&from) {
        return Err(if step.to == State::Submitted {
            KycProblem::CaseReadOnly
        } else {
            KycProblem::CaseStateConflict
        }
        .into());
    }
    let moved = sqlx::query(
        "UPDATE kyc_cases SET state = $1, due_at_ms = $2, updated_at_ms = $3 WHERE id = $4 AND state = $5",
    )
    .bind(step.to.as_str())
    .bind(step.due_at_ms)
    .bind(now_ms)
    .bind(step.case_id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    if moved.rows_affected() != 1 {
        return Err(KycProblem::CaseStateConflict.into());
    }
    sqlx::query(
        "INSERT INTO kyc_case_events (id, case_id, at_ms, actor, from_state, to_state, reasons, message, action_item, due_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(tokens::new_id("kev"))
    .bind(step.case_id)
    .bind(now_ms)
    .bind(actor.label())
    .bind(from.as_str())
    .bind(step.to.as_str())
    .bind(serde_json::to_string(step.reasons).map_err(Fault::internal)?)
    .bind(step.message)
    .bind(step.action_item)
    .bind(step.due_at_ms)
    .execute(&mut *conn)
    .await?;
    let data = json!({
        "case_id": step.case_id,
        "status": step.to.as_str(),
        "previous_status": from.as_str(),
    });
    crate::webhooks::emit(
        conn,
        step.account_id,
        crate::webhooks::EventType::KycStatusChanged,
        data,
        now_ms,
    )
    .await?;
    Ok(from)
}

/// Submits the seller's open case: the whole form must be valid and its
/// documents the account's own. The form is frozen as a new revision.
pub async fn submit(
    app: &AppState,
    account_id: &str,
    actor: Actor<'_>,
    ip: &str,
    now_ms: i64,
) -> Result<Case, Fault> {
    let case = latest(app, account_id).await?.ok_or(KycProblem::NoCase)?;
    if !case.state.seller_may_edit() {
        return Err(KycProblem::CaseReadOnly.into());
    }
    let mut tx = app.db.begin().await?;
    let kind = account_kind(&mut tx, account_id).await?;
    let application =
        form::parse(&case.form, kind, today(now_ms), true)?.ok_or(KycProblem::Required("form"))?;
    check_documents(&mut tx, account_id, &case.form).await?;
    let due = due::due_at_ms(now_ms, app.kyc.review_business_days);
    let step = Transition {
        case_id: &case.id,
        account_id,
        from: &[State::Draft, State::ActionRequired, State::Rejected],
        to: State::Submitted,
        reasons: &[],
        message: "",
        action_item: None,
        due_at_ms: Some(due),
    };
    transition(&mut tx, &step, actor, now_ms).await?;
    let revision = case.revision + 1;
    sqlx::query("UPDATE kyc_cases SET revision = $1, submitted_at_ms = $2, first_approval_by = NULL, first_approval_at_ms = NULL WHERE id = $3")
        .bind(revision)
        .bind(now_ms)
        .bind(&case.id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("INSERT INTO kyc_submissions (case_id, revision, form, submitted_at_ms) VALUES ($1, $2, $3, $4)")
        .bind(&case.id)
        .bind(revision)
        .bind(serde_json::to_string(&case.form).map_err(Fault::internal)?)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
    record_identifiers(&mut tx, &case.id, account_id, &application).await?;
    let event = actor.audit_event(
        account_id,
        "kyc.submitted",
        json!({ "case": case.id, "revision": revision }),
        ip,
    );
    audit::record(&mut tx, event, now_ms).await?;
    mails::notify(
        app,
        &mut tx,
        account_id,
        &Notice::Submitted { due_at_ms: due },
        now_ms,
    )
    .await?;
    tx.commit().await?;
    by_id(app, &case.id)
        .await?
        .ok_or_else(|| Fault::internal("submitted case vanished"))
}

async fn record_identifiers(
    conn: &mut AnyConnection,
    case_id: &str,
    account_id: &str,
    application: &Application,
) -> Result<(), Fault> {
    sqlx::query("DELETE FROM kyc_identifiers WHERE case_id = $1")
        .bind(case_id)
        .execute(&mut *conn)
        .await?;
    for (scheme, value, role) in application.identifiers() {
        sqlx::query(
            "INSERT INTO kyc_identifiers (case_id, account_id, scheme, value, role) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT DO NOTHING",
        )
        .bind(case_id)
        .bind(account_id)
        .bind(scheme)
        .bind(&value)
        .bind(&role)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// An operator takes a submitted case into review.
pub async fn claim(
    app: &AppState,
    case: &Case,
    operator_id: &str,
    ip: &str,
    now_ms: i64,
) -> Result<(), Fault> {
    let actor = Actor::Operator { operator_id };
    let mut tx = app.db.begin().await?;
    let step = Transition {
        case_id: &case.id,
        account_id: &case.account_id,
        from: &[State::Submitted],
        to: State::InReview,
        reasons: &[],
        message: "",
        action_item: None,
        due_at_ms: case.due_at_ms,
    };
    transition(&mut tx, &step, actor, now_ms).await?;
    let event = actor.audit_event(
        &case.account_id,
        "kyc.review_started",
        json!({ "case": case.id }),
        ip,
    );
    audit::record(&mut tx, event, now_ms).await?;
    let notice = Notice::InReview {
        due_at_ms: case.due_at_ms.unwrap_or(now_ms),
    };
    mails::notify(app, &mut tx, &case.account_id, &notice, now_ms).await?;
    tx.commit().await?;
    Ok(())
}

/// What an approval did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Approval {
    /// The first of two approvals a company needs; still in review.
    FirstOfTwo,
    Approved,
}

/// Approves a case in review. With `company_second_approval`, a company
/// needs two different operators. The approval fixes the verified identity.
pub async fn approve(
    app: &AppState,
    case: &Case,
    operator_id: &str,
    ip: &str,
    now_ms: i64,
) -> Result<Approval, Fault> {
    if case.state != State::InReview {
        return Err(KycProblem::CaseStateConflict.into());
    }
    let actor = Actor::Operator { operator_id };
    let mut tx = app.db.begin().await?;
    let kind = account_kind(&mut tx, &case.account_id).await?;
    let needs_two = kind == AccountKind::Company && app.kyc.company_second_approval;
    if needs_two {
        match case.first_approval_by.as_deref() {
            None => {
                let marked = sqlx::query(
                    "UPDATE kyc_cases SET first_approval_by = $1, first_approval_at_ms = $2 \
                     WHERE id = $3 AND state = $4 AND first_approval_by IS NULL",
                )
                .bind(operator_id)
                .bind(now_ms)
                .bind(&case.id)
                .bind(State::InReview.as_str())
                .execute(&mut *tx)
                .await?;
                if marked.rows_affected() != 1 {
                    return Err(KycProblem::CaseStateConflict.into());
                }
                let event = actor.audit_event(
                    &case.account_id,
                    "kyc.first_approval",
                    json!({ "case": case.id }),
                    ip,
                );
                audit::record(&mut tx, event, now_ms).await?;
                tx.commit().await?;
                return Ok(Approval::FirstOfTwo);
            }
            Some(first) if first == operator_id => {
                return Err(KycProblem::SecondApprovalBySameOperator.into());
            }
            Some(_) => {}
        }
    }
    let application =
        form::parse(&case.form, kind, today(now_ms), true)?.ok_or(KycProblem::Required("form"))?;
    let step = Transition {
        case_id: &case.id,
        account_id: &case.account_id,
        from: &[State::InReview],
        to: State::Approved,
        reasons: &[],
        message: "",
        action_item: None,
        due_at_ms: None,
    };
    transition(&mut tx, &step, actor, now_ms).await?;
    sqlx::query("UPDATE kyc_cases SET decided_at_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(&case.id)
        .execute(&mut *tx)
        .await?;
    fix_identity(&mut tx, case, kind, &application, now_ms).await?;
    let event = actor.audit_event(
        &case.account_id,
        "kyc.approved",
        json!({ "case": case.id }),
        ip,
    );
    audit::record(&mut tx, event, now_ms).await?;
    mails::notify(app, &mut tx, &case.account_id, &Notice::Approved, now_ms).await?;
    tx.commit().await?;
    Ok(Approval::Approved)
}

async fn fix_identity(
    conn: &mut AnyConnection,
    case: &Case,
    kind: AccountKind,
    application: &Application,
    now_ms: i64,
) -> Result<(), Fault> {
    let (name_zh, name_en) = application.legal_names();
    let kind = match kind {
        AccountKind::Individual => IdentityKind::Individual,
        AccountKind::Company => IdentityKind::Company,
    };
    sqlx::query(
        "INSERT INTO kyc_verified_identities (account_id, case_id, kind, legal_name_zh, legal_name_en, registration_number, verified_at_ms) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (account_id) DO UPDATE SET case_id = $2, kind = $3, legal_name_zh = $4, legal_name_en = $5, \
         registration_number = $6, verified_at_ms = $7",
    )
    .bind(&case.account_id)
    .bind(&case.id)
    .bind(match kind {
        IdentityKind::Individual => "individual",
        IdentityKind::Company => "company",
    })
    .bind(name_zh)
    .bind(name_en)
    .bind(application.registration_number())
    .bind(now_ms)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Refuses a case in review with reason codes and a message to the seller.
pub async fn reject(
    app: &AppState,
    case: &Case,
    operator_id: &str,
    reasons: &[String],
    message: &str,
    ip: &str,
    now_ms: i64,
) -> Result<(), Fault> {
    if reasons.is_empty()
        || reasons
            .iter()
            .any(|code| !REASON_CODES.contains(&code.as_str()))
    {
        return Err(KycProblem::InvalidReasonCode.into());
    }
    let message = checked_message(message)?;
    let actor = Actor::Operator { operator_id };
    let mut tx = app.db.begin().await?;
    let step = Transition {
        case_id: &case.id,
        account_id: &case.account_id,
        from: &[State::InReview],
        to: State::Rejected,
        reasons,
        message,
        action_item: None,
        due_at_ms: None,
    };
    transition(&mut tx, &step, actor, now_ms).await?;
    sqlx::query("UPDATE kyc_cases SET decided_at_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(&case.id)
        .execute(&mut *tx)
        .await?;
    let event = actor.audit_event(
        &case.account_id,
        "kyc.rejected",
        json!({ "case": case.id, "reasons": reasons }),
        ip,
    );
    audit::record(&mut tx, event, now_ms).await?;
    let notice = Notice::Rejected { reasons, message };
    mails::notify(app, &mut tx, &case.account_id, &notice, now_ms).await?;
    tx.commit().await?;
    Ok(())
}

/// Asks the seller to fix one item, saying what to do.
pub async fn request_action(
    app: &AppState,
    case: &Case,
    operator_id: &str,
    item: &str,
    message: &str,
    ip: &str,
    now_ms: i64,
) -> Result<(), Fault> {
    if !ACTION_ITEMS.contains(&item) {
        return Err(KycProblem::InvalidActionItem.into());
    }
    let message = checked_message(message)?;
    let actor = Actor::Operator { operator_id };
    let mut tx = app.db.begin().await?;
    let step = Transition {
        case_id: &case.id,
        account_id: &case.account_id,
        from: &[State::InReview],
        to: State::ActionRequired,
        reasons: &[],
        message,
        action_item: Some(item),
        due_at_ms: None,
    };
    transition(&mut tx, &step, actor, now_ms).await?;
    let event = actor.audit_event(
        &case.account_id,
        "kyc.action_requested",
        json!({ "case": case.id, "item": item }),
        ip,
    );
    audit::record(&mut tx, event, now_ms).await?;
    let notice = Notice::ActionRequired { item, message };
    mails::notify(app, &mut tx, &case.account_id, &notice, now_ms).await?;
    tx.commit().await?;
    Ok(())
}

fn checked_message(message: &str) -> Result<&str, KycProblem> {
    let message = message.trim();
    let chars = message.chars().count();
    if chars == 0 || chars > 1000 {
        return Err(KycProblem::MessageRequired);
    }
    Ok(message)
}

/// A case waiting for operators, oldest submission first.
#[derive(Debug, Clone, Serialize)]
pub struct QueueEntry {
    pub id: String,
    pub account_id: String,
    pub account_name: String,
    pub kind: String,
    pub state: String,
    pub revision: i64,
    pub submitted_at_ms: i64,
    pub due_at_ms: Option<i64>,
    pub overdue: bool,
    pub first_approval_by: Option<String>,
}

pub async fn queue(app: &AppState, now_ms: i64) -> Result<Vec<QueueEntry>, Fault> {
    let rows = sqlx::query(
        "SELECT c.id, c.account_id, a.display_name, c.kind, c.state, c.revision, c.submitted_at_ms, c.due_at_ms, c.first_approval_by \
         FROM kyc_cases c JOIN seller_accounts a ON a.id = c.account_id \
         WHERE c.state IN ('submitted', 'in_review') ORDER BY c.submitted_at_ms, c.id",
    )
    .fetch_all(app.db.reader())
    .await?;
    rows.iter()
        .map(|row| {
            let due_at_ms: Option<i64> = row.try_get("due_at_ms")?;
            Ok(QueueEntry {
                id: row.try_get("id")?,
                account_id: row.try_get("account_id")?,
                account_name: row.try_get("display_name")?,
                kind: row.try_get("kind")?,
                state: row.try_get("state")?,
                revision: row.try_get("revision")?,
                submitted_at_ms: row
                    .try_get::<Option<i64>, _>("submitted_at_ms")?
                    .unwrap_or(0),
                overdue: due_at_ms.is_some_and(|due| due < now_ms),
                due_at_ms,
                first_approval_by: row.try_get("first_approval_by")?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sellers_states_are_editable() {
        let editable: Vec<_> = [
            "draft",
            "submitted",
            "in_review",
            "approved",
            "rejected",
            "action_required",
        ]
        .into_iter()
        .filter(|raw| State::parse(raw).unwrap().seller_may_edit())
        .collect();
        assert_eq!(editable, ["draft", "rejected", "action_required"]);
        assert_eq!(State::parse("nonsense"), None);
    }
}
