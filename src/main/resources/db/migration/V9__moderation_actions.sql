-- Moderation widened (DSA Art 17, 20, 23): labels and age restriction on spaces, moderation mutes,
-- removed replays, account restrictions (suspension, termination, misuse), appeals by notifiers.

-- A label shown wherever the space is shown; an age-restricted space is for signed-in listeners only.
ALTER TABLE spaces ADD COLUMN label VARCHAR(200);
ALTER TABLE spaces ADD COLUMN age_restricted BOOLEAN DEFAULT FALSE NOT NULL;

-- A replay removed by moderation is gone for everyone (the file is kept while the decision can be appealed).
ALTER TABLE recordings ADD COLUMN removed BOOLEAN DEFAULT FALSE NOT NULL;

-- Until when the account is restricted (suspended, or terminated: far future); NULL when it is not.
-- Denormalised from account_restrictions so that authenticating a request reads one row.
ALTER TABLE users ADD COLUMN restricted_until TIMESTAMP WITH TIME ZONE;

-- What a decision acted on beyond the space: the speaker, the label, the cut range, the end date.
ALTER TABLE decisions ADD COLUMN target_user_id VARCHAR(32) REFERENCES users (id);
ALTER TABLE decisions ADD COLUMN label VARCHAR(200);
ALTER TABLE decisions ADD COLUMN from_ms BIGINT;
ALTER TABLE decisions ADD COLUMN to_ms BIGINT;
ALTER TABLE decisions ADD COLUMN ends_at TIMESTAMP WITH TIME ZONE;
-- The category of an own-initiative decision (a notice's decision takes the notice's).
ALTER TABLE decisions ADD COLUMN category VARCHAR(64);
-- A "no action" decision that found the notice manifestly unfounded (counts toward Art 23(2)).
ALTER TABLE decisions ADD COLUMN unfounded BOOLEAN DEFAULT FALSE NOT NULL;
-- Set when an appeal reversed the decision (what it restricted was restored).
ALTER TABLE decisions ADD COLUMN reversed_at TIMESTAMP WITH TIME ZONE;

-- A speaker muted by moderation stays muted in that space, whatever the host does, until reversed.
CREATE TABLE moderation_mutes (
    space_id    VARCHAR(32) NOT NULL REFERENCES spaces (id),
    user_id     VARCHAR(32) NOT NULL REFERENCES users (id),
    decision_id VARCHAR(32) NOT NULL REFERENCES decisions (id),
    PRIMARY KEY (space_id, user_id)
);

-- Restrictions of accounts: a suspension for a period, a termination, or (Art 23(2)) a suspension
-- of the processing of someone's notices. basis: 'decision' (a moderation decision) or
-- 'art23_illegal_content' / 'art23_unfounded_notices' / 'art23_unfounded_complaints' (misuse policy).
CREATE TABLE account_restrictions (
    id          VARCHAR(32)  NOT NULL PRIMARY KEY,
    user_id     VARCHAR(32)  NOT NULL REFERENCES users (id),
    kind        VARCHAR(24)  NOT NULL,
    basis       VARCHAR(40)  NOT NULL,
    starts_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    ends_at     TIMESTAMP WITH TIME ZONE,
    decision_id VARCHAR(32)  REFERENCES decisions (id),
    reason      VARCHAR(1000) NOT NULL,
    lifted_at   TIMESTAMP WITH TIME ZONE
);
CREATE INDEX account_restrictions_user ON account_restrictions (user_id, kind);

-- Warnings given before a misuse suspension (Art 23(3)): one per user and policy.
CREATE TABLE misuse_warnings (
    user_id   VARCHAR(32) NOT NULL REFERENCES users (id),
    policy    VARCHAR(40) NOT NULL,
    warned_at TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (user_id, policy)
);

-- Notices of a notifier who keeps sending manifestly unfounded ones are queued last.
ALTER TABLE notices ADD COLUMN deprioritised BOOLEAN DEFAULT FALSE NOT NULL;

-- Appeals by the notifier too (also against "no action"); an anonymous notifier appeals with the
-- follow-up key of their receipt, so the appellant may be no account.
ALTER TABLE appeals ADD COLUMN appellant_role VARCHAR(16) DEFAULT 'affected' NOT NULL;
ALTER TABLE appeals ALTER COLUMN appellant_id DROP NOT NULL;
