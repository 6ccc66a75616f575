//! The JSON API of accounts under `/api/v1`.

use super::sessions::SignIn;
use super::sessions::{self, Client, Current, SESSION_COOKIE};
use super::{api_keys, closure, credentials, policy, registration, strength, team, two_factor};
use crate::app::{AppState, now_ms};
use crate::audit;
use crate::error::{Failure, Problem};
use crate::i18n::{Lang, UserLanguage};
use crate::ratelimit::{self, Limit};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN, SET_COOKIE, USER_AGENT};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use ferry_platform::http::ApiError;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::json;
use std::net::SocketAddr;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/registrations", post(register))
        .route("/api/v1/activations", post(activate))
        .route("/api/v1/activations/resend", post(resend_activation))
        .route(
            "/api/v1/sessions",
            post(sign_in)
                .get(list_sessions)
                .delete(revoke_other_sessions),
        )
        .route("/api/v1/sessions/current", delete(sign_out))
        .route("/api/v1/sessions/two-factor", post(sign_in_second_step))
        .route("/api/v1/two-factor/enrollment", post(start_two_factor))
        .route("/api/v1/two-factor/confirmation", post(confirm_two_factor))
        .route("/api/v1/two-factor/disable", post(disable_two_factor))
        .route(
            "/api/v1/two-factor/recovery-codes",
            post(regenerate_recovery_codes),
        )
        .route("/api/v1/sessions/{id}", delete(revoke_session))
        .route("/api/v1/me", get(me))
        .route("/api/v1/password-changes", post(change_password))
        .route("/api/v1/password-resets", post(request_reset))
        .route("/api/v1/password-resets/confirm", post(confirm_reset))
        .route("/api/v1/audit-log", get(audit_log))
        .route(
            "/api/v1/api-keys",
            post(create_api_key)
                .layer(crate::idempotency::layer())
                .get(list_api_keys),
        )
        .route("/api/v1/api-keys/{id}", delete(revoke_api_key))
        .route(
            "/api/v1/team/invitations",
            post(invite_member).layer(crate::idempotency::layer()),
        )
        .route("/api/v1/team/invitations/accept", post(accept_invitation))
        .route("/api/v1/team/members", get(list_members))
        .route(
            "/api/v1/team/members/{id}",
            delete(remove_member).patch(change_member_role),
        )
        .route("/api/v1/password-strength", post(password_strength))
        .route(
            "/api/v1/account/security-policy",
            get(read_policy).patch(update_policy),
        )
        .route("/api/v1/account/closure", post(close_account))
}

/// Refuses state-changing requests that a browser says come from another
/// site (`Sec-Fetch-Site: cross-site`, or an `Origin` whose host is not
/// ours), so a page elsewhere cannot ride a signed-in user's cookie.
/// Clients that are not browsers send neither header and pass.
pub async fn same_origin_only(
    lang: Lang,
    request: Request<axum::body::Body>,
    next: Next,
) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if !is_same_origin(request.headers()) {
        return Problem::CsrfRejected.into_api(lang).into_response();
    }
    next.run(request).await
}

pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let header = |name| {
        headers
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    if header("sec-fetch-site") == Some("cross-site") {
        return false;
    }
    match (header(ORIGIN.as_str()), header(HOST.as_str())) {
        (None, _) => true,
        (Some(origin), Some(host)) => origin
            .split_once("://")
            .is_some_and(|(_, origin_host)| origin_host.eq_ignore_ascii_case(host)),
        (Some(_), None) => false,
    }
}

/// The caller's address and browser.
pub struct ClientInfo(pub Client);

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(|| "unknown".to_string(), |info| info.0.ip().to_string());
        let user_agent = parts
            .headers
            .get(USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or("")
            .to_string();
        Ok(Self(Client { ip, user_agent }))
    }
}

/// The session cookie's token, if the request carries one.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .find_map(|pair| {
            pair.trim()
                .strip_prefix(&format!("{SESSION_COOKIE}="))
                .map(str::to_string)
        })
        .filter(|token| !token.is_empty())
}

