//! The seller's verification page `/kyc`: the state of the case with its
//! due date and history, the form (individual or company), a file upload per
//! document, and the submit button. Plain HTML forms, no JavaScript.

use super::api::{UPLOAD_BODY_LIMIT_BYTES, read_file_field, require_manager};
use super::case::{self, Actor, Case, State as CaseState};
use super::form::{FormInput, OwnerInput};
use super::mails::{format_due, reason_label};
use super::problem::{Fault, KycProblem, field_label};
use super::{VerifiedIdentity, verified_identity};
use crate::accounts::api::ClientInfo;
use crate::accounts::sessions::Current;
use crate::accounts::types::AccountKind;
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use crate::web::see_other;
use crate::web::{Frame, MaybeSignedIn, layout};
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::rejection::FormRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};
use std::collections::HashMap;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kyc", get(show))
        .route("/kyc/form", post(save))
        .route(
            "/kyc/upload",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT_BYTES)),
        )
}

/// Beneficial owners the page offers rows for.
const OWNER_ROWS: usize = 2;

const INDIVIDUAL_TEXT: &[&str] = &["legal_name_zh", "legal_name_latin", "resident_id"];
const INDIVIDUAL_DOCUMENTS: &[&str] = &["id_card_front", "id_card_back"];
const COMPANY_TEXT: &[&str] = &[
    "registered_name_zh",
    "english_name",
    "uscc",
    "org_code",
    "licence_number",
    "legal_rep_name",
    "legal_rep_resident_id",
];
const COMPANY_DOCUMENTS: &[&str] = &[
    "business_licence",
    "org_code_certificate",
    "legal_rep_id_card_front",
    "legal_rep_id_card_back",
];

/// Constant-time comparison of the session's CSRF token with a form's.
pub fn token_matches(expected: &str, submitted: &str) -> bool {
    expected.len() == submitted.len()
        && expected
            .bytes()
            .zip(submitted.bytes())
            .fold(0_u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn field_value<'a>(form: &'a FormInput, field: &str) -> Option<&'a String> {
    match field {
        "legal_name_zh" => form.legal_name_zh.as_ref(),
        "legal_name_latin" => form.legal_name_latin.as_ref(),
        "resident_id" => form.resident_id.as_ref(),
        "id_card_front" => form.id_card_front.as_ref(),
        "id_card_back" => form.id_card_back.as_ref(),
        "registered_name_zh" => form.registered_name_zh.as_ref(),
        "english_name" => form.english_name.as_ref(),
        "uscc" => form.uscc.as_ref(),
        "org_code" => form.org_code.as_ref(),
        "licence_number" => form.licence_number.as_ref(),
        "business_licence" => form.business_licence.as_ref(),
        "org_code_certificate" => form.org_code_certificate.as_ref(),
        "legal_rep_name" => form.legal_rep_name.as_ref(),
        "legal_rep_resident_id" => form.legal_rep_resident_id.as_ref(),
        "legal_rep_id_card_front" => form.legal_rep_id_card_front.as_ref(),
        "legal_rep_id_card_back" => form.legal_rep_id_card_back.as_ref(),
        _ => None,
    }
}

fn set_field(form: &mut FormInput, field: &str, value: Option<String>) {
    let slot = match field {
        "legal_name_zh" => &mut form.legal_name_zh,
        "legal_name_latin" => &mut form.legal_name_latin,
        "resident_id" => &mut form.resident_id,
        "id_card_front" => &mut form.id_card_front,
        "id_card_back" => &mut form.id_card_back,
        "registered_name_zh" => &mut form.registered_name_zh,
        "english_name" => &mut form.english_name,
        "uscc" => &mut form.uscc,
        "org_code" => &mut form.org_code,
        "licence_number" => &mut form.licence_number,
        "business_licence" => &mut form.business_licence,
        "org_code_certificate" => &mut form.org_code_certificate,
        "legal_rep_name" => &mut form.legal_rep_name,
        "legal_rep_resident_id" => &mut form.legal_rep_resident_id,
        "legal_rep_id_card_front" => &mut form.legal_rep_id_card_front,
        "legal_rep_id_card_back" => &mut form.legal_rep_id_card_back,
        _ => return,
    };
    *slot = value.filter(|text| !text.trim().is_empty());
}

