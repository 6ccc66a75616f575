-- Bank accounts entered on the Deposit Methods page. deposit_method_id is
-- SP-API's paymentMethodId. bank_location is the form used (US, CA, GB,
-- EURO, JP, AU); country_code the bank's country; bank_identifier the ABA,
-- Canadian EFT routing number, sort code, BIC, Zengin bank+branch or BSB;
-- account_number the complete number (the IBAN for euro accounts).
CREATE TABLE deposit_methods (
    deposit_method_id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    bank_location TEXT NOT NULL,
    country_code TEXT NOT NULL,
    holder_name TEXT NOT NULL,
    bank_identifier TEXT NOT NULL,
    account_number TEXT NOT NULL,
    account_type TEXT,
    tail TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- The one default deposit method per store and marketplace. Assigning a new
-- account starts the three-day security hold (hold_until_at_ms).
CREATE TABLE deposit_assignments (
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    marketplace_id TEXT NOT NULL,
    deposit_method_id TEXT NOT NULL REFERENCES deposit_methods (deposit_method_id),
    assigned_at_ms BIGINT NOT NULL,
    hold_until_at_ms BIGINT NOT NULL,
    PRIMARY KEY (seller_id, marketplace_id)
);

-- Support cases; category 'deposit_method_change_notice' is the one the
-- risk rule looks for. status: open, answered, resolved.
CREATE TABLE support_cases (
    case_id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    category TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at_ms BIGINT NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
CREATE INDEX support_cases_by_seller ON support_cases (seller_id, category, opened_at_ms);

-- author: seller or support.
CREATE TABLE case_messages (
    message_id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES support_cases (case_id),
    author TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL
);

-- The sandbox's risk rule: an unannounced deposit-method change puts the
-- marketplace's disbursements under review until the seller verifies.
CREATE TABLE disbursement_reviews (
    review_id TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    marketplace_id TEXT NOT NULL,
    deposit_method_id TEXT NOT NULL REFERENCES deposit_methods (deposit_method_id),
    opened_at_ms BIGINT NOT NULL,
    cleared_at_ms BIGINT
);