/// A signed-in caller; requests without a live session get 401.
pub struct SignedIn(pub Current);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    /// An API key (`Authorization: Bearer`) or the session cookie.
    /// Put it before the handler's `Lang`: it records the user's stored
    /// language, which `Lang` uses when the request does not choose one.
    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, ApiError> {
        let chosen = Lang::chosen(parts);
        let found = match (bearer_key(&parts.headers), session_token(&parts.headers)) {
            (Some(key), _) => api_keys::authenticate(app, &key).await,
            (None, Some(token)) => sessions::current(app, &token).await,
            (None, None) => Ok(None),
        };
        if let Ok(Some(current)) = &found {
            parts.extensions.insert(UserLanguage(current.user.language));
        }
        let lang = chosen
            .or_else(|| {
                found
                    .as_ref()
                    .ok()
                    .and_then(Option::as_ref)
                    .map(|current| current.user.language)
            })
            .unwrap_or_default();
        match found {
            Ok(Some(current))
                if current.user.password_change_required_at_ms.is_some()
                    && !allowed_before_password_change(parts) =>
            {
                Err(Problem::PasswordChangeRequired.into_api(lang))
            }
            Ok(Some(current))
                if current.user.must_enrol_two_factor() && !allowed_before_enrolment(parts) =>
            {
                Err(Problem::TwoFactorEnrolmentRequired.into_api(lang))
            }
            Ok(Some(current)) => Ok(Self(current)),
            Ok(None) => Err(Problem::NotSignedIn.into_api(lang)),
            Err(failure) => Err(failure.into_api(lang)),
        }
    }
}

/// The key of an `Authorization: Bearer fk_…` header.
pub(crate) fn bearer_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let key = value.strip_prefix("Bearer ")?.trim();
    key.starts_with(api_keys::KEY_PREFIX)
        .then(|| key.to_string())
}

/// While a password change is forced, a session can only see who it is,
/// change the password, or sign out.
fn allowed_before_password_change(parts: &Parts) -> bool {
    matches!(
        (parts.method.as_str(), parts.uri.path()),
        ("GET", "/api/v1/me")
            | ("POST", "/api/v1/password-changes")
            | ("DELETE", "/api/v1/sessions/current")
    )
}

/// While the account's policy requires two-factor of a member who has none,
/// they can only see who they are, enrol, or sign out.
fn allowed_before_enrolment(parts: &Parts) -> bool {
    matches!(
        (parts.method.as_str(), parts.uri.path()),
        ("GET", "/api/v1/me")
            | ("POST", "/api/v1/two-factor/enrollment")
            | ("POST", "/api/v1/two-factor/confirmation")
            | ("DELETE", "/api/v1/sessions/current")
    )
}

pub fn session_cookie(app: &AppState, token: &str) -> String {
    let secure = if app.secure_cookies() { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}")
}

pub fn clear_session_cookie(app: &AppState) -> String {
    let secure = if app.secure_cookies() { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}")
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, Failure> {
    serde_json::from_slice(body).map_err(|_| Problem::MalformedBody.into())
}

async fn limited(app: &AppState, limit: Limit, client: &Client) -> Result<(), Failure> {
    ratelimit::hit(&app.db, limit, &client.ip, now_ms()).await
}

type ApiResult = Result<Response, ApiError>;

fn accepted() -> Response {
    (
        StatusCode::ACCEPTED,
        Json(json!({ "status": "check_your_email" })),
    )
        .into_response()
}

async fn register(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::REGISTRATION, &client).await?;
        let request: registration::RegistrationRequest = parse(&body)?;
        registration::register(&app, &request, &client.ip).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(accepted())
}

#[derive(Deserialize)]
struct TokenRequest {
    token: String,
}

async fn activate(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::ACTIVATION, &client).await?;
        let request: TokenRequest = parse(&body)?;
        registration::activate(&app, &request.token, &client.ip).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "status": "activated" })).into_response())
}

#[derive(Deserialize)]
struct EmailRequest {
    email: String,
}

async fn resend_activation(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::ACTIVATION, &client).await?;
        let request: EmailRequest = parse(&body)?;
        registration::resend_activation(&app, &request.email).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(accepted())
}

#[derive(Deserialize)]
struct SignInRequest {
    email: String,
    password: String,
}

async fn sign_in(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::LOGIN, &client).await?;
        let request: SignInRequest = parse(&body)?;
        let previous = session_token(&headers);
        sessions::sign_in(
            &app,
            &request.email,
            &request.password,
            &client,
            previous.as_deref(),
        )
        .await
    };
    match run.await.map_err(|failure| failure.into_api(lang))? {
        SignIn::Session(session) => Ok(session_response(&app, &session)),
        SignIn::TwoFactorRequired { challenge } => {
            let body = json!({ "status": "two_factor_required", "challenge": challenge });
            Ok(Json(body).into_response())
        }
    }
}

