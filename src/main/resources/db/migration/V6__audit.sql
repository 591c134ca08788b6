-- Append-only, hash-chained log of trust & safety actions: each entry's hash covers the previous
-- entry's hash, so an edited or deleted entry breaks the chain (`stentor audit verify`).
CREATE TABLE audit_log (
    seq       BIGINT        NOT NULL PRIMARY KEY,
    at        TIMESTAMP WITH TIME ZONE NOT NULL,
    actor     VARCHAR(32),
    action    VARCHAR(64)   NOT NULL,
    subject   VARCHAR(64),
    details   VARCHAR(4000) NOT NULL,
    prev_hash VARCHAR(64)   NOT NULL,
    hash      VARCHAR(64)   NOT NULL
);
