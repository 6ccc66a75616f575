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
    /// array of objects, `name:bool` a boolean; a name starting with `@` is
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
        summary: "Bind with the Seller ID and MWS auth token copied from User Permissions (only where the marketplace still answers MWS; Amazon retired it in 2024)",
        body: &["seller_id", "mws_auth_token", "marketplace_id?"],
        auth: Auth::SignedIn,
        responses: &[
            ("200", "The binding"),
            ("409", "mws_retired"),
            (
                "422",
                "marketplace_id_as_seller_id / invalid_seller_id / invalid_mws_auth_token / seller_id_mismatch / mws_pair_refused",
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
