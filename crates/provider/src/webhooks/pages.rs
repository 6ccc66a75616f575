//! The webhooks page: endpoints with the form to add one (the signing
//! secret is shown once, on the answer to that form), and an endpoint's
//! page with its delivery log, a resend button per delivery, "send test
//! event" and delete.

use super::endpoints::{self, Endpoint, NewEndpoint};
use super::events::{ALL_EVENTS, EventType};
use super::problem::Fail;
use crate::accounts::sessions::Current;
use crate::app::AppState;
use crate::error::Problem;
use crate::i18n::Lang;
use crate::web::{Frame, MaybeSignedIn, layout};
use crate::web::{csrf_ok, see_other};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use maud::{Markup, html};
use serde::Deserialize;
use serde_json::Value;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list_page).post(create_submit))
        .route("/webhooks/{id}", get(endpoint_page))
        .route("/webhooks/{id}/test", post(test_submit))
        .route("/webhooks/{id}/delete", post(delete_submit))
        .route("/webhooks/deliveries/{id}/resend", post(resend_submit))
}

struct Page<'a> {
    lang: Lang,
    uri: &'a Uri,
}

impl Page<'_> {
    fn render(&self, status: StatusCode, content: Markup) -> Response {
        let frame = Frame {
            lang: self.lang,
            uri: self.uri,
            signed_in: true,
        };
        let title = self.lang.pick("Webhooks 事件通知", "Webhooks");
        (status, layout(&frame, title, content)).into_response()
    }

    fn failure(&self, fail: Fail) -> Response {
        let error = fail.into_api(self.lang);
        let body = html! {
            p.error role="alert" data-code=(error.code) { (error.message) }
            p { a href="/webhooks" { (self.lang.pick("返回 Webhooks", "Back to webhooks")) } }
        };
        self.render(error.status, body)
    }
}

fn create_form(lang: Lang, csrf: &str) -> Markup {
    html! {
        h2 { (lang.pick("添加接收地址", "Add an endpoint")) }
        form method="post" action="/webhooks" {
            input type="hidden" name="csrf" value=(csrf);
            label { (lang.pick("接收地址（URL）", "Endpoint URL"))
                input name="url" type="url" required placeholder="https://example.com/ferry/webhooks";
            }
            label { (lang.pick("备注（可选）", "Description (optional)"))
                input name="description";
            }
            fieldset {
                legend { (lang.pick("事件类型", "Events to send")) }
                label { input type="checkbox" name="enabled_events" value=(ALL_EVENTS); (lang.pick("全部事件", "All events")) }
                @for event_type in EventType::SUBSCRIBABLE {
                    label { input type="checkbox" name="enabled_events" value=(event_type.as_str()); code { (event_type.as_str()) } }
                }
            }
            button type="submit" { (lang.pick("添加", "Add endpoint")) }
        }
    }
}

fn endpoint_rows(list: &[Endpoint], lang: Lang) -> Markup {
    html! {
        @if list.is_empty() {
            p { (lang.pick("还没有接收地址。", "No endpoints yet.")) }
        } @else {
            table {
                tr { th { "URL" } th { (lang.pick("事件", "Events")) } }
                @for endpoint in list {
                    tr {
                        td { a href={ "/webhooks/" (endpoint.id) } { (endpoint.url) } }
                        td { (endpoint.enabled_events.join(", ")) }
                    }
                }
            }
        }
    }
}

async fn list_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page { lang, uri: &uri };
    let listed = async {
        endpoints::require_manager(&current)?;
        let mut conn = app.db.reader().acquire().await?;
        Ok::<_, Fail>(endpoints::list(&mut conn, &current.user.account_id).await?)
    };
    match listed.await {
        Ok(list) => page.render(
            StatusCode::OK,
            html! {
                p { (lang.pick(
                    "Ferry 会把事件以签名的 HTTPS POST 发送到这些地址；验证方法见文档 docs/webhooks.md。",
                    "Ferry POSTs signed events to these endpoints; docs/webhooks.md shows how to verify them.",
                )) }
                (endpoint_rows(&list, lang))
                (create_form(lang, &current.csrf_token))
            },
        ),
        Err(fail) => page.failure(fail),
    }
}

#[derive(Deserialize)]
struct CreateForm {
    csrf: String,
    url: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    enabled_events: Vec<String>,
}

async fn create_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Form(form): Form<CreateForm>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page { lang, uri: &uri };
    if !csrf_ok(&current, &form.csrf) {
        return page.failure(Problem::CsrfRejected.into());
    }
    let request = NewEndpoint {
        url: form.url,
        enabled_events: form.enabled_events,
        description: Some(form.description),
    };
    match endpoints::create(&app, &current, &request).await {
        // Rendered here, not redirected: this answer is the only place the
        // secret ever appears.
        Ok((endpoint, secret)) => page.render(
            StatusCode::CREATED,
            html! {
                p.notice role="status" { (lang.pick("已添加接收地址：", "Endpoint added: ")) code { (endpoint.url) } }
                p { (lang.pick(
                    "签名密钥只显示这一次，请立即保存到您的接收程序中：",
                    "The signing secret is shown this once; store it in your receiver now:",
                )) }
                p { code data-secret=(secret) { (secret) } }
                p { a href={ "/webhooks/" (endpoint.id) } { (lang.pick("查看该地址", "Open the endpoint")) } }
            },
        ),
        Err(fail) => page.failure(fail),
    }
}

