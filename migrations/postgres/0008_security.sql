-- Security (issue 19): PostgreSQL edition of migrations/sqlite/0008_security.sql; only the
-- triggers differ.

-- 1: plain SHA-256 (every entry written before this migration); 2: HMAC-SHA-256 under the audit key.
ALTER TABLE audit_log ADD COLUMN chain BIGINT NOT NULL DEFAULT 1;

-- When the last removed entry was written, and the purge's seal over the horizon.
ALTER TABLE audit_horizon ADD COLUMN last_at BIGINT;
ALTER TABLE audit_horizon ADD COLUMN mac TEXT;

-- The audit retention floor, set by the database owner (`roundtable migrate`); the application
-- role may only read it (see `migrate --app-role`).
CREATE TABLE audit_policy (
    id              BIGINT PRIMARY KEY CHECK (id = 1),
    retention_days  BIGINT NOT NULL CHECK (retention_days >= 365)
);
INSERT INTO audit_policy (id, retention_days) VALUES (1, 2555);

-- A horizon may only move forward, never to the newest entry, only to an entry as it is stored,
-- and only past entries that are all older than the retention floor by the database's own clock.
CREATE FUNCTION audit_horizon_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous BIGINT;
    newest BIGINT;
    cutoff BIGINT;
BEGIN
    SELECT COALESCE(MAX(seq), 0) INTO previous FROM audit_horizon;
    SELECT COALESCE(MAX(seq), 0) INTO newest FROM audit_log;
    SELECT CAST(EXTRACT(EPOCH FROM now()) AS BIGINT) - 86400 * retention_days INTO cutoff FROM audit_policy WHERE id = 1;
    IF NEW.seq <= previous OR NEW.seq >= newest OR NEW.last_at IS NULL
       OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq AND hash = NEW.hash AND at = NEW.last_at)
       OR EXISTS (SELECT 1 FROM audit_log WHERE seq > previous AND seq <= NEW.seq AND at >= cutoff) THEN
        RAISE EXCEPTION 'audit_horizon: only entries older than the audit retention period may be purged, oldest first';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER audit_horizon_guard BEFORE INSERT ON audit_horizon
    FOR EACH ROW EXECUTE FUNCTION audit_horizon_guard();

CREATE FUNCTION audit_policy_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_policy cannot be removed';
END;
$$;

CREATE TRIGGER audit_policy_no_delete BEFORE DELETE ON audit_policy
    FOR EACH ROW EXECUTE FUNCTION audit_policy_fixed();

-- The passkey a session was opened with: revoking the passkey ends the session.
ALTER TABLE sessions ADD COLUMN passkey_id TEXT REFERENCES passkeys(id) ON DELETE CASCADE;
CREATE INDEX sessions_passkey ON sessions(passkey_id);

-- Privileged roles granted by one person, waiting for a second person to approve or refuse.
CREATE TABLE role_grants (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    -- JSON array of the roles to add
    roles           TEXT NOT NULL,
    requested_by    TEXT NOT NULL REFERENCES users(id),
    requested_at    BIGINT NOT NULL,
    -- 'approved' or 'refused' once decided
    decision        TEXT,
    decided_by      TEXT REFERENCES users(id),
    decided_at      BIGINT
);
CREATE INDEX role_grants_pending ON role_grants(decided_at, requested_at);
