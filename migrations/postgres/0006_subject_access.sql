-- Subject access requests: the export is prepared already redacted, reviewed by the DPO, and
-- released only once approved. The subject's row id has no foreign key: the records it came
-- from may be purged while the request is kept for its own retention period.

CREATE TABLE subject_access_requests (
    id              TEXT PRIMARY KEY,
    subject_kind    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    subject_name    TEXT NOT NULL,
    export_json     TEXT NOT NULL,
    prepared_by     TEXT NOT NULL REFERENCES users(id),
    prepared_at     BIGINT NOT NULL,
    approved_by     TEXT REFERENCES users(id),
    approved_at     BIGINT
);
CREATE INDEX subject_access_prepared ON subject_access_requests(prepared_at);
