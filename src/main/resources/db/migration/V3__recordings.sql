-- Recordings of live spaces (one Ogg Opus file per space) and whether their replay is public.
CREATE TABLE recordings (
    space_id    VARCHAR(32)  NOT NULL PRIMARY KEY REFERENCES spaces (id),
    file        VARCHAR(1000) NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    published   BOOLEAN      NOT NULL,
    duration_ms BIGINT       NOT NULL,
    bytes       BIGINT       NOT NULL,
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at    TIMESTAMP WITH TIME ZONE
);