fn outcome_text(outcome: &str, lang: Lang) -> &'static str {
    match outcome {
        "delivered" => lang.pick("已送达", "Delivered"),
        "retrying" => lang.pick("失败，将重试", "Failed, will retry"),
        _ => lang.pick("已放弃", "Gave up"),
    }
}

fn log_table(attempts: &[Value], lang: Lang, csrf: &str) -> Markup {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    html! {
        h2 { (lang.pick("发送记录", "Delivery log")) }
        @if attempts.is_empty() {
            p { (lang.pick("还没有发送记录。", "Nothing sent yet.")) }
        } @else {
            table {
                tr {
                    th { (lang.pick("事件", "Event")) } th { (lang.pick("第几次", "Attempt")) }
                    th { (lang.pick("结果", "Result")) } th { (lang.pick("耗时", "Time")) } th {}
                }
                @for attempt in attempts {
                    tr data-outcome=(text(&attempt["outcome"])) {
                        td { code { (text(&attempt["event_type"])) } br; small { (text(&attempt["event_id"])) } }
                        td { (attempt["attempt"]) @if attempt["manual"] == true { " " (lang.pick("（手动）", "(manual)")) } }
                        td {
                            (outcome_text(attempt["outcome"].as_str().unwrap_or_default(), lang))
                            @if let Some(code) = attempt["status_code"].as_i64() { " · HTTP " (code) }
                            @if let Some(error) = attempt["error"].as_str() { br; small { (error) } }
                            @if let Some(snippet) = attempt["response_snippet"].as_str() {
                                @if !snippet.is_empty() { br; small { code { (snippet) } } }
                            }
                        }
                        td { (attempt["duration_ms"]) " ms" }
                        td {
                            form method="post" action={ "/webhooks/deliveries/" (text(&attempt["delivery_id"])) "/resend" } {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { (lang.pick("重新发送", "Resend")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

async fn endpoint_page(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
) -> Response {
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page { lang, uri: &uri };
    let loaded = async {
        endpoints::require_manager(&current)?;
        let mut conn = app.db.reader().acquire().await?;
        let endpoint = endpoints::get(&mut conn, &current.user.account_id, &id)
            .await?
            .ok_or(Problem::NotFound)?;
        let attempts = endpoints::log(&mut conn, &id).await?;
        Ok::<_, Fail>((endpoint, attempts))
    };
    let (endpoint, attempts) = match loaded.await {
        Ok(loaded) => loaded,
        Err(fail) => return page.failure(fail),
    };
    let csrf = &current.csrf_token;
    page.render(
        StatusCode::OK,
        html! {
            p { "URL: " code { (endpoint.url) } }
            @if !endpoint.description.is_empty() { p { (endpoint.description) } }
            p { (lang.pick("事件：", "Events: ")) (endpoint.enabled_events.join(", ")) }
            form method="post" action={ "/webhooks/" (endpoint.id) "/test" } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { (lang.pick("发送测试事件", "Send test event")) }
            }
            (log_table(&attempts, lang, csrf))
            form method="post" action={ "/webhooks/" (endpoint.id) "/delete" } {
                input type="hidden" name="csrf" value=(csrf);
                button type="submit" { (lang.pick("删除该地址", "Delete endpoint")) }
            }
            p { a href="/webhooks" { (lang.pick("返回 Webhooks", "Back to webhooks")) } }
        },
    )
}

#[derive(Deserialize)]
struct CsrfForm {
    csrf: String,
}

/// A signed-in, CSRF-checked form post; the outcome redirects to `next`.
async fn action<F>(
    lang: Lang,
    uri: &Uri,
    current: Option<Current>,
    form: &CsrfForm,
    act: impl FnOnce(Current) -> F,
) -> Response
where
    F: Future<Output = Result<String, Fail>>,
{
    let Some(current) = current else {
        return see_other("/sign-in");
    };
    let page = Page { lang, uri };
    if !csrf_ok(&current, &form.csrf) {
        return page.failure(Problem::CsrfRejected.into());
    }
    match act(current).await {
        Ok(next) => see_other(&next),
        Err(fail) => page.failure(fail),
    }
}

async fn test_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    action(lang, &uri, current, &form, |current| async move {
        endpoints::send_test(&app, &current, &id).await?;
        Ok(format!("/webhooks/{id}"))
    })
    .await
}

async fn delete_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    action(lang, &uri, current, &form, |current| async move {
        endpoints::delete(&app, &current, &id).await?;
        Ok("/webhooks".to_string())
    })
    .await
}

async fn resend_submit(
    State(app): State<AppState>,
    lang: Lang,
    uri: Uri,
    MaybeSignedIn(current): MaybeSignedIn,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    action(lang, &uri, current, &form, |current| async move {
        let redelivery = endpoints::redeliver(&app, &current, &id).await?;
        Ok(format!("/webhooks/{}", redelivery.endpoint_id))
    })
    .await
}