fn session_response(app: &AppState, session: &sessions::NewSession) -> Response {
    let body = me_json(app, &session.user);
    (
        [(SET_COOKIE, session_cookie(app, &session.token))],
        Json(body),
    )
        .into_response()
}

#[derive(Deserialize)]
struct SecondStepRequest {
    challenge: String,
    code: String,
}

async fn sign_in_second_step(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::LOGIN, &client).await?;
        let request: SecondStepRequest = parse(&body)?;
        let previous = session_token(&headers);
        sessions::sign_in_second_step(
            &app,
            &request.challenge,
            &request.code,
            &client,
            previous.as_deref(),
        )
        .await
    };
    let session = run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(session_response(&app, &session))
}

#[derive(Deserialize)]
struct PasswordRequest {
    password: String,
}

async fn start_two_factor(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: PasswordRequest = parse(&body)?;
        two_factor::start(&app, &current, &request.password).await
    };
    let enrollment = run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(Json(enrollment).into_response())
}

#[derive(Deserialize)]
struct CodeRequest {
    code: String,
}

async fn confirm_two_factor(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: CodeRequest = parse(&body)?;
        two_factor::confirm(&app, &current, &request.code, &client).await
    };
    let codes = run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "recovery_codes": codes })).into_response())
}

#[derive(Deserialize)]
struct DisableRequest {
    password: String,
    code: String,
}

async fn disable_two_factor(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: DisableRequest = parse(&body)?;
        two_factor::disable(&app, &current, &request.password, &request.code, &client).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn regenerate_recovery_codes(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
) -> ApiResult {
    let codes = two_factor::regenerate_recovery_codes(&app, &current, &client)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "recovery_codes": codes })).into_response())
}

fn me_json(app: &AppState, user: &super::User) -> serde_json::Value {
    let max_age_ms = app.security.password_max_age_days * 24 * 60 * 60 * 1000;
    let change_due = user.password_change_required_at_ms.is_some()
        || now_ms() - user.password_changed_at_ms >= max_age_ms;
    json!({
        "user_id": user.id,
        "account_id": user.account_id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role,
        "language": user.language.tag(),
        "password_change_due": change_due,
        "password_change_required": user.password_change_required_at_ms.is_some(),
        "two_factor_enabled": user.two_factor_enabled(),
        "two_factor_enrolment_required": user.must_enrol_two_factor(),
    })
}

async fn me(State(app): State<AppState>, SignedIn(current): SignedIn) -> Json<serde_json::Value> {
    Json(me_json(&app, &current.user))
}

async fn sign_out(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
) -> ApiResult {
    sessions::revoke_own(&app, &current, &current.session_id, &client.ip)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok((
        [(SET_COOKIE, clear_session_cookie(&app))],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

async fn list_sessions(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> ApiResult {
    let sessions = sessions::list(&app, &current)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "sessions": sessions })).into_response())
}

async fn revoke_session(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
) -> ApiResult {
    sessions::revoke_own(&app, &current, &id, &client.ip)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn revoke_other_sessions(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
) -> ApiResult {
    let ended = sessions::revoke_others(&app, &current, &client.ip)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "ended": ended })).into_response())
}

#[derive(Deserialize)]
struct ChangePasswordRequest {
    current_password: String,
    new_password: String,
}

async fn change_password(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: ChangePasswordRequest = parse(&body)?;
        credentials::change(
            &app,
            &current.user.id,
            &current.session_id,
            &request.current_password,
            &request.new_password,
        )
        .await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn request_reset(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::RESET, &client).await?;
        let request: EmailRequest = parse(&body)?;
        credentials::request_reset(&app, &request.email).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(accepted())
}

#[derive(Deserialize)]
struct ResetRequest {
    token: String,
    new_password: String,
}

async fn confirm_reset(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::RESET, &client).await?;
        let request: ResetRequest = parse(&body)?;
        credentials::reset(&app, &request.token, &request.new_password).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The account's security log, for its owner.
async fn audit_log(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> ApiResult {
    team::require(&current, team::Permission::ReadAuditLog)
        .map_err(|problem| problem.into_api(lang))?;
    let entries = audit::for_account(&app.db, &current.user.account_id, 200)
        .await
        .map_err(|error| Failure::from(error).into_api(lang))?;
    let entries: Vec<_> = entries
        .iter()
        .map(|entry| json!({ "seq": entry.seq, "at_ms": entry.at_ms, "user_id": entry.user_id, "event": entry.event, "ip": entry.ip }))
        .collect();
    Ok(Json(json!({ "entries": entries })).into_response())
}

#[derive(Deserialize)]
struct NewKeyRequest {
    name: String,
}

async fn create_api_key(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: NewKeyRequest = parse(&body)?;
        api_keys::create(&app, &current, &request.name, &client).await
    };
    let key = run.await.map_err(|failure| failure.into_api(lang))?;
    Ok((StatusCode::CREATED, Json(key)).into_response())
}

