-- Accounts and login sessions. Portable SQL: runs unchanged on H2 and PostgreSQL.
CREATE TABLE users (
    id            VARCHAR(32)  NOT NULL PRIMARY KEY,
    handle        VARCHAR(32)  NOT NULL,
    handle_key    VARCHAR(32)  NOT NULL,
    display_name  VARCHAR(128) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    role          VARCHAR(20)  NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT users_handle_key_unique UNIQUE (handle_key)
);

CREATE TABLE sessions (
    id          VARCHAR(32) NOT NULL PRIMARY KEY,
    user_id     VARCHAR(32) NOT NULL REFERENCES users (id),
    token_hash  VARCHAR(64) NOT NULL,
    kind        VARCHAR(10) NOT NULL,
    name        VARCHAR(64),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    CONSTRAINT sessions_token_unique UNIQUE (token_hash)
);
CREATE INDEX sessions_user ON sessions (user_id);
