-- Statements of reasons waiting to be submitted to the EU DSA Transparency Database (Art 24(5)).
-- A row is marked submitted only after the database accepted it; a duplicate puid on resubmission
-- (after a crash between the answer and the mark) counts as accepted, so nothing is sent twice.
CREATE TABLE tdb_outbox (
    puid         VARCHAR(32)    NOT NULL PRIMARY KEY,
    statement    VARCHAR(20000) NOT NULL,
    queued_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    submitted_at TIMESTAMP WITH TIME ZONE,
    attempts     INT            NOT NULL,
    last_error   VARCHAR(1000),
    rejected     BOOLEAN        NOT NULL
);
CREATE INDEX tdb_outbox_pending ON tdb_outbox (submitted_at, rejected, queued_at);
