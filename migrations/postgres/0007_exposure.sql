-- Who sees what, and when: each agency's research answer per case and meeting ("known to us"
-- about whom, or not known; what it holds but did not share, and why), and per-item attendance
-- (someone present at the meeting who was out of the room for one case).

CREATE TABLE research_answers (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    agency_id   TEXT NOT NULL REFERENCES agencies(id),
    -- comma-separated 'victim', 'perpetrator', 'household'; empty: not known to the agency
    known_about TEXT NOT NULL DEFAULT '',
    -- information held but not shared, and why (empty: nothing withheld)
    withheld    TEXT NOT NULL DEFAULT '',
    answered_by TEXT NOT NULL REFERENCES users(id),
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, case_id, agency_id)
);
CREATE INDEX research_answers_agency ON research_answers(agency_id, case_id);

CREATE TABLE item_absences (
    meeting_id  TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users(id),
    marked_by   TEXT NOT NULL REFERENCES users(id),
    marked_at   BIGINT NOT NULL,
    PRIMARY KEY (meeting_id, case_id, user_id)
);
CREATE INDEX item_absences_user ON item_absences(meeting_id, user_id);