fn state_label(state: CaseState, lang: Lang) -> &'static str {
    match state {
        CaseState::Draft => lang.pick("草稿（尚未提交）", "Draft (not submitted)"),
        CaseState::Submitted => lang.pick("已提交，等待审核", "Submitted, waiting for review"),
        CaseState::InReview => lang.pick("审核中", "In review"),
        CaseState::Approved => lang.pick("已通过", "Approved"),
        CaseState::Rejected => lang.pick("未通过", "Not approved"),
        CaseState::ActionRequired => lang.pick("需要您补充资料", "Action needed from you"),
    }
}

struct View<'a> {
    lang: Lang,
    uri: &'a Uri,
    current: &'a Current,
    kind: AccountKind,
    case: Option<Case>,
    verified: Option<VerifiedIdentity>,
}

async fn load<'a>(
    app: &AppState,
    lang: Lang,
    uri: &'a Uri,
    current: &'a Current,
) -> Result<View<'a>, Fault> {
    let account_id = &current.user.account_id;
    let kind = {
        let mut conn = app.db.reader().acquire().await?;
        case::account_kind(&mut conn, account_id).await?
    };
    Ok(View {
        lang,
        uri,
        current,
        kind,
        case: case::latest(app, account_id).await?,
        verified: verified_identity(&app.db, account_id).await?,
    })
}

fn render(
    view: &View<'_>,
    status: StatusCode,
    error: Option<&str>,
    draft: Option<&FormInput>,
) -> Response {
    let lang = view.lang;
    let frame = Frame {
        lang,
        uri: view.uri,
        signed_in: true,
    };
    let title = lang.pick("实名认证", "Verification");
    let content = html! {
        @if let Some(message) = error { p.error role="alert" { (message) } }
        (verified_box(view))
        (status_box(view))
        @if view.case.as_ref().is_none_or(|case| case.state.seller_may_edit() || case.state == CaseState::Approved) {
            (form_section(view, draft))
        }
    };
    (status, layout(&frame, title, content)).into_response()
}

fn verified_box(view: &View<'_>) -> Markup {
    let lang = view.lang;
    html! {
        @if let Some(identity) = &view.verified {
            section.notice {
                h2 { (lang.pick("已认证的名称", "Verified name")) }
                p { strong { (identity.legal_name_zh) } @if let Some(en) = &identity.legal_name_en { " · " (en) } }
                p { (lang.pick("该名称用于收款账户、店铺绑定和提现；如需更改，请提交新的认证，审核通过前仍使用当前名称。", "This name is used for receiving accounts, store binding and withdrawals. To change it, submit a new verification; the current name stays until that is approved.")) }
            }
        }
    }
}

