-- The payment-provider program's bank directory. code_type + code is how a
-- deposit method's bank is found: aba (9-digit routing number), ca_institution
-- (3-digit institution), sort_code, bic8 (first 8 characters of the BIC),
-- zengin_bank (4-digit bank code), bsb. kind: bank or payment_provider.
-- participating_since_at_ms is set for providers in the program.
CREATE TABLE banks (
    code_type TEXT NOT NULL,
    code TEXT NOT NULL,
    institution_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    participating_since_at_ms BIGINT,
    notification_url TEXT,
    account_verification_url TEXT,
    signing_secret TEXT,
    created_at_ms BIGINT NOT NULL,
    PRIMARY KEY (code_type, code)
);

-- What a participating provider answered about the account when it was set:
-- confirmed, not_found, inactive or unreachable; with the holder it named.
ALTER TABLE deposit_methods ADD COLUMN provider_check TEXT;
ALTER TABLE deposit_methods ADD COLUMN provider_holder_name TEXT;
-- The directory entry the account's bank code points at.
ALTER TABLE deposit_methods ADD COLUMN directory_code_type TEXT;
ALTER TABLE deposit_methods ADD COLUMN directory_code TEXT;
