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
    /// An operator's session cookie (`ferry_ops_session`), two-factor proven.
    Operator,
}

/// One documented operation.
struct Op {
    method: HttpMethod,
    path: &'static str,
    tag: &'static str,
    summary: &'static str,
    /// The JSON body's fields (strings unless marked); optional
    /// ones end with `?`. `name[]` is an array of strings, `name[{}]` an
    /// array of objects, `name:bool` a boolean, `name:int` an integer; a name starting with `@` is
    /// a file, which makes the body `multipart/form-data`.
    body: &'static [&'static str],
    auth: Auth,
    /// Success and the documented failures (all failures use the error
    /// envelope `{"error":{"code","message"}}`).
    responses: &'static [(&'static str, &'static str)],
}

const BAD_INPUT: (&str, &str) = ("422", "Invalid input: stable `code`, localized `message`");
const SIGNED_OUT: (&str, &str) = ("401", "not_signed_in");
const LIMITED: (&str, &str) = ("429", "rate_limited");

/// POST routes wrapped in `crate::idempotency::layer()`: their operations
/// document the `Idempotency-Key` header and its answers.
pub const IDEMPOTENT: &[&str] = &[
    "/api/v1/api-keys",
    "/api/v1/team/invitations",
    "/api/v1/receiving-accounts",
    "/api/v1/receiving-accounts/{id}/mws-authorization",
    "/api/v1/receiving-accounts/{id}/oauth-authorizations",
    "/api/v1/fx/quotes",
    "/api/v1/fx/quotes/{id}/execution",
    "/api/v1/withdrawal-destinations",
    "/api/v1/withdrawals",
];

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
    Op {
        method: HttpMethod::Patch,
        path: "/api/v1/team/members/{id}",
        tag: "team",
        summary: "Change a member's role to admin, finance or viewer (owner); the owner's own role is fixed",
        body: &["role"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The member, with the new role"),
            ("404", "not_found"),
            ("409", "owner_role_fixed"),
            ("403", "forbidden_for_role"),
            BAD_INPUT,
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/password-strength",
        tag: "passwords",
        summary: "Rate a password for the strength meter: zxcvbn score 0-4, whether the policy accepts it and why not (localized); nothing is stored or logged",
        body: &["password", "user_inputs[]?"],
        auth: Auth::Public,
        responses: &[("200", "{score, acceptable, reason}"), BAD_INPUT, LIMITED],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/account/security-policy",
        tag: "account",
        summary: "The account's security policy (owner)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{require_two_factor_for_members}"),
            ("403", "forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Patch,
        path: "/api/v1/account/security-policy",
        tag: "account",
        summary: "Set the security policy (owner). While require_two_factor_for_members is on, members without two-factor can only enrol or sign out (403 two_factor_enrolment_required)",
        body: &["require_two_factor_for_members:bool"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{require_two_factor_for_members}"),
            ("403", "forbidden_for_role"),
            BAD_INPUT,
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/account/closure",
        tag: "account",
        summary: "Close the account (owner): needs the password and, when enrolled, a two-factor code; refused while any wallet holds money; ends every session and API key",
        body: &["password", "code?"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{status: closed}"),
            ("403", "current_password_wrong / forbidden_for_role"),
            ("401", "invalid_code / not_signed_in"),
            ("409", "account_holds_money"),
            BAD_INPUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/kyc/case",
        tag: "verification",
        summary: "My latest verification case (with its history and due date) and the verified identity",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "{case, verified_identity}"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/kyc/case",
        tag: "verification",
        summary: "Save the verification form as a draft (owner, admin); fields present are checked. Individual: legal_name_zh, legal_name_latin, resident_id, id_card_front, id_card_back. Company: registered_name_zh, english_name, uscc (or org_code + licence_number + org_code_certificate), business_licence, legal_rep_*, beneficial_owners [{name, resident_id, share_percent}]. Document fields hold ids from POST /api/v1/kyc/documents",
        body: &[
            "legal_name_zh?",
            "legal_name_latin?",
            "resident_id?",
            "id_card_front?",
            "id_card_back?",
            "registered_name_zh?",
            "english_name?",
            "uscc?",
            "org_code?",
            "licence_number?",
            "business_licence?",
            "org_code_certificate?",
            "legal_rep_name?",
            "legal_rep_resident_id?",
            "legal_rep_id_card_front?",
            "legal_rep_id_card_back?",
            "beneficial_owners[{}]?",
        ],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The case"),
            ("409", "case_read_only"),
            (
                "422",
                "field_required / invalid_name / invalid_resident_id / not_an_adult / invalid_uscc / invalid_org_code / invalid_licence_number / invalid_share / unknown_document",
            ),
            ("403", "forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/kyc/case/submission",
        tag: "verification",
        summary: "Submit the case for review (read-only afterwards; e-mailed with the due date)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The submitted case"),
            ("404", "no_case"),
            ("409", "case_read_only"),
            ("422", "field_required and the field checks"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/kyc/documents",
        tag: "verification",
        summary: "Upload a document (JPEG, PNG or PDF by content, at most 10 MiB, pictures at least 600x400; EXIF removed; stored encrypted)",
        body: &["@file"],
        auth: Auth::SignedIn,
        responses: &[
            (
                "201",
                "{id, media_type, size_bytes, sha256, width_px, height_px}",
            ),
            ("413", "document_too_large"),
            ("415", "document_type_not_allowed"),
            (
                "422",
                "document_missing / document_empty / document_unreadable / document_too_small / document_trailing_data / document_active_content",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/kyc/documents",
        tag: "verification",
        summary: "List my account's documents (owner, admin)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "{documents}"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/kyc/documents/{id}",
        tag: "verification",
        summary: "Download one of my account's documents (decrypted; the view is audited)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "The file"), ("404", "not_found"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/sessions",
        tag: "operators",
        summary: "Operator sign-in: password and TOTP code; without enrolled two-factor the session may only enrol",
        body: &["email", "password", "code?"],
        auth: Auth::Public,
        responses: &[
            ("200", "{status: signed_in | enrollment_required}"),
            ("401", "invalid_credentials / invalid_code"),
            ("403", "two_factor_required"),
            LIMITED,
        ],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/ops/sessions/current",
        tag: "operators",
        summary: "Operator sign-out",
        body: &[],
        auth: Auth::Operator,
        responses: &[("204", "Signed out"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/two-factor/enrollment",
        tag: "operators",
        summary: "Start the operator's TOTP enrolment",
        body: &[],
        auth: Auth::Operator,
        responses: &[
            ("200", "{secret, otpauth_url, qr_svg}"),
            ("409", "two_factor_already_enabled"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/two-factor/confirmation",
        tag: "operators",
        summary: "Confirm enrolment with a code, replacing the one-time password",
        body: &["code", "new_password?"],
        auth: Auth::Operator,
        responses: &[
            ("200", "enrolled"),
            ("401", "invalid_code"),
            ("403", "password_change_required"),
            BAD_INPUT,
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/ops/cases",
        tag: "operators",
        summary: "The review queue: submitted and in-review cases, oldest first, with due dates",
        body: &[],
        auth: Auth::Operator,
        responses: &[
            ("200", "{cases}"),
            ("403", "operator_enrollment_required"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/ops/cases/{id}",
        tag: "operators",
        summary: "A case with its history, documents and automatic checks",
        body: &[],
        auth: Auth::Operator,
        responses: &[
            (
                "200",
                "{case, account_name, checks, documents, verified_identity}",
            ),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/cases/{id}/claim",
        tag: "operators",
        summary: "Take a submitted case into review",
        body: &[],
        auth: Auth::Operator,
        responses: &[
            ("200", "in_review"),
            ("409", "case_state_conflict"),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/cases/{id}/approval",
        tag: "operators",
        summary: "Approve (companies may need a second operator); fixes the verified legal names",
        body: &[],
        auth: Auth::Operator,
        responses: &[
            ("200", "{approval: approved | first_of_two}"),
            (
                "409",
                "case_state_conflict / second_approval_needs_another_operator",
            ),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/cases/{id}/rejection",
        tag: "operators",
        summary: "Reject with reason codes and a message to the seller",
        body: &["reasons[]", "message"],
        auth: Auth::Operator,
        responses: &[
            ("200", "rejected"),
            ("409", "case_state_conflict"),
            ("422", "invalid_reason_code / message_required"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/cases/{id}/action-request",
        tag: "operators",
        summary: "Ask the seller to fix one item (a form field name) and say what to do",
        body: &["item", "message"],
        auth: Auth::Operator,
        responses: &[
            ("200", "action_required"),
            ("409", "case_state_conflict"),
            ("422", "invalid_action_item / message_required"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/ops/documents/{id}",
        tag: "operators",
        summary: "View any document (decrypted; the view is audited)",
        body: &[],
        auth: Auth::Operator,
        responses: &[("200", "The file"), ("404", "not_found"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/receiving-accounts",
        tag: "receiving accounts",
        summary: "Open a receiving account (owner, admin; after KYC approval) in USD, EUR, GBP, JPY, CAD or AUD: for an existing store (marketplace_id + seller_id) or none yet. JPY needs the holder in half-width katakana. Answers the Seller Central fields in order, SWIFT details and the steps",
        body: &[
            "currency",
            "marketplace_id?",
            "seller_id?",
            "katakana_holder_name?",
        ],
        auth: Auth::SignedIn,
        responses: &[
            ("201", "The account"),
            ("403", "kyc_required / forbidden_for_role"),
            ("409", "store_already_has_account"),
            (
                "422",
                "unsupported_currency / unknown_marketplace / marketplace_currency_mismatch / marketplace_id_as_seller_id / invalid_seller_id / katakana_holder_required / invalid_katakana_holder",
            ),
            ("503", "programme_exhausted"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/receiving-accounts",
        tag: "receiving accounts",
        summary: "My receiving accounts with their store bindings",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "{receiving_accounts}"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/receiving-accounts/{id}",
        tag: "receiving accounts",
        summary: "One receiving account: Seller Central fields, SWIFT details, steps, binding",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "The account"), ("404", "not_found"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/receiving-accounts/{id}/oauth-authorizations",
        tag: "store binding",
        summary: "Start SP-API authorization (browser session with two-factor): a state bound to this session and the consent URL to open; marketplace_id only for an account without a store",
        body: &["marketplace_id?"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{consent_url}"),
            (
                "403",
                "two_factor_required / session_required / forbidden_for_role",
            ),
            ("404", "not_found"),
            ("422", "unknown_marketplace / marketplace_currency_mismatch"),
            ("503", "connector_not_configured"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/receiving-accounts/{id}/mws-authorization",
        tag: "store binding",
        summary: "Bind with the Seller ID and MWS auth token copied from User Permissions (only where the marketplace still answers MWS; Amazon retired it in 2024); the verified pair is moved to SP-API with the Authorization API and checked like an OAuth binding, or stays authorized with finding mws_migration_unavailable / mws_migration_refused",
        body: &["seller_id", "mws_auth_token", "marketplace_id?"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The binding"),
            ("409", "mws_retired"),
            (
                "422",
                "marketplace_id_as_seller_id / invalid_seller_id / invalid_mws_auth_token / seller_id_mismatch / mws_pair_refused / mws_token_revoked / mws_token_of_other_seller / mws_token_of_other_developer",
            ),
            ("403", "two_factor_required / forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/receiving-accounts/{id}/binding-checks",
        tag: "store binding",
        summary: "Check the store over SP-API: participation without suspended listings, business name = verified legal name, default deposit method = this account. State: authorized, waiting_for_deposit_method, bound, mismatch, expired_or_revoked",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The binding"),
            ("409", "store_not_authorized / no_store_linked"),
            ("429", "marketplace_rate_limited"),
            ("503", "marketplace_unavailable"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/receiving-accounts/{id}/change-plan",
        tag: "store binding",
        summary: "Change planner from the store's financial event groups: current and next settlement periods, next disbursement, the 3-day hold, the safe window, and when the payout would start if the deposit method changed now",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            (
                "200",
                "{period_start, period_end, next_period_end, next_disbursement, hold_days, safe_window, inside_window, payout_if_changed_now}",
            ),
            ("409", "store_not_authorized / no_open_settlement"),
            ("429", "marketplace_rate_limited"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/marketplace/account-verifications",
        tag: "payment provider program",
        summary: "For registered marketplaces: is this a Ferry account, is it active, whose is it. Signed: X-Marketplace-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>, at most 5 minutes old",
        body: &[
            "bank_location",
            "bank_code",
            "account_number",
            "request_id?",
            "seller_id?",
            "marketplace_id?",
            "account_holder_name?",
        ],
        auth: Auth::Public,
        responses: &[
            ("200", "{exists, active, account_holder_name}"),
            ("401", "signature_missing / signature_invalid"),
            BAD_INPUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/bank/v1/notifications",
        tag: "partner banks",
        summary: "For configured partner banks: an ISO 20022 camt.054 (001.02 or 001.08) credit notification as application/xml. Each booked credit transaction becomes a payout exactly once (keyed on the UETR, else bank reference + end-to-end id): credited to the wallet of the bound store's seller, or held in suspense for compliance. Signed: X-Ferry-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)>, at most 5 minutes old (docs/payouts.md)",
        body: &[],
        auth: Auth::Public,
        responses: &[
            (
                "200",
                "{status: accepted, transactions: [{entry, transaction, outcome: credited / held / duplicate / conflict / ignored, payout_id, reason, state}]}",
            ),
            (
                "400",
                "camt054_not_xml / camt054_unsupported_message / camt054_missing_element / camt054_invalid_*",
            ),
            ("401", "signature_missing / signature_invalid"),
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/ops/payouts",
        tag: "ops payouts",
        summary: "Payouts in a state, oldest first (query `state`: held (default), credited, released, returned): amount, creditor account, payer, references, hold reason",
        body: &[],
        auth: Auth::Operator,
        responses: &[("200", "{payouts}"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/payouts/{id}/release",
        tag: "ops payouts",
        summary: "Release a held payout from suspense to the wallet of the seller who owns the receiving account; seller_account_id confirms that seller. Audited (payout.released)",
        body: &["receiving_account_id", "seller_account_id"],
        auth: Auth::Operator,
        responses: &[
            ("200", "The payout, state released"),
            ("404", "payout_not_found"),
            ("409", "payout_not_held"),
            (
                "422",
                "unknown_receiving_account / seller_mismatch / currency_mismatch / receiving_account_closed",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/payouts/{id}/return",
        tag: "ops payouts",
        summary: "Return a held payout to the payer: the money leaves suspense. Audited (payout.returned)",
        body: &[],
        auth: Auth::Operator,
        responses: &[
            ("200", "The payout, state returned"),
            ("404", "payout_not_found"),
            ("409", "payout_not_held"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/webhook-endpoints",
        tag: "webhooks",
        summary: "Add an endpoint (owner, admin). enabled_events: event types (payout.received, payout.held, payout.released, payout.returned, conversion.completed, withdrawal.pending, withdrawal.succeeded, withdrawal.failed, withdrawal.returned, store.binding_changed, kyc.status_changed) or [\"*\"]. The answer's secret (whsec_…) is shown only here; deliveries carry Ferry-Signature: t=<unix s>,v1=<hex HMAC-SHA256(secret, t + \".\" + body)> (docs/webhooks.md)",
        body: &["url", "enabled_events[]", "description?"],
        auth: Auth::SignedIn,
        responses: &[
            (
                "201",
                "{id, url, description, enabled_events, created_at_ms, secret}",
            ),
            ("403", "forbidden_for_role"),
            ("409", "too_many_endpoints"),
            (
                "422",
                "invalid_webhook_url / webhook_url_not_https / webhook_url_has_credentials / webhook_url_private / unknown_event_type / no_event_types / invalid_description",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/webhook-endpoints",
        tag: "webhooks",
        summary: "The account's endpoints (owner, admin)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{webhook_endpoints}"),
            ("403", "forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/webhook-endpoints/{id}",
        tag: "webhooks",
        summary: "One endpoint (the secret is never shown again)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The endpoint"),
            ("403", "forbidden_for_role"),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/webhook-endpoints/{id}",
        tag: "webhooks",
        summary: "Delete an endpoint: nothing more is sent to it, pending retries stop; its log stays",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("204", "Deleted"),
            ("403", "forbidden_for_role"),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/webhook-endpoints/{id}/deliveries",
        tag: "webhooks",
        summary: "The delivery log, newest first (100 attempts): delivery and event ids, event type, attempt number, manual, outcome (delivered, retrying, gave_up), status code, error, response snippet, duration",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{attempts}"),
            ("403", "forbidden_for_role"),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/webhook-endpoints/{id}/test-events",
        tag: "webhooks",
        summary: "Send a webhook_endpoint.test event to this endpoint only",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("202", "{delivery_id}"),
            ("403", "forbidden_for_role"),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/webhook-deliveries/{id}/redelivery",
        tag: "webhooks",
        summary: "Send a delivery again: same event id and body, new signature, 24 new hours of retries",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("202", "{delivery_id, event_id, endpoint_id}"),
            ("403", "forbidden_for_role"),
            ("404", "not_found"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/wallets",
        tag: "wallets",
        summary: "My wallets, one per currency, from the ledger: posted, available (posted minus withdrawals in flight) and pending, each as a decimal string and in minor units (`*_minor`)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{wallets}"),
            ("403", "forbidden_for_role"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/wallets/{currency}/transactions",
        tag: "wallets",
        summary: "A wallet's history, newest first: kind (payout_received, conversion, withdrawal, ...), status (posted, pending, voided, expired), signed amount and posted change. Query: `limit` (1-200, default 50), `cursor` (the previous page's `next_cursor`)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "{transactions, next_cursor}"),
            ("404", "wallet_not_found"),
            ("422", "invalid_limit / invalid_cursor"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/wallets/{currency}/statement.csv",
        tag: "wallets",
        summary: "A statement as CSV (RFC 4180, UTF-8, CRLF): opening balance, each posted movement with the running balance, closing balance. Query: `from`, `to` (YYYY-MM-DD, whole UTC days, inclusive, at most a year; default this month)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "text/csv"),
            ("404", "wallet_not_found"),
            ("422", "invalid_date / invalid_period"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/settlements",
        tag: "settlements",
        summary: "Every imported settlement with its reconciliation (orders, fees, refunds, reserve, total, received, difference, status matched / not_received / short / over / no_payout_due, and the reason), and the inbound credits that match no settlement",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "{settlements, unmatched_credits}"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/settlements/{id}",
        tag: "settlements",
        summary: "One settlement (Ferry's id or Amazon's settlement id) with its reconciliation",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "The settlement"), ("404", "not_found"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/settlements/imports",
        tag: "settlements",
        summary: "Upload a settlement report as downloaded from Seller Central (Flat File V2 by header name, 23 or 24 columns, or legacy V1; either decimal style; BOM, CRLF and padded values tolerated; at most 20 MB). The detail rows must add up to the report's total. 201 when new; 200 with outcome unchanged (same file) or replaced",
        body: &["@file", "receiving_account_id?"],
        auth: Auth::SignedIn,
        responses: &[
            ("201", "The settlement, outcome imported"),
            ("200", "The settlement, outcome unchanged / replaced"),
            ("403", "forbidden_for_role (viewers)"),
            ("404", "not_found (receiving account)"),
            ("413", "report_too_large"),
            (
                "422",
                "report_* (unreadable, with line and column) / report_totals_mismatch / report_not_text / report_file_missing / report_currency_not_the_accounts",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/receiving-accounts/{id}/settlement-refresh",
        tag: "settlements",
        summary: "Refresh settlements over SP-API for the account's bound store: list financial event groups and settlement reports, download and import the reports not imported yet, and tie each settlement to its group (trace id, account tail)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            (
                "200",
                "{imported[], replaced[], unchanged[], already_imported_reports, groups_matched}",
            ),
            ("403", "forbidden_for_role (viewers)"),
            ("404", "not_found"),
            ("409", "store_not_authorized / no_store_linked"),
            ("422", "report_* (a downloaded report cannot be read)"),
            ("429", "marketplace_rate_limited"),
            ("502", "marketplace_refused"),
            ("503", "marketplace_unavailable"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/fx/rates",
        tag: "fx",
        summary: "The reference rates conversions are priced from (units per EUR, crossed via EUR), their date (`rates_as_of`) and source (ECB daily file, the bundled ECB snapshot, or a fixed table), the margin in basis points, the fee per sell currency and how long a quote lasts",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[
            (
                "200",
                "{base, rates_as_of, rate_source, rates[{currency, per_eur}], margin_bps, fees, quote_ttl_secs}",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/fx/quotes",
        tag: "fx",
        summary: "Quote a conversion between the seller's wallets (after KYC approval; owner, admin, finance): sell_amount in major units of sell_currency. Shows everything before confirming: fee (sell currency, taken first), converted, mid_rate, amount_at_mid_rate, margin_bps and margin as money, customer_rate, and the net `buy` amount (rounded down to the minor unit); expires_at_ms (30 s by default)",
        body: &["sell_currency", "buy_currency", "sell_amount"],
        auth: Auth::SignedIn,
        responses: &[
            ("201", "The quote"),
            ("403", "kyc_required / forbidden_for_role"),
            (
                "422",
                "invalid_currency / fx_same_currency / fx_pair_unavailable / invalid_amount / fx_fee_exceeds_amount / amount_too_large",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/fx/quotes/{id}/execution",
        tag: "fx",
        summary: "Execute a quote once, confirming its amounts and currencies as shown (anything else is refused as altered): one linked set of ledger transfers, wallet -> FX position -> wallet, and the fee",
        body: &[
            "sell_currency",
            "sell_amount_minor:int",
            "buy_currency",
            "buy_amount_minor:int",
        ],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The executed quote"),
            ("404", "not_found"),
            (
                "409",
                "quote_already_executed / quote_altered / quote_failed",
            ),
            ("410", "quote_expired"),
            ("422", "insufficient_funds"),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/withdrawal-destinations",
        tag: "withdrawals",
        summary: "Add a mainland bank account to withdraw to (session with two-factor): a UnionPay card number (Luhn-checked), the bank, and the holder, which must be the verified legal name (a company's registered Chinese or English name; whitespace and case do not matter)",
        body: &["card_number", "bank_name", "holder_name"],
        auth: Auth::SignedIn,
        responses: &[
            ("201", "The destination, card masked"),
            (
                "403",
                "kyc_required / two_factor_required / forbidden_for_role",
            ),
            (
                "422",
                "invalid_card_number / invalid_bank_name / holder_name_mismatch",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/withdrawal-destinations",
        tag: "withdrawals",
        summary: "The account's bank accounts for withdrawals",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "{destinations}"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Delete,
        path: "/api/v1/withdrawal-destinations/{id}",
        tag: "withdrawals",
        summary: "Remove a bank account from the list (past withdrawals keep their copy)",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("204", "removed"), ("404", "not_found"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/withdrawals",
        tag: "withdrawals",
        summary: "Withdraw CNY or USD to a bank account, confirmed with the current two-factor code (or a recovery code). The fee (percent, minimum, cap) is charged on top; limits apply per withdrawal and per day (China time). The amount and fee are held at once; the bank's answer posts or voids the hold, and a later return is reversed. Statuses: pending, paid, failed, returned (and refused when the hold was refused). Sandbox bank: a card ending 0002 is refused, one ending 0036 is paid then returned days later, any other is paid",
        body: &["destination_id", "currency", "amount", "two_factor_code"],
        auth: Auth::SignedIn,
        responses: &[
            ("201", "The withdrawal"),
            ("401", "invalid_code"),
            (
                "403",
                "kyc_required / two_factor_not_enrolled / forbidden_for_role",
            ),
            ("404", "not_found (destination)"),
            (
                "422",
                "unsupported_currency / invalid_amount / per_transaction_limit_exceeded / daily_limit_exceeded / insufficient_funds / holder_name_mismatch",
            ),
            SIGNED_OUT,
        ],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/withdrawals",
        tag: "withdrawals",
        summary: "The account's withdrawals, newest first, with their statuses, and the fees and limits per currency",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "{withdrawals, terms}"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Get,
        path: "/api/v1/withdrawals/{id}",
        tag: "withdrawals",
        summary: "One withdrawal: status (pending, paid, failed, returned, refused), amount, fee, destination, bank reference, failure reason",
        body: &[],
        auth: Auth::SignedIn,
        responses: &[("200", "The withdrawal"), ("404", "not_found"), SIGNED_OUT],
    },
    Op {
        method: HttpMethod::Post,
        path: "/api/v1/ops/withdrawals/{id}/return",
        tag: "ops withdrawals",
        summary: "Record that the beneficiary's bank sent a paid withdrawal back: new ledger transfers return the amount and the fee to the seller's wallet, the seller is e-mailed. Audited (withdrawal.returned)",
        body: &[],
        auth: Auth::Operator,
        responses: &[
            ("200", "The withdrawal, status returned"),
            ("404", "not_found"),
            ("409", "withdrawal_not_paid"),
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
        let mut response = ResponseBuilder::new().description(described(op, status, description));
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
        let mut content_type = "application/json";
        for field in op.body {
            let (name, property) = body_field(field.trim_end_matches('?'));
            if field.starts_with('@') {
                content_type = "multipart/form-data";
            }
            schema = schema.property(name, property);
            if !field.ends_with('?') {
                schema = schema.required(name);
            }
        }
        let body = RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content(
                content_type,
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
    if is_idempotent(op) {
        builder = idempotent(builder, op);
    }
    if op.path.contains("{currency}") {
        builder = builder.parameter(
            ParameterBuilder::new()
                .name("currency")
                .parameter_in(ParameterIn::Path)
                .required(Required::True)
                .description(Some("ISO 4217 code, e.g. USD"))
                .schema(Some(string())),
        );
    }
    if matches!(op.auth, Auth::SignedIn) {
        builder = builder
            .security(SecurityRequirement::new("session", Vec::<String>::new()))
            .security(SecurityRequirement::new("api_key", Vec::<String>::new()));
    }
    if matches!(op.auth, Auth::Operator) {
        builder = builder.security(SecurityRequirement::new(
            "operator_session",
            Vec::<String>::new(),
        ));
    }
    builder.build()
}

/// The `Idempotency-Key` header and what it can answer (docs/idempotency.md).
fn is_idempotent(op: &Op) -> bool {
    matches!(op.method, HttpMethod::Post) && IDEMPOTENT.contains(&op.path)
}

fn idempotent(builder: OperationBuilder, op: &Op) -> OperationBuilder {
    let header = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some("1-255 printable ASCII characters (a UUID). The same key and body within 24 hours replays the first answer with `Idempotent-Replayed: true`; another body with the key answers 422 idempotency_key_reused; while the first request runs, 409 idempotency_key_in_use (retry shortly)."))
        .schema(Some(string()));
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new().schema(Some(error_schema())).build(),
            )
            .build()
    };
    let mut builder = builder.parameter(header);
    // Statuses the operation documents already get the codes appended
    // where its own responses are written (`IDEMPOTENCY_CODES`).
    for (status, code) in IDEMPOTENCY_CODES {
        if !op
            .responses
            .iter()
            .any(|(documented, _)| documented == status)
        {
            builder = builder.response(*status, error(code));
        }
    }
    builder
}

const IDEMPOTENCY_CODES: &[(&str, &str)] = &[
    ("400", "idempotency_key_invalid"),
    ("409", "idempotency_key_in_use (retry shortly)"),
    ("422", "idempotency_key_reused"),
];

/// A response's description, with the idempotency codes of its status.
fn described(op: &Op, status: &str, description: &str) -> String {
    let extra = IDEMPOTENCY_CODES
        .iter()
        .find(|(code_status, _)| is_idempotent(op) && *code_status == status);
    match extra {
        Some((_, code)) => format!("{description} / {code}"),
        None => description.to_string(),
    }
}

/// A body field's name and schema, by the conventions of [`Op::body`].
fn body_field(
    field: &'static str,
) -> (
    &'static str,
    utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
) {
    use utoipa::openapi::schema::ArrayBuilder;
    if let Some(name) = field.strip_prefix('@') {
        let file = string().format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Binary,
        )));
        return (name, file.into());
    }
    if let Some(name) = field.strip_suffix("[{}]") {
        let items = ObjectBuilder::new().schema_type(Type::Object);
        return (name, ArrayBuilder::new().items(items).into());
    }
    if let Some(name) = field.strip_suffix("[]") {
        return (name, ArrayBuilder::new().items(string()).into());
    }
    if let Some(name) = field.strip_suffix(":bool") {
        return (name, ObjectBuilder::new().schema_type(Type::Boolean).into());
    }
    if let Some(name) = field.strip_suffix(":int") {
        return (name, ObjectBuilder::new().schema_type(Type::Integer).into());
    }
    (field, string().into())
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
            "operator_session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("ferry_ops_session"))),
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
        HttpMethod::Patch => "PATCH",
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
