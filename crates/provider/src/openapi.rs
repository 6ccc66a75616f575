//! The OpenAPI document of the account API (`/api/openapi.json`) and the
//! Swagger UI that browses it (`/api/docs`, assets compiled into the
//! binary). The document is built from one table, so adding a route means
//! adding a row; a test compares the table with the routes the API answers.

use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{
    ComponentsBuilder, ContentBuilder, InfoBuilder, OpenApi, OpenApiBuilder, PathsBuilder,
    Required, ResponseBuilder,
};
use utoipa_swagger_ui::SwaggerUi;

/// Who may call an operation.
#[derive(Clone, Copy)]
enum Auth {
    Public,
    /// A session cookie or an API key.
    SignedIn,
}

/// One documented operation.
struct Op {
    method: HttpMethod,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    /// The JSON body's string fields (every field is a string); optional
    /// ones end with `?`.
    body: &'static [&'static str],
    auth: Auth,
    /// Success and the documented failures (all failures use the error
    /// envelope `{"error":{"code","message"}}`).
    responses: &'static [(&'static str, &'static str)],
}

const BAD_INPUT: (&str, &str) = ("422", "Invalid input: stable `code`, localized `message`");
const SIGNED_OUT: (&str, &str) = ("401", "not_signed_in");
const LIMITED: (&str, &str) = ("429", "rate_limited");

