-- Identity, agencies, the Information Sharing Agreement, sessions and the audit log.
-- PostgreSQL edition of migrations/sqlite/0001_identity.sql; only the triggers differ.
-- Portable types only (TEXT, BIGINT, BOOLEAN): instants are Unix seconds (UTC),
-- calendar dates are ISO 'YYYY-MM-DD' text, ids are UUID text.

CREATE TABLE agencies (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    secure_email    TEXT NOT NULL,
    -- 'active', 'suspended' or 'withdrawn'; 'expired' is derived from signatures.
    isa_state       TEXT NOT NULL DEFAULT 'active',
    isa_state_reason TEXT,
    created_at      BIGINT NOT NULL
);

CREATE TABLE isa_versions (
    id                  TEXT PRIMARY KEY,
    label               TEXT NOT NULL UNIQUE,
    body_markdown       TEXT NOT NULL,
    confidentiality_statement TEXT NOT NULL,
    published_at        BIGINT NOT NULL,
    -- agencies must sign this version by this date to stay current (NULL: no re-signing needed)
    resign_by           TEXT
);

CREATE TABLE users (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    agency_id   TEXT REFERENCES agencies(id),
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  BIGINT NOT NULL
);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role    TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE isa_signatures (
    id              TEXT PRIMARY KEY,
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    isa_version_id  TEXT NOT NULL REFERENCES isa_versions(id),
    signed_by_name  TEXT NOT NULL,
    signed_on       TEXT NOT NULL,
    review_on       TEXT NOT NULL,
    recorded_by     TEXT REFERENCES users(id),
    created_at      BIGINT NOT NULL
);
CREATE INDEX isa_signatures_agency ON isa_signatures(agency_id, signed_on);

CREATE TABLE invitations (
    id          TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL UNIQUE,
    user_id     TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_by  TEXT REFERENCES users(id),
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);
CREATE INDEX invitations_user ON invitations(user_id);

CREATE TABLE passkeys (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    credential_id   TEXT NOT NULL UNIQUE,
    passkey_json    TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_used_at    BIGINT
);
CREATE INDEX passkeys_user ON passkeys(user_id);

CREATE TABLE sessions (
    id_hash         TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at      BIGINT NOT NULL,
    last_seen_at    BIGINT NOT NULL,
    reauthenticated_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE webauthn_ceremonies (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    user_id     TEXT REFERENCES users(id) ON DELETE CASCADE,
    state_json  TEXT NOT NULL,
    expires_at  BIGINT NOT NULL
);

-- Append-only, hash-chained: hash = SHA-256(prev_hash || canonical content).
CREATE TABLE audit_log (
    seq             BIGINT PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor_user_id   TEXT,
    actor_agency_id TEXT,
    action          TEXT NOT NULL,
    record_type     TEXT,
    record_id       TEXT,
    outcome         TEXT NOT NULL,
    purpose         TEXT,
    details         TEXT NOT NULL DEFAULT '{}',
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id, at);
CREATE INDEX audit_log_record ON audit_log(record_type, record_id);

-- Append-only for every role the application connects as: updates and deletions are refused.
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
