-- Real-name verification (KYC / KYB): uploaded documents, cases and their
-- history, and the identity an approved case fixes.

-- An uploaded identity document. The bytes live encrypted in the object
-- store (AES-256-GCM under a per-document data key); wrapped_key is that
-- data key encrypted with the master key named key_id, so rotating the
-- master key rewrites these rows and never the objects.
CREATE TABLE kyc_documents (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    uploaded_by TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    -- Hex SHA-256 of the bytes as uploaded, for duplicate detection.
    sha256 TEXT NOT NULL,
    width_px BIGINT,
    height_px BIGINT,
    key_id TEXT NOT NULL,
    wrapped_key TEXT NOT NULL,
    object_path TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

CREATE INDEX kyc_documents_by_account ON kyc_documents (account_id);
CREATE INDEX kyc_documents_by_sha256 ON kyc_documents (sha256);

-- One verification case of an account. state is draft, submitted,
-- in_review, approved, rejected or action_required; form is the seller's
-- (validated) form as JSON; revision counts submissions.
CREATE TABLE kyc_cases (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    form TEXT NOT NULL,
    revision BIGINT NOT NULL,
    submitted_at_ms BIGINT,
    due_at_ms BIGINT,
    first_approval_by TEXT,
    first_approval_at_ms BIGINT,
    decided_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);

CREATE INDEX kyc_cases_by_account ON kyc_cases (account_id, created_at_ms);
CREATE INDEX kyc_cases_by_state ON kyc_cases (state, submitted_at_ms);

-- Every state change of a case, with who made it and why: the history a
-- seller and a reviewer see. reasons is a JSON array of reason codes.
CREATE TABLE kyc_case_events (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES kyc_cases (id),
    at_ms BIGINT NOT NULL,
    actor TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reasons TEXT NOT NULL,
    message TEXT NOT NULL,
    action_item TEXT,
    due_at_ms BIGINT
);

CREATE INDEX kyc_case_events_by_case ON kyc_case_events (case_id, at_ms);

-- The form as it was at each submission (a submitted case is read-only;
-- a resubmission adds a row, so the history stays).
CREATE TABLE kyc_submissions (
    case_id TEXT NOT NULL REFERENCES kyc_cases (id),
    revision BIGINT NOT NULL,
    form TEXT NOT NULL,
    submitted_at_ms BIGINT NOT NULL,
    PRIMARY KEY (case_id, revision)
);

-- Identity numbers named in submitted cases (resident IDs, USCC,
-- organization codes), for the duplicate check across merchants.
CREATE TABLE kyc_identifiers (
    case_id TEXT NOT NULL REFERENCES kyc_cases (id),
    account_id TEXT NOT NULL,
    scheme TEXT NOT NULL,
    value TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (case_id, scheme, value, role)
);

CREATE INDEX kyc_identifiers_by_value ON kyc_identifiers (scheme, value);

-- The identity fixed by the latest approved case: the legal names used for
-- receiving accounts, store matching and withdrawals. Only an approval
-- writes it.
CREATE TABLE kyc_verified_identities (
    account_id TEXT PRIMARY KEY NOT NULL REFERENCES seller_accounts (id),
    case_id TEXT NOT NULL REFERENCES kyc_cases (id),
    kind TEXT NOT NULL,
    legal_name_zh TEXT NOT NULL,
    legal_name_en TEXT,
    registration_number TEXT NOT NULL,
    verified_at_ms BIGINT NOT NULL
);

-- Operators of the provider (reviewers), separate from seller users.
CREATE TABLE operators (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    -- Set while the password is a printed one-time password.
    password_change_required_at_ms BIGINT,
    totp_secret TEXT,
    totp_pending_secret TEXT,
    totp_last_step BIGINT,
    failed_logins BIGINT NOT NULL DEFAULT 0,
    locked_until_ms BIGINT,
    created_at_ms BIGINT NOT NULL
);

CREATE TABLE operator_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    operator_id TEXT NOT NULL REFERENCES operators (id),
    csrf_token TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    last_seen_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    two_factor_at_ms BIGINT,
    revoked_at_ms BIGINT
);
