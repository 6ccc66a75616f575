-- The legacy (MWS-era) hand-off of the seed's step 5: the seller authorizes
-- a developer by developer ID and copies the Seller ID and an
-- amzn.mws.<uuid> token. The token is stored hashed.
CREATE TABLE mws_authorizations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    seller_id TEXT NOT NULL REFERENCES sellers (seller_id),
    developer_id TEXT NOT NULL REFERENCES developers (developer_id),
    created_at_ms BIGINT NOT NULL,
    revoked_at_ms BIGINT
);
