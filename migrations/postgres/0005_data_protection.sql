-- Data protection: legal holds and restriction on cases, corrections with their history,
-- objections with the DPO's decision, and purging old audit entries without breaking the chain.

ALTER TABLE cases ADD COLUMN legal_hold BIGINT NOT NULL DEFAULT 0 CHECK (legal_hold IN (0, 1));
ALTER TABLE cases ADD COLUMN legal_hold_reason TEXT;
ALTER TABLE cases ADD COLUMN legal_hold_since BIGINT;
ALTER TABLE cases ADD COLUMN restriction_reason TEXT;
ALTER TABLE cases ADD COLUMN restricted_since BIGINT;
CREATE INDEX cases_closed_on ON cases(status, closed_on);

-- A correction keeps the value it replaced, with who, when and why. Deleted with the case.
CREATE TABLE rectifications (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    -- 'victim', 'perpetrator' or 'household', and that person's id
    person_kind     TEXT NOT NULL,
    person_id       TEXT NOT NULL,
    field           TEXT NOT NULL,
    old_value       TEXT,
    new_value       TEXT,
    reason          TEXT NOT NULL,
    corrected_by    TEXT NOT NULL REFERENCES users(id),
    corrected_at    BIGINT NOT NULL
);
CREATE INDEX rectifications_case ON rectifications(case_id, corrected_at);

-- An objection to processing, recorded against a person, and the DPO's decision on it.
CREATE TABLE objections (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    person_kind     TEXT NOT NULL,
    person_id       TEXT NOT NULL,
    received_on     TEXT NOT NULL,
    grounds         TEXT NOT NULL,
    -- 'pending', 'upheld' or 'not_upheld'
    decision        TEXT NOT NULL DEFAULT 'pending',
    reasoning       TEXT,
    decided_on      TEXT,
    decided_by      TEXT REFERENCES users(id),
    recorded_by     TEXT NOT NULL REFERENCES users(id),
    recorded_at     BIGINT NOT NULL
);
CREATE INDEX objections_case ON objections(case_id);

-- The last audit entry removed by each purge of old entries: the remaining chain is verified
-- from here. Append-only, like the log.
CREATE TABLE audit_horizon (
    seq         BIGINT PRIMARY KEY,
    hash        TEXT NOT NULL,
    purged_at   BIGINT NOT NULL
);

CREATE FUNCTION audit_horizon_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_horizon is append-only';
END;
$$;

CREATE TRIGGER audit_horizon_no_update BEFORE UPDATE ON audit_horizon
    FOR EACH ROW EXECUTE FUNCTION audit_horizon_append_only();

CREATE TRIGGER audit_horizon_no_delete BEFORE DELETE ON audit_horizon
    FOR EACH ROW EXECUTE FUNCTION audit_horizon_append_only();

-- Entries may now be removed, but only up to the recorded horizon, oldest first.
CREATE FUNCTION audit_log_beyond_horizon() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.seq > (SELECT COALESCE(MAX(seq), 0) FROM audit_horizon) THEN
        RAISE EXCEPTION 'audit_log is append-only';
    END IF;
    RETURN OLD;
END;
$$;

DROP TRIGGER audit_log_no_delete ON audit_log;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_beyond_horizon();
