-- Trust & safety (DSA): notices (Art 16), moderation decisions and their statements of reasons (Art 17).

-- A demoted space is not amplified: it leaves discovery lists, but stays reachable by its link.
ALTER TABLE spaces ADD COLUMN demoted BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE notices (
    id             VARCHAR(32)   NOT NULL PRIMARY KEY,
    received_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    notifier_id    VARCHAR(32)   REFERENCES users (id),
    notifier_name  VARCHAR(400),
    notifier_email VARCHAR(640),
    trusted        BOOLEAN       NOT NULL,
    category       VARCHAR(64)   NOT NULL,
    explanation    VARCHAR(10000) NOT NULL,
    good_faith     BOOLEAN       NOT NULL,
    state          VARCHAR(16)   NOT NULL,
    decision_id    VARCHAR(32)
);
CREATE INDEX notices_queue ON notices (state, trusted, received_at);

-- Each reported thing: a space's audio (optionally a speaker and a time range), its title or
-- description, or a user's profile.
CREATE TABLE notice_items (
    notice_id   VARCHAR(32)  NOT NULL REFERENCES notices (id),
    seq         INT          NOT NULL,
    kind        VARCHAR(32)  NOT NULL,
    space_id    VARCHAR(32),
    speaker     VARCHAR(64),
    from_ms     BIGINT,
    to_ms       BIGINT,
    user_handle VARCHAR(64),
    PRIMARY KEY (notice_id, seq)
);

-- A moderation decision; the statement of reasons sent to the affected user is made from it.
CREATE TABLE decisions (
    id                  VARCHAR(32)   NOT NULL PRIMARY KEY,
    notice_id           VARCHAR(32)   REFERENCES notices (id),
    decided_by          VARCHAR(32)   NOT NULL REFERENCES users (id),
    decided_at          TIMESTAMP WITH TIME ZONE NOT NULL,
    action              VARCHAR(32)   NOT NULL,
    space_id            VARCHAR(32),
    affected_user_id    VARCHAR(32)   REFERENCES users (id),
    ground              VARCHAR(16)   NOT NULL,
    legal_ground        VARCHAR(1000),
    terms_version       VARCHAR(32),
    terms_clause        VARCHAR(200),
    explanation         VARCHAR(4000) NOT NULL,
    territorial_scope   VARCHAR(200)  NOT NULL,
    automated_detection BOOLEAN       NOT NULL,
    automated_decision  VARCHAR(32)   NOT NULL
);
CREATE INDEX decisions_affected ON decisions (affected_user_id, decided_at);
