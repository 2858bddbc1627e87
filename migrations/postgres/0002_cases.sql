-- Referrals, cases and the people in them; the meetings they are heard at.
-- Victim, perpetrator and household details live in separate tables, read by need-to-know.
-- Yes/no columns are BIGINT 0/1: sqlx's Any driver cannot read SQLite's BOOLEAN.

-- Numbered references (R-2026-00001, C-2026-00001), portable across engines.
CREATE TABLE counters (
    name    TEXT PRIMARY KEY,
    value   BIGINT NOT NULL
);

CREATE TABLE meetings (
    id                  TEXT PRIMARY KEY,
    starts_at           BIGINT NOT NULL,
    place               TEXT NOT NULL,
    capacity            BIGINT NOT NULL,
    -- 'scheduled', 'agenda_published', 'in_progress', 'minutes_draft', 'minutes_final'
    status              TEXT NOT NULL DEFAULT 'scheduled',
    chair_user_id       TEXT REFERENCES users(id),
    coordinator_user_id TEXT REFERENCES users(id),
    created_at          BIGINT NOT NULL
);
CREATE INDEX meetings_starts ON meetings(starts_at);

CREATE TABLE cases (
    id              TEXT PRIMARY KEY,
    reference       TEXT NOT NULL UNIQUE,
    -- 'open' or 'closed'
    status          TEXT NOT NULL DEFAULT 'open',
    closed_on       TEXT,
    closed_reason   TEXT,
    idva_user_id    TEXT REFERENCES users(id),
    restricted      BIGINT NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1)),
    -- the victim record of the latest accepted referral, and its date of birth for matching
    victim_id       TEXT,
    victim_dob      TEXT,
    -- the latest date the case was heard at a MARAC (NULL: not heard yet)
    last_heard_on   TEXT,
    created_at      BIGINT NOT NULL
);
CREATE INDEX cases_victim_dob ON cases(victim_dob);

-- Normalised name keys of each case's victim (names, other names, word-sorted and joined forms).
CREATE TABLE case_name_keys (
    key     TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    PRIMARY KEY (key, case_id)
);
CREATE INDEX case_name_keys_case ON case_name_keys(case_id);

-- Each normalised word of those names, for search by part of a name (a surname alone).
CREATE TABLE case_name_words (
    word    TEXT NOT NULL,
    case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    PRIMARY KEY (word, case_id)
);
CREATE INDEX case_name_words_case ON case_name_words(case_id);

CREATE TABLE case_hearings (
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    meeting_id  TEXT REFERENCES meetings(id),
    heard_on    TEXT NOT NULL,
    PRIMARY KEY (case_id, heard_on)
);

-- How other agencies work with a case (need-to-know).
CREATE TABLE case_agencies (
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    -- 'victim', 'perpetrator' or 'household'
    involvement TEXT NOT NULL,
    PRIMARY KEY (case_id, agency_id, involvement)
);
CREATE INDEX case_agencies_agency ON case_agencies(agency_id);

CREATE TABLE referrals (
    id                  TEXT PRIMARY KEY,
    reference           TEXT UNIQUE,
    -- 'draft', 'submitted', 'more_information_requested', 'accepted', 'rejected'
    status              TEXT NOT NULL,
    referrer_user_id    TEXT NOT NULL REFERENCES users(id),
    agency_id           TEXT NOT NULL REFERENCES agencies(id),
    -- the form as typed, kept only while it is a draft
    draft_json          TEXT,
    referred_on         TEXT,
    latest_incident_on  TEXT,
    -- 24 letters y/n/k when the DASH checklist was completed
    dash_answers        TEXT,
    dash_score          BIGINT,
    professional_judgement TEXT,
    police_callouts     BIGINT,
    believed_repeat     BIGINT NOT NULL DEFAULT 0 CHECK (believed_repeat IN (0, 1)),
    -- comma-separated criteria met
    criteria            TEXT,
    consent             TEXT,
    consent_reason      TEXT,
    summary_markdown    TEXT,
    -- triage
    repeat_of_case_id   TEXT REFERENCES cases(id),
    -- 'confirmed' or 'rejected' per candidate, as JSON {case_id: decision}
    repeat_decisions    TEXT NOT NULL DEFAULT '{}',
    information_request TEXT,
    information_reply   TEXT,
    case_id             TEXT REFERENCES cases(id),
    meeting_id          TEXT REFERENCES meetings(id),
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL,
    submitted_at        BIGINT,
    decided_at          BIGINT,
    decided_by          TEXT REFERENCES users(id)
);
CREATE INDEX referrals_status ON referrals(status, submitted_at);
CREATE INDEX referrals_referrer ON referrals(referrer_user_id, updated_at);
CREATE INDEX referrals_case ON referrals(case_id);

CREATE TABLE victims (
    id                  TEXT PRIMARY KEY,
    referral_id         TEXT NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    other_names         TEXT NOT NULL DEFAULT '[]',
    date_of_birth       TEXT,
    gender              TEXT,
    ethnicity           TEXT,
    disability          TEXT,
    sexual_orientation  TEXT,
    first_language      TEXT,
    interpreter_needed  BIGINT NOT NULL DEFAULT 0 CHECK (interpreter_needed IN (0, 1)),
    address             TEXT,
    safe_contact        TEXT,
    safe_times          TEXT
);
CREATE INDEX victims_referral ON victims(referral_id);

CREATE TABLE perpetrators (
    id              TEXT PRIMARY KEY,
    referral_id     TEXT NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    name            TEXT NOT NULL,
    other_names     TEXT NOT NULL DEFAULT '[]',
    date_of_birth   TEXT,
    gender          TEXT,
    address         TEXT,
    relationship    TEXT NOT NULL
);
CREATE INDEX perpetrators_referral ON perpetrators(referral_id);

CREATE TABLE household_members (
    id              TEXT PRIMARY KEY,
    referral_id     TEXT NOT NULL REFERENCES referrals(id) ON DELETE CASCADE,
    position        BIGINT NOT NULL,
    name            TEXT NOT NULL,
    date_of_birth   TEXT,
    relationship    TEXT NOT NULL,
    involvement     TEXT
);
CREATE INDEX household_referral ON household_members(referral_id);

CREATE TABLE agenda_items (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id),
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    referral_id TEXT REFERENCES referrals(id),
    position    BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, case_id)
);
CREATE INDEX agenda_items_case ON agenda_items(case_id);

-- What remains of a rejected referral: an anonymous count by agency and month.
CREATE TABLE rejected_referral_counts (
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    month       TEXT NOT NULL,
    count       BIGINT NOT NULL,
    PRIMARY KEY (agency_id, month)
);

-- Installation secrets, e.g. the key that hashes search terms in the audit log.
CREATE TABLE settings (
    name    TEXT PRIMARY KEY,
    value   TEXT NOT NULL
);
