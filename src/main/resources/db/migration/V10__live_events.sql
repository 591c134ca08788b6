-- Live events (DSA Art 34/35): broadcast delay, moderator cuts, the kill switch, event risk records.

-- Seconds (0-30) the listeners' outputs run behind the live mix; 0 = no delay stage at all.
ALTER TABLE spaces ADD COLUMN broadcast_delay_seconds INT DEFAULT 0 NOT NULL;

-- Audio a moderator cut from the delay before it aired. The recording keeps what was said (evidence);
-- the replay silences these ranges. from_ms/to_ms are on the space's timeline (= replay position).
CREATE TABLE broadcast_cuts (
    id         VARCHAR(32) NOT NULL PRIMARY KEY,
    space_id   VARCHAR(32) NOT NULL REFERENCES spaces (id),
    from_ms    BIGINT      NOT NULL,
    to_ms      BIGINT      NOT NULL,
    frames     INT         NOT NULL,
    cut_by     VARCHAR(32) NOT NULL REFERENCES users (id),
    cut_at     TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX broadcast_cuts_space ON broadcast_cuts (space_id, from_ms);

-- A recording taken off air by the kill switch is withheld: never published as a replay.
ALTER TABLE recordings ADD COLUMN withheld BOOLEAN DEFAULT FALSE NOT NULL;
-- The replay as it aired (cut ranges silenced), when it differs from the recording; else NULL.
ALTER TABLE recordings ADD COLUMN aired_file VARCHAR(1000);

-- Spaces a moderator took off air with the kill switch, and why.
CREATE TABLE space_kills (
    space_id  VARCHAR(32)   NOT NULL PRIMARY KEY REFERENCES spaces (id),
    killed_by VARCHAR(32)   NOT NULL REFERENCES users (id),
    killed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    reason    VARCHAR(2000) NOT NULL
);

-- The event risk record of a scheduled (or live) space: expected audience and the measures taken.
CREATE TABLE event_risk_records (
    space_id          VARCHAR(32)   NOT NULL PRIMARY KEY REFERENCES spaces (id),
    expected_audience INT           NOT NULL,
    measures          VARCHAR(8000) NOT NULL,
    updated_by        VARCHAR(32)   NOT NULL REFERENCES users (id),
    updated_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
