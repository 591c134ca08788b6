-- Appeals against moderation decisions (DSA Art 20): open for 6 months, decided by another moderator.
CREATE TABLE appeals (
    id           VARCHAR(32)   NOT NULL PRIMARY KEY,
    decision_id  VARCHAR(32)   NOT NULL REFERENCES decisions (id),
    appellant_id VARCHAR(32)   NOT NULL REFERENCES users (id),
    filed_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    explanation  VARCHAR(4000) NOT NULL,
    state        VARCHAR(16)   NOT NULL,
    decided_by   VARCHAR(32)   REFERENCES users (id),
    decided_at   TIMESTAMP WITH TIME ZONE,
    reply        VARCHAR(4000)
);
CREATE INDEX appeals_open ON appeals (state, filed_at);
