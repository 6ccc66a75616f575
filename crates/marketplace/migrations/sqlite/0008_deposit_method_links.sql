-- The bank accounts active for a store in one marketplace, up to the
-- marketplace's limit (two in the US; one per marketplace and five in total
-- across the European stores). deposit_assignments names the one default
-- among them. An account's three-day security hold starts when it is added
-- (hold_until_at_ms); making it the default again later does not restart it.
-- accs_accepted_at_ms: when the seller accepted the Amazon Currency
-- Converter for Sellers agreement for this account, required when the
-- account's currency differs from the marketplace's (NULL otherwise).
CREATE TABLE deposit_method_links (
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    marketplace_id TEXT NOT NULL,
    deposit_method_id TEXT NOT NULL REFERENCES deposit_methods (deposit_method_id),
    added_at_ms BIGINT NOT NULL,
    hold_until_at_ms BIGINT NOT NULL,
    accs_accepted_at_ms BIGINT,
    PRIMARY KEY (seller_id, marketplace_id, deposit_method_id)
);

-- Every existing default is an active account of its marketplace.
INSERT INTO deposit_method_links (seller_id, marketplace_id, deposit_method_id, added_at_ms, hold_until_at_ms)
SELECT seller_id, marketplace_id, deposit_method_id, assigned_at_ms, hold_until_at_ms FROM deposit_assignments;
