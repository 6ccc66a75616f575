-- LWA's client_credentials grant: an access token for the app itself, with
-- no seller behind it. Its one scope, sellingpartnerapi::migration, opens
-- only the Authorization API (MWS authorizations → SP-API). Stored hashed.
CREATE TABLE grantless_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    application_id TEXT NOT NULL REFERENCES apps (application_id),
    scope TEXT NOT NULL,
    expires_at_ms BIGINT NOT NULL
);