fn status_box(view: &View<'_>) -> Markup {
    let lang = view.lang;
    let Some(case) = &view.case else {
        return html! { p { (lang.pick("请填写下面的资料并上传证件，然后提交审核。", "Fill in the form, upload the documents, then submit for review.")) } };
    };
    html! {
        section {
            h2 { (lang.pick("认证状态：", "Status: ")) (state_label(case.state, lang)) }
            @if let Some(due) = case.due_at_ms {
                p { (lang.pick("下一步审核截止时间：", "The next review step is due by: ")) strong { (format_due(due)) } }
            }
            @if let Some(last) = case.history.last() {
                @if !last.reasons.is_empty() {
                    ul { @for code in &last.reasons { li { (reason_label(code, lang)) } } }
                }
                @if let Some(item) = &last.action_item {
                    p { (lang.pick("需要处理的项目：", "Item to fix: ")) strong { (field_label(item, lang)) } }
                }
                @if !last.message.is_empty() { p { (lang.pick("审核员说明：", "The reviewer says: ")) (last.message) } }
            }
            @if !case.history.is_empty() {
                details {
                    summary { (lang.pick("历史记录", "History")) }
                    table {
                        @for event in &case.history {
                            tr {
                                td { (format_due(event.at_ms)) }
                                td { (event.from_state) " → " (event.to_state) }
                                td { (event.message) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn form_section(view: &View<'_>, draft: Option<&FormInput>) -> Markup {
    let lang = view.lang;
    let empty = FormInput::default();
    let form = draft
        .or(view
            .case
            .as_ref()
            .filter(|case| case.state != CaseState::Approved)
            .map(|case| &case.form))
        .unwrap_or(&empty);
    let token = &view.current.csrf_token;
    let (texts, documents) = match view.kind {
        AccountKind::Individual => (INDIVIDUAL_TEXT, INDIVIDUAL_DOCUMENTS),
        AccountKind::Company => (COMPANY_TEXT, COMPANY_DOCUMENTS),
    };
    html! {
        @if view.kind == AccountKind::Company {
            p.notice { (lang.pick(
                "2015 年起实行“三证合一”：一张载有统一社会信用代码的营业执照取代了营业执照、组织机构代码证和税务登记证。持新版执照只需填写统一社会信用代码；仍持旧版执照的，请填写组织机构代码和营业执照注册号，并上传组织机构代码证。",
                "Since 2015 one business licence carrying the unified social credit code replaces the three certificates (business licence, organization code certificate, tax registration). With a new licence, enter the unified code only; with an old licence, enter the organization code and the licence number and upload the organization code certificate.")) }
        }
        form method="post" action="/kyc/form" {
            input type="hidden" name="csrf" value=(token);
            @for field in texts {
                label { (field_label(field, lang)) input name=(field) value=(field_value(form, field).map_or("", String::as_str)); }
            }
            @if view.kind == AccountKind::Company {
                fieldset {
                    legend { (lang.pick("受益所有人（持股 25% 及以上，可选）", "Beneficial owners (25 % or more, optional)")) }
                    @for row in 0..OWNER_ROWS {
                        @let owner = form.beneficial_owners.get(row);
                        label { (lang.pick("姓名", "Name")) input name=(format!("owner_name_{row}")) value=(owner.map_or("", |o| o.name.as_str())); }
                        label { (lang.pick("身份证号码", "Identity number")) input name=(format!("owner_id_{row}")) value=(owner.map_or("", |o| o.resident_id.as_str())); }
                        label { (lang.pick("持股比例（%）", "Share (%)")) input name=(format!("owner_share_{row}")) inputmode="numeric" value=(owner.map_or(String::new(), |o| o.share_percent.to_string())); }
                    }
                }
            }
            button name="action" value="save" { (lang.pick("保存草稿", "Save draft")) }
            " "
            button name="action" value="submit" { (lang.pick("提交审核", "Submit for review")) }
        }
        h2 { (lang.pick("证件文件", "Documents")) }
        p { (lang.pick("JPEG、PNG 或 PDF，不超过 10 MiB；照片至少 600×400 像素。上传时会删除照片中的位置等元数据，文件加密保存。", "JPEG, PNG or PDF, at most 10 MiB; photos at least 600×400 pixels. Location and other metadata is removed and files are stored encrypted.")) }
        @for field in documents {
            form method="post" action="/kyc/upload" enctype="multipart/form-data" {
                input type="hidden" name="csrf" value=(token);
                input type="hidden" name="slot" value=(field);
                label {
                    (field_label(field, lang))
                    @if let Some(id) = field_value(form, field) {
                        " ✓ " a href=(format!("/api/v1/kyc/documents/{id}")) target="_blank" { (lang.pick("查看", "View")) }
                    }
                    input type="file" name="file" accept="image/jpeg,image/png,application/pdf";
                }
                button { (lang.pick("上传", "Upload")) }
            }
        }
    }
}

/// The form posted by the page: the text fields, owners and the button.
fn read_form(fields: &HashMap<String, String>, base: &FormInput) -> Result<FormInput, KycProblem> {
    let mut form = base.clone();
    for field in INDIVIDUAL_TEXT.iter().chain(COMPANY_TEXT) {
        if let Some(value) = fields.get(*field) {
            set_field(&mut form, field, Some(value.clone()));
        }
    }
    let mut owners = Vec::new();
    for row in 0..OWNER_ROWS {
        let get = |name: &str| {
            fields
                .get(&format!("{name}_{row}"))
                .map(|v| v.trim().to_string())
                .unwrap_or_default()
        };
        let (name, resident_id, share) = (get("owner_name"), get("owner_id"), get("owner_share"));
        if name.is_empty() && resident_id.is_empty() && share.is_empty() {
            continue;
        }
        let share_percent = share.parse().map_err(|_| KycProblem::InvalidShare)?;
        owners.push(OwnerInput {
            name,
            resident_id,
            share_percent,
        });
    }
    if fields.contains_key("owner_name_0") {
        form.beneficial_owners = owners;
    }
    Ok(form)
}

async fn show(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    match load(&app, lang, &uri, &current).await {
        Ok(view) => render(&view, StatusCode::OK, None, None),
        Err(fault) => fault.into_api(lang).into_response(),
    }
}

async fn save(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let Ok(Form(fields)) = form else {
        return Fault::from(Problem::MalformedBody)
            .into_api(lang)
            .into_response();
    };
    let view = match load(&app, lang, &uri, &current).await {
        Ok(view) => view,
        Err(fault) => return fault.into_api(lang).into_response(),
    };
    let base = view
        .case
        .as_ref()
        .filter(|case| case.state != CaseState::Approved)
        .map(|case| case.form.clone())
        .unwrap_or_default();
    let run = async {
        if !token_matches(
            &current.csrf_token,
            fields.get("csrf").map_or("", String::as_str),
        ) {
            return Err(Fault::from(Problem::CsrfRejected));
        }
        require_manager(&current)?;
        let input = read_form(&fields, &base)?;
        let actor = Actor::Seller {
            user_id: &current.user.id,
        };
        let account_id = &current.user.account_id;
        case::save_form(&app, account_id, actor, &input, &client.ip, now_ms()).await?;
        if fields.get("action").map(String::as_str) == Some("submit") {
            case::submit(&app, account_id, actor, &client.ip, now_ms()).await?;
        }
        Ok(input)
    };
    match run.await {
        Ok(_) => see_other("/kyc"),
        Err(fault) => {
            let status = fault_status(&fault);
            let draft = read_form(&fields, &base).unwrap_or(base);
            render(&view, status, Some(&fault.message(lang)), Some(&draft))
        }
    }
}

fn fault_status(fault: &Fault) -> StatusCode {
    match fault {
        Fault::Kyc(problem) => problem.status(),
        Fault::Base(crate::error::Failure::Problem(problem)) => problem.status(),
        Fault::Base(crate::error::Failure::Internal(_)) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The upload form's parts: the CSRF token and the slot come before the
/// file (browsers send parts in the form's order).
async fn upload_parts(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(String, String, Vec<u8>), Fault> {
    let mut multipart = multipart.map_err(|_| KycProblem::DocumentMissing)?;
    let (mut csrf, mut slot) = (String::new(), String::new());
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| KycProblem::DocumentMissing)?
    {
        match field.name() {
            Some("csrf") => {
                csrf = field
                    .text()
                    .await
                    .map_err(|_| KycProblem::DocumentMissing)?
            }
            Some("slot") => {
                slot = field
                    .text()
                    .await
                    .map_err(|_| KycProblem::DocumentMissing)?
            }
            Some("file") => {
                let bytes = read_file_field(field).await?;
                return Ok((csrf, slot, bytes));
            }
            _ => {}
        }
    }
    Err(KycProblem::DocumentMissing.into())
}

async fn upload(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    ClientInfo(client): ClientInfo,
    MaybeSignedIn(current): MaybeSignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let run = async {
        let (csrf, slot, bytes) = upload_parts(multipart).await?;
        if !token_matches(&current.csrf_token, &csrf) {
            return Err(Fault::from(Problem::CsrfRejected));
        }
        require_manager(&current)?;
        if !INDIVIDUAL_DOCUMENTS
            .iter()
            .chain(COMPANY_DOCUMENTS)
            .any(|field| *field == slot)
        {
            return Err(KycProblem::DocumentMissing.into());
        }
        let account_id = &current.user.account_id;
        let info = app
            .documents
            .upload(
                &app.db,
                account_id,
                &current.user.id,
                &client.ip,
                &bytes,
                now_ms(),
            )
            .await?;
        let mut form = case::latest(&app, account_id)
            .await?
            .filter(|case| case.state != CaseState::Approved)
            .map(|case| case.form)
            .unwrap_or_default();
        set_field(&mut form, &slot, Some(info.id));
        let actor = Actor::Seller {
            user_id: &current.user.id,
        };
        case::save_form(&app, account_id, actor, &form, &client.ip, now_ms()).await
    };
    match run.await {
        Ok(_) => see_other("/kyc"),
        Err(fault) => match load(&app, lang, &uri, &current).await {
            Ok(view) => render(
                &view,
                fault_status(&fault),
                Some(&fault.message(lang)),
                None,
            ),
            Err(other) => other.into_api(lang).into_response(),
        },
    }
}
