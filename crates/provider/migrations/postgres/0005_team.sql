-- Team members: each person has their own login (no shared accounts).
-- An owner invites by e-mail; the link (token stored hashed, single use,
-- 24 hours) lets the invitee choose their own password.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES seller_accounts (id),
    email TEXT NOT NULL,
    role TEXT NOT NULL,
    invited_by TEXT NOT NULL REFERENCES users (id),
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    accepted_at_ms BIGINT
);

-- A removed member can no longer sign in; the row stays for the audit log.
ALTER TABLE users ADD COLUMN removed_at_ms BIGINT;
