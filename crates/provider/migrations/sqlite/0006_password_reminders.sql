-- When the "your password is old" reminder went out; one per password.
ALTER TABLE users ADD COLUMN password_reminder_sent_at_ms BIGINT;
