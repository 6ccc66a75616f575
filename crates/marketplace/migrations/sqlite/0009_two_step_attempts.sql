-- Wrong two-step codes per sign-in: after five the session ends and the
-- password must be entered again, so a six-digit code cannot be guessed.
ALTER TABLE web_sessions ADD COLUMN failed_codes BIGINT NOT NULL DEFAULT 0;