const OPERATIONS: &[Op] = &[
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/registrations",
        tag: "registration",
        summary: "Register a seller account (answer never reveals whether the address is known)",
        body: &[
            "email",
            "password",
            "account_kind",
            "display_name",
            "language?",
        ],
        auth: Auth::Public,
        responses: &[("202", "check_your_email"), BAD_INPUT, LIMITED],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/activations",
        tag: "registration",
        summary: "Activate with the e-mailed token",
        body: &["token"],
        auth: Auth::Public,
        responses: &[
            ("200", "activated"),
            ("410", "token_used / token_expired"),
            BAD_INPUT,
            LIMITED,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/activations/resend",
        tag: "registration",
        summary: "Send a new activation e-mail (throttled)",
        body: &["email"],
        auth: Auth::Public,
        responses: &[("202", "check_your_email"), BAD_INPUT, LIMITED],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/sessions",
        tag: "sessions",
        summary: "Sign in; sets the session cookie, or asks for the two-factor code",
        body: &["email", "password"],
        auth: Auth::Public,
        responses: &[
            (
                "200",
                "Signed in, or {status: two_factor_required, challenge}",
            ),
            ("401", "invalid_credentials"),
            ("403", "account_not_activated"),
            LIMITED,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/sessions/two-factor",
        tag: "sessions",
        summary: "Second sign-in step: TOTP or recovery code",
        body: &["challenge", "code"],
        auth: Auth::Public,
        responses: &[
            ("200", "Signed in"),
            ("401", "invalid_code / challenge_invalid"),
            LIMITED,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/sessions",
        tag: "sessions",
        summary: "List my live sessions",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "sessions"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/sessions",
        tag: "sessions",
        summary: "End all my other sessions",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "ended"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/sessions/current",
        tag: "sessions",
        summary: "Sign out",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("204", "Signed out"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/sessions/{id}",
        tag: "sessions",
        summary: "End one of my sessions",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("204", "Ended"),
            ("404", "not_found (also for another user's session)"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/me",
        tag: "sessions",
        summary: "Who am I",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "The signed-in member"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/password-changes",
        tag: "passwords",
        summary: "Change my password (needs the current one; ends my other sessions)",
        body: &["current_password", "new_password"],
        auth: Auth::SignedIn,
        responses: &[
            ("204", "Changed"),
            ("403", "current_password_wrong"),
            BAD_INPUT,
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/password-resets",
        tag: "passwords",
        summary: "E-mail a reset link (same answer for unknown addresses)",
        body: &["email"],
        auth: Auth::Public,
        responses: &[("202", "check_your_email"), BAD_INPUT, LIMITED],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/password-resets/confirm",
        tag: "passwords",
        summary: "Set a new password from a reset link (ends every session)",
        body: &["token", "new_password"],
        auth: Auth::Public,
        responses: &[
            ("204", "Reset"),
            ("410", "token_used / token_expired"),
            BAD_INPUT,
            LIMITED,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/two-factor/enrollment",
        tag: "two-factor",
        summary: "Start TOTP enrolment (needs the password): secret, otpauth URL, QR SVG",
        body: &["password"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "Enrollment"),
            ("403", "current_password_wrong"),
            ("409", "two_factor_already_enabled"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/two-factor/confirmation",
        tag: "two-factor",
        summary: "Enable TOTP with a correct code; returns 10 recovery codes once",
        body: &["code"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "recovery_codes"),
            ("401", "invalid_code"),
            ("409", "no_enrollment_pending"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/two-factor/disable",
        tag: "two-factor",
        summary: "Disable TOTP (needs password and code)",
        body: &["password", "code"],
        auth: Auth::SignedIn,
        responses: &[
            ("204", "Disabled"),
            ("401", "invalid_code"),
            ("403", "current_password_wrong"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/two-factor/recovery-codes",
        tag: "two-factor",
        summary: "Replace the recovery codes (needs a two-factor session)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "recovery_codes"),
            ("403", "two_factor_required"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/audit-log",
        tag: "audit",
        summary: "The account's security log (owner)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "entries"),
            ("403", "forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/api-keys",
        tag: "api-keys",
        summary: "Create an API key (browser session only); the key is shown once",
        body: &["name"],
        auth: Auth::SignedIn,
        responses: &[
            ("201", "id, name, key"),
            ("403", "session_required"),
            BAD_INPUT,
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/api-keys",
        tag: "api-keys",
        summary: "List my API keys (without the secret)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "api_keys"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/api-keys/{id}",
        tag: "api-keys",
        summary: "Revoke one of my API keys",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("204", "Revoked"), ("404", "not_found"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/team/invitations",
        tag: "team",
        summary: "Invite a member by e-mail as admin, finance or viewer (owner)",
        body: &["email", "role"],
        auth: Auth::SignedIn,
        responses: &[
            ("202", "invited"),
            ("403", "forbidden_for_role"),
            BAD_INPUT,
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/team/invitations/accept",
        tag: "team",
        summary: "Accept an invitation with your own name and password",
        body: &["token", "display_name", "password"],
        auth: Auth::Public,
        responses: &[
            ("200", "joined"),
            ("410", "token_used / token_expired"),
            BAD_INPUT,
            LIMITED,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/team/members",
        tag: "team",
        summary: "List the account's members (owner, admin)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "members"),
            ("403", "forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/team/members/{id}",
        tag: "team",
        summary: "Remove a member (owner); their sessions and keys end",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("204", "Removed"),
            ("404", "not_found"),
            ("403", "forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
];

fn string() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::String)
}

fn operation(op: &Op) -> utoipa::openapi::path::Operation {
    let mut builder = OperationBuilder::new()
        .tag(op.tag)
        .summary(Some(op.summary));
    for (status, description) in op.responses {
        let mut response = ResponseBuilder::new().description(*description);
        if !status.starts_with('2') {
            response = response.content(
                "application/json",
                ContentBuilder::new().schema(Some(error_schema())).build(),
            );
        }
        builder = builder.response(*status, response.build());
    }
    if !op.body.is_empty() {
        let mut schema = ObjectBuilder::new();
        for field in op.body {
            let name = field.trim_end_matches('?');
            schema = schema.property(name, string());
            if !field.ends_with('?') {
                schema = schema.required(name);
            }
        }
        let body = RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(schema.build())).build(),
            )
            .build();
        builder = builder.request_body(Some(body));
    }
    if op.path.contains("{id}") {
        builder = builder.parameter(
            ParameterBuilder::new()
                .name("id")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .schema(Some(string())),
        );
    }
    if matches!(op.auth, Auth::SignedIn) {
        builder = builder
            .security(SecurityRequirement::new("session", Vec::<String>::new()))
            .security(SecurityRequirement::new("api_key", Vec::<String>::new()));
    }
    builder.build()
}

fn error_schema() -> ObjectBuilder {
    let inner = ObjectBuilder::new()
        .property("code", string())
        .required("code")
        .property("message", string())
        .required("message");
    ObjectBuilder::new()
        .property("error", inner)
        .required("error")
}

/// The document.
pub fn document() -> OpenApi {
    let mut paths = PathsBuilder::new().build();
    for op in OPERATIONS {
        paths.merge(
            PathsBuilder::new()
                .path(op.path, PathItem::new(op.method.clone(), operation(op)))
                .build(),
        );
    }
    let components = ComponentsBuilder::new()
        .security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("ferry_session"))),
        )
        .security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("fk_…")
                    .build(),
            ),
        )
        .build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Ferry provider API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("Seller accounts and account security. Errors are `{\"error\":{\"code\",\"message\"}}` with a stable code and a message in the caller's language (Accept-Language, `lang` cookie or `?lang=`)."))
                .build(),
        )
        .paths(paths)
        .components(Some(components))
        .build()
}

/// Every documented (method, path), for the test that keeps the table honest.
pub fn documented_routes() -> Vec<(String, &'static str)> {
    let name = |method: &HttpMethod| match method {
        HttpMethod::Get => "GET",
        HttpMethod::Post => "POST",
        HttpMethod::Delete => "DELETE",
        _ => "OTHER",
    };
    OPERATIONS
        .iter()
        .map(|op| (name(&op.method).to_string(), op.path))
        .collect()
}

/// `/api/openapi.json` and the Swagger UI at `/api/docs/`.
pub fn routes<S: Clone + Send + Sync + 'static>() -> axum::Router<S> {
    SwaggerUi::new("/api/docs")
        .url("/api/openapi.json", document())
        .into()
}
