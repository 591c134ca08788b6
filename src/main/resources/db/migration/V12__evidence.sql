-- Evidence for trust & safety: the audio range a notice names (DSA Art 16 location), preserved
-- apart from the recording, so that removing a replay does not destroy it, and deleted when the
-- appeal window of the decision closes (see docs/TRUST_AND_SAFETY.md, "Evidence and retention").
-- state: PENDING (part of the range may still be recorded), KEPT (final, file present),
-- UNAVAILABLE (nothing could be preserved), DELETED (removed under the retention policy).
CREATE TABLE evidence (
    notice_id    VARCHAR(32)   NOT NULL REFERENCES notices (id),
    seq          INT           NOT NULL,
    space_id     VARCHAR(32)   NOT NULL,
    from_ms      BIGINT        NOT NULL,
    to_ms        BIGINT        NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    file         VARCHAR(1000),
    clip_from_ms BIGINT,
    clip_to_ms   BIGINT,
    bytes        BIGINT        NOT NULL,
    captured_at  TIMESTAMP WITH TIME ZONE,
    deleted_at   TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (notice_id, seq)
);
CREATE INDEX evidence_state ON evidence (state);
CREATE INDEX evidence_space ON evidence (space_id, state);

-- When the notice's personal data (notifier name, email, explanation) was deleted under the
-- retention policy; the category, counts and timestamps stay for the transparency report.
ALTER TABLE notices ADD COLUMN redacted_at TIMESTAMP WITH TIME ZONE;
