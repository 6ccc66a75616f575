-- The owner's security policy: since when members (everyone but the owner)
-- must have two-factor; until they enrol they can only enrol or sign out.
ALTER TABLE seller_accounts ADD COLUMN two_factor_required_at_ms BIGINT;
-- A closed account: nobody signs in any more; the rows stay for the audit
-- log and record keeping.
ALTER TABLE seller_accounts ADD COLUMN closed_at_ms BIGINT;