async fn list_api_keys(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> ApiResult {
    let keys = api_keys::list(&app, &current)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "api_keys": keys })).into_response())
}

async fn revoke_api_key(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
) -> ApiResult {
    api_keys::revoke(&app, &current, &id, &client)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[derive(Deserialize)]
struct InviteRequest {
    email: String,
    role: String,
}

async fn invite_member(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: InviteRequest = parse(&body)?;
        team::invite(&app, &current, &request.email, &request.role, &client).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok((StatusCode::ACCEPTED, Json(json!({ "status": "invited" }))).into_response())
}

#[derive(Deserialize)]
struct AcceptRequest {
    token: String,
    display_name: String,
    password: String,
}

async fn accept_invitation(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, ratelimit::ACTIVATION, &client).await?;
        let request: AcceptRequest = parse(&body)?;
        team::accept(
            &app,
            &request.token,
            &request.display_name,
            &request.password,
            &client,
        )
        .await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "status": "joined" })).into_response())
}

async fn list_members(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> ApiResult {
    let members = team::members(&app, &current)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(Json(json!({ "members": members })).into_response())
}

async fn remove_member(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
) -> ApiResult {
    team::remove(&app, &current, &id, &client)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The meter's own limit: it is called as the user types (debounced), so
/// it allows more than sign-in does, but still bounds offline-style guessing
/// of which passwords the policy accepts.
const PASSWORD_STRENGTH: Limit = Limit {
    name: "password_strength",
    max_hits: 300,
    window_ms: 15 * 60_000,
};

/// The meter sends the e-mail and the name; more words, or longer ones, are
/// not account words and would only make zxcvbn slower.
const MAX_USER_INPUTS: usize = 4;
const MAX_USER_INPUT_BYTES: usize = 254;

#[derive(Deserialize)]
struct StrengthRequest {
    password: String,
    /// The words the account is known by (e-mail, names), as typed so far.
    #[serde(default)]
    user_inputs: Vec<String>,
}

/// Rates a password for the strength meter. The password is neither stored
/// nor logged.
async fn password_strength(
    State(app): State<AppState>,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        limited(&app, PASSWORD_STRENGTH, &client).await?;
        parse::<StrengthRequest>(&body)
    };
    let request = run.await.map_err(|failure| failure.into_api(lang))?;
    let inputs: Vec<&str> = request
        .user_inputs
        .iter()
        .take(MAX_USER_INPUTS)
        .filter(|input| input.len() <= MAX_USER_INPUT_BYTES)
        .flat_map(|input| [input.as_str(), input.split('@').next().unwrap_or_default()])
        .collect();
    Ok(Json(strength::rate(&request.password, &inputs, lang)).into_response())
}

#[derive(Deserialize)]
struct RoleRequest {
    role: String,
}

async fn change_member_role(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: RoleRequest = parse(&body)?;
        team::change_role(&app, &current, &id, &request.role, &client).await
    };
    let member = run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(Json(member).into_response())
}

async fn read_policy(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
) -> ApiResult {
    let policy = policy::read(&app, &current)
        .await
        .map_err(|failure| failure.into_api(lang))?;
    Ok(Json(policy).into_response())
}

async fn update_policy(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: policy::SecurityPolicy = parse(&body)?;
        policy::update(&app, &current, request, &client).await
    };
    let policy = run.await.map_err(|failure| failure.into_api(lang))?;
    Ok(Json(policy).into_response())
}

#[derive(Deserialize)]
struct CloseRequest {
    password: String,
    /// Required when the owner has two-factor enabled.
    #[serde(default)]
    code: String,
}

async fn close_account(
    State(app): State<AppState>,
    SignedIn(current): SignedIn,
    lang: Lang,
    ClientInfo(client): ClientInfo,
    body: Bytes,
) -> ApiResult {
    let run = async {
        let request: CloseRequest = parse(&body)?;
        closure::close(&app, &current, &request.password, &request.code, &client).await
    };
    run.await.map_err(|failure| failure.into_api(lang))?;
    Ok((
        [(SET_COOKIE, clear_session_cookie(&app))],
        Json(json!({ "status": "closed" })),
    )
        .into_response())
}
