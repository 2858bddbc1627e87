-- What the referrer is told of a referral the coordinator rejected: that it was, when, and the
-- reason's category. The referral itself, and everything personal in it, is destroyed.
CREATE TABLE rejected_referral_notices (
    referral_id       TEXT PRIMARY KEY,
    reference         TEXT NOT NULL,
    referrer_user_id  TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    reason            TEXT NOT NULL,
    rejected_at       BIGINT NOT NULL
);
CREATE INDEX rejected_referral_notices_referrer ON rejected_referral_notices (referrer_user_id, rejected_at);
