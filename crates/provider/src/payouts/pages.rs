//! The ops console's held payouts: `/ops/payouts` lists the compliance
//! holds (oldest first) with a release form (the receiving account and the
//! confirmed seller) and a return button each. Works without JavaScript;
//! every form carries the operator session's CSRF token.

use super::holds::{self, Decider, HoldFail};
use super::store::{self, Payout};
use super::{Books, PayoutState};
use crate::accounts::api::ClientInfo;
use crate::app::{AppState, now_ms};
use crate::error::Problem;
use crate::i18n::Lang;
use crate::kyc::pages::token_matches;
use crate::ops::operators::OpsSession;
use crate::ops::pages::MaybeOperator;
use crate::web::{Frame, layout};
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::header::LOCATION;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use maud::{Markup, html};

const LIST_LIMIT: i64 = 200;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/ops/payouts", get(list))
        .route("/ops/payouts/{id}/decision", post(decide))
}

fn to_ops() -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, "/ops")]).into_response()
}

async fn list(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeOperator(session): MaybeOperator,
) -> Response {
    let Some(session) = session.filter(OpsSession::is_complete) else {
        return to_ops();
    };
    render(&app, lang, &uri, &session, StatusCode::OK, None).await
}

async fn render(
    app: &AppState,
    lang: Lang,
    uri: &Uri,
    session: &OpsSession,
    status: StatusCode,
    error: Option<&str>,
) -> Response {
    let held = match store::in_state(&app.db, PayoutState::Held, LIST_LIMIT).await {
        Ok(held) => held,
        Err(error) => {
            return crate::error::Failure::from(error)
                .into_api(lang)
                .into_response();
        }
    };
    let content = html! {
        @if let Some(message) = error { p.error role="alert" { (message) } }
        p { a href="/ops" { (lang.pick("返回审核队列", "Back to the review queue")) } }
        h2 { (lang.pick("待处理的回款（按到账时间）", "Held payouts (oldest first)")) }
        @if held.is_empty() { p { (lang.pick("没有待处理的回款。", "No payout is held.")) } }
        @for payout in &held { (held_payout(lang, &session.csrf_token, payout)) }
    };
    let frame = Frame {
        lang,
        uri,
        signed_in: false,
    };
    let title = lang.pick("回款合规审核", "Payout holds");
    (status, layout(&frame, title, content)).into_response()
}

fn held_payout(lang: Lang, csrf: &str, payout: &Payout) -> Markup {
    let action = format!("/ops/payouts/{}/decision", payout.id);
    html! {
        section.payout data-payout=(payout.id) {
            h3 { (payout.amount.to_string()) }
            dl {
                dt { (lang.pick("原因", "Reason")) }
                dd { @if let Some(reason) = payout.hold_reason { (reason.label(lang)) } }
                dt { (lang.pick("收款账号", "Creditor account")) } dd { (payout.creditor_account) }
                dt { (lang.pick("付款方", "Payer")) } dd { (payout.debtor_name.as_deref().unwrap_or("—")) }
                dt { (lang.pick("附言", "Remittance")) } dd { (payout.remittance) }
                dt { (lang.pick("端到端编号", "End-to-end id")) } dd { (payout.end_to_end_id.as_deref().unwrap_or("—")) }
                dt { (lang.pick("来源", "Source")) } dd { (payout.source) }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value="release";
                label { (lang.pick("收款账户编号", "Receiving account id"))
                    input name="receiving_account_id" required
                        value=(payout.receiving_account_id.as_deref().unwrap_or_default()); }
                label { (lang.pick("确认卖家账户编号", "Confirm the seller's account id"))
                    input name="seller_account_id" required; }
                button type="submit" { (lang.pick("入账到卖家钱包", "Release to the seller's wallet")) }
            }
            form method="post" action=(action) {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="action" value="return";
                button type="submit" { (lang.pick("退回付款方", "Return to the payer")) }
            }
        }
    }
}

async fn decide(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    ClientInfo(client): ClientInfo,
    MaybeOperator(session): MaybeOperator,
    Path(id): Path<String>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Response {
    let Some(session) = session.filter(OpsSession::is_complete) else {
        return to_ops();
    };
    let fields = form.map(|Form(fields)| fields).unwrap_or_default();
    let value = |name: &str| {
        fields
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.trim())
    };
    if !token_matches(&session.csrf_token, value("csrf")) {
        return Problem::CsrfRejected.into_api(lang).into_response();
    }
    let decider = Decider {
        operator_id: &session.operator.id,
        ip: &client.ip,
    };
    let books = Books::of(&app);
    let decided = match value("action") {
        "release" => holds::release(
            &books,
            &id,
            value("receiving_account_id"),
            value("seller_account_id"),
            &decider,
            now_ms(),
        )
        .await
        .map(|_| ()),
        "return" => holds::send_back(&books, &id, &decider, now_ms())
            .await
            .map(|_| ()),
        _ => return Problem::MalformedBody.into_api(lang).into_response(),
    };
    match decided {
        Ok(()) => (StatusCode::SEE_OTHER, [(LOCATION, "/ops/payouts")]).into_response(),
        Err(HoldFail::Problem(problem)) => {
            render(
                &app,
                lang,
                &uri,
                &session,
                problem.status(),
                Some(problem.message(lang)),
            )
            .await
        }
        Err(other) => other.into_api(lang).into_response(),
    }
}
