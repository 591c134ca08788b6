-- Keys the nodes share (e.g. the one that signs join tickets), made once by the first node to start.
CREATE TABLE server_secrets (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    secret     VARCHAR(128) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL
);
