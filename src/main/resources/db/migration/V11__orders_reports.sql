-- Orders from Member States' authorities (DSA Art 9: act against illegal content; Art 10: provide
-- information), with the moment each was received, acknowledged and given effect.
CREATE TABLE authority_orders (
    id                VARCHAR(32)   NOT NULL PRIMARY KEY,
    kind              VARCHAR(32)   NOT NULL,
    authority         VARCHAR(300)  NOT NULL,
    member_state      VARCHAR(2)    NOT NULL,
    reference         VARCHAR(200)  NOT NULL,
    legal_basis       VARCHAR(1000) NOT NULL,
    category          VARCHAR(64)   NOT NULL,
    space_id          VARCHAR(32)   REFERENCES spaces (id),
    user_handle       VARCHAR(64),
    content_from      TIMESTAMP WITH TIME ZONE,
    content_to        TIMESTAMP WITH TIME ZONE,
    territorial_scope VARCHAR(200)  NOT NULL,
    scope_note        VARCHAR(2000),
    state             VARCHAR(16)   NOT NULL,
    received_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    recorded_by       VARCHAR(32)   NOT NULL REFERENCES users (id),
    acknowledged_at   TIMESTAMP WITH TIME ZONE,
    acknowledged_by   VARCHAR(32)   REFERENCES users (id),
    effected_at       TIMESTAMP WITH TIME ZONE,
    effected_by       VARCHAR(32)   REFERENCES users (id),
    given_effect      BOOLEAN,
    effect            VARCHAR(4000),
    decision_id       VARCHAR(32)   REFERENCES decisions (id)
);
CREATE INDEX authority_orders_received ON authority_orders (received_at);
CREATE INDEX authority_orders_state ON authority_orders (state, received_at);

-- Threats to life or safety (Art 18): the space's audio is copied at once to an evidence file that
-- nothing else deletes (its SHA-256 kept here); informing the authorities closes the escalation.
CREATE TABLE escalations (
    id                 VARCHAR(32)   NOT NULL PRIMARY KEY,
    notice_id          VARCHAR(32)   REFERENCES notices (id),
    space_id           VARCHAR(32)   NOT NULL REFERENCES spaces (id),
    reason             VARCHAR(4000) NOT NULL,
    state              VARCHAR(16)   NOT NULL,
    escalated_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    escalated_by       VARCHAR(32)   NOT NULL REFERENCES users (id),
    space_was_live     BOOLEAN       NOT NULL,
    evidence_file      VARCHAR(1000),
    evidence_sha256    VARCHAR(64),
    evidence_bytes     BIGINT,
    informed_authority VARCHAR(300),
    informed_reference VARCHAR(200),
    informed_at        TIMESTAMP WITH TIME ZONE,
    informed_by        VARCHAR(32)   REFERENCES users (id)
);
CREATE INDEX escalations_queue ON escalations (state, escalated_at);

-- Recipients seen per calendar month (Art 24(2)): only a keyed hash (HMAC with a server secret,
-- under a key of its own per month), so no id is stored and months cannot be linked.
CREATE TABLE active_recipients (
    month_key VARCHAR(7)  NOT NULL,
    recipient VARCHAR(32) NOT NULL,
    PRIMARY KEY (month_key, recipient)
);

-- Transparency reports (Art 15, 24) an admin published: a snapshot of the figures, never recomputed.
CREATE TABLE transparency_reports (
    id           VARCHAR(32)     NOT NULL PRIMARY KEY,
    period_from  DATE            NOT NULL,
    period_to    DATE            NOT NULL,
    published_at TIMESTAMP WITH TIME ZONE NOT NULL,
    published_by VARCHAR(32)     NOT NULL REFERENCES users (id),
    figures      VARCHAR(200000) NOT NULL
);
