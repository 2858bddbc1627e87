-- Running meetings: invited agencies, attendance and confidentiality, research, minutes with
-- optimistic concurrency and amendments, and actions with their history.

ALTER TABLE meetings ADD COLUMN research_deadline TEXT;
ALTER TABLE meetings ADD COLUMN isa_version_id TEXT REFERENCES isa_versions(id);
ALTER TABLE meetings ADD COLUMN finalised_at BIGINT;
ALTER TABLE meetings ADD COLUMN finalised_by TEXT REFERENCES users(id);

CREATE TABLE meeting_agencies (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    PRIMARY KEY (meeting_id, agency_id)
);
CREATE INDEX meeting_agencies_agency ON meeting_agencies(agency_id);

CREATE TABLE attendance (
    meeting_id      TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL REFERENCES users(id),
    agency_id       TEXT NOT NULL REFERENCES agencies(id),
    -- 'present', 'apologies' or 'absent'
    status          TEXT NOT NULL,
    deputy_for      TEXT REFERENCES users(id),
    acknowledged_at BIGINT,
    PRIMARY KEY (meeting_id, user_id)
);

CREATE TABLE research (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    author_id   TEXT NOT NULL REFERENCES users(id),
    -- 'fact' or 'opinion'
    kind        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX research_meeting_case ON research(meeting_id, case_id);

-- Per case at a meeting: the risks identified and the decision, edited with a version check.
CREATE TABLE case_minutes (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    risks       TEXT NOT NULL DEFAULT '',
    decision    TEXT NOT NULL DEFAULT '',
    version     BIGINT NOT NULL DEFAULT 0,
    updated_by  TEXT REFERENCES users(id),
    updated_at  BIGINT,
    PRIMARY KEY (meeting_id, case_id)
);

CREATE TABLE minute_entries (
    id              TEXT PRIMARY KEY,
    meeting_id      TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    case_id         TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    -- 'fact' or 'opinion'
    kind            TEXT NOT NULL,
    body            TEXT NOT NULL,
    source_agency_id TEXT NOT NULL REFERENCES agencies(id),
    source_person   TEXT,
    version         BIGINT NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX minute_entries_meeting_case ON minute_entries(meeting_id, case_id, created_at);

-- Corrections after the minutes were finalised: the original stays, with who, when and why.
CREATE TABLE amendments (
    id          TEXT PRIMARY KEY,
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    -- 'entry', 'risks' or 'decision'
    target      TEXT NOT NULL,
    entry_id    TEXT REFERENCES minute_entries(id),
    original    TEXT NOT NULL,
    amended     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    amended_by  TEXT NOT NULL REFERENCES users(id),
    amended_at  BIGINT NOT NULL
);
CREATE INDEX amendments_meeting ON amendments(meeting_id, case_id);

CREATE TABLE actions (
    id              TEXT PRIMARY KEY,
    case_id         TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    meeting_id      TEXT NOT NULL REFERENCES meetings(id),
    owner_agency_id TEXT NOT NULL REFERENCES agencies(id),
    owner_user_id   TEXT REFERENCES users(id),
    description     TEXT NOT NULL,
    due_on          TEXT NOT NULL,
    -- 'open', 'in_progress', 'done', 'not_achievable'
    status          TEXT NOT NULL DEFAULT 'open',
    version         BIGINT NOT NULL DEFAULT 0,
    created_by      TEXT NOT NULL REFERENCES users(id),
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX actions_owner ON actions(owner_agency_id, status, due_on);
CREATE INDEX actions_case ON actions(case_id);
CREATE INDEX actions_status_due ON actions(status, due_on);

CREATE TABLE action_updates (
    id          TEXT PRIMARY KEY,
    action_id   TEXT NOT NULL REFERENCES actions(id) ON DELETE CASCADE,
    status      TEXT NOT NULL,
    note        TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users(id),
    updated_at  BIGINT NOT NULL
);
CREATE INDEX action_updates_action ON action_updates(action_id, updated_at);
