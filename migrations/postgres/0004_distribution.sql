-- Restricted distribution of finalised minutes: one personal copy per recipient, each with its
-- own expiry and revocation, every download logged; notification emails in an outbox that is
-- retried with back-off. PDFs are built when downloaded, never stored.

CREATE TABLE distributions (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    created_by  TEXT NOT NULL REFERENCES users(id),
    created_at  BIGINT NOT NULL
);
CREATE INDEX distributions_meeting ON distributions(meeting_id, created_at);

CREATE TABLE minute_copies (
    -- Also the document id printed on every page.
    id              TEXT PRIMARY KEY,
    distribution_id TEXT NOT NULL REFERENCES distributions(id) ON DELETE CASCADE,
    meeting_id      TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    user_id         TEXT NOT NULL REFERENCES users(id),
    expires_at      BIGINT NOT NULL,
    revoked_at      BIGINT,
    revoked_by      TEXT REFERENCES users(id)
);
CREATE INDEX minute_copies_meeting ON minute_copies(meeting_id, agency_id);
CREATE INDEX minute_copies_user ON minute_copies(user_id);

CREATE TABLE copy_downloads (
    id              TEXT PRIMARY KEY,
    copy_id         TEXT NOT NULL REFERENCES minute_copies(id) ON DELETE CASCADE,
    downloaded_at   BIGINT NOT NULL
);
CREATE INDEX copy_downloads_copy ON copy_downloads(copy_id, downloaded_at);

CREATE TABLE email_outbox (
    id              TEXT PRIMARY KEY,
    copy_id         TEXT REFERENCES minute_copies(id) ON DELETE CASCADE,
    to_address      TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    last_error      TEXT,
    sent_at         BIGINT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX email_outbox_due ON email_outbox(sent_at, next_attempt_at);
