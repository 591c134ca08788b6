-- Spaces: the control plane of a live conversation.
-- Text columns are twice the product limit: H2 counts UTF-16 units, so an emoji takes two.
CREATE TABLE spaces (
    id               VARCHAR(32)   NOT NULL PRIMARY KEY,
    host_id          VARCHAR(32)   NOT NULL REFERENCES users (id),
    title            VARCHAR(240)  NOT NULL,
    description      VARCHAR(4000),
    language         VARCHAR(35)   NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    recording_policy VARCHAR(32)   NOT NULL,
    scheduled_start  TIMESTAMP WITH TIME ZONE,
    started_at       TIMESTAMP WITH TIME ZONE,
    ended_at         TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX spaces_state ON spaces (state, scheduled_start);
CREATE INDEX spaces_host ON spaces (host_id);

-- People on stage (host, co-hosts, speakers). Listeners are not stored: presence is live state.
CREATE TABLE stage_members (
    space_id      VARCHAR(32) NOT NULL REFERENCES spaces (id),
    user_id       VARCHAR(32) NOT NULL REFERENCES users (id),
    role          VARCHAR(16) NOT NULL,
    muted         BOOLEAN     NOT NULL,
    muted_by_host BOOLEAN     NOT NULL,
    since         TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (space_id, user_id)
);

-- Requests to speak: an ordered queue per space (seq breaks ties of equal timestamps).
CREATE TABLE speak_requests (
    space_id     VARCHAR(32) NOT NULL REFERENCES spaces (id),
    user_id      VARCHAR(32) NOT NULL REFERENCES users (id),
    requested_at TIMESTAMP WITH TIME ZONE NOT NULL,
    seq          BIGINT      NOT NULL,
    PRIMARY KEY (space_id, user_id)
);

-- Invitations to the stage, waiting for the invitee to accept.
CREATE TABLE stage_invites (
    space_id   VARCHAR(32) NOT NULL REFERENCES spaces (id),
    user_id    VARCHAR(32) NOT NULL REFERENCES users (id),
    role       VARCHAR(16) NOT NULL,
    invited_by VARCHAR(32) NOT NULL REFERENCES users (id),
    invited_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (space_id, user_id)
);

CREATE TABLE space_blocks (
    space_id   VARCHAR(32) NOT NULL REFERENCES spaces (id),
    user_id    VARCHAR(32) NOT NULL REFERENCES users (id),
    blocked_by VARCHAR(32) NOT NULL REFERENCES users (id),
    blocked_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (space_id, user_id)
);

CREATE TABLE space_follows (
    space_id    VARCHAR(32) NOT NULL REFERENCES spaces (id),
    user_id     VARCHAR(32) NOT NULL REFERENCES users (id),
    followed_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (space_id, user_id)
);

-- In-app notifications (reminders, invitations), newest first per user.
CREATE TABLE notifications (
    id         VARCHAR(32)  NOT NULL PRIMARY KEY,
    user_id    VARCHAR(32)  NOT NULL REFERENCES users (id),
    kind       VARCHAR(32)  NOT NULL,
    space_id   VARCHAR(32)  REFERENCES spaces (id),
    message    VARCHAR(1000) NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE NOT NULL,
    read_at    TIMESTAMP WITH TIME ZONE
);
CREATE INDEX notifications_user ON notifications (user_id, created_at);
