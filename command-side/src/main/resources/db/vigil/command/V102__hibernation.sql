-- Hibernation: a hibernating session holds a VM (on disk) but no quota; a resuming one holds both.
-- state: PROVISIONING, ACTIVE, SUSPENDING, RESUMING (count toward quota); HIBERNATING, ENDING (hold a VM); GONE
ALTER TABLE admission_session ADD COLUMN expires_at TIMESTAMPTZ;
DROP INDEX admission_session_user;
CREATE INDEX admission_session_user ON admission_session (user_id)
    WHERE state IN ('PROVISIONING', 'ACTIVE', 'SUSPENDING', 'RESUMING');

-- What the idle sweep watches, one row per session that has been active. Activity itself is not an event (a
-- heartbeat a minute per VM would drown the store); the decisions taken from it are.
-- state: ACTIVE, WARNED (idle warning running), PAUSED (suspending, hibernating or resuming)
CREATE TABLE session_activity (
    session_id       TEXT PRIMARY KEY,
    connection_id    TEXT,
    state            TEXT        NOT NULL,
    last_activity_at TIMESTAMPTZ NOT NULL,
    warned_at        TIMESTAMPTZ
);
CREATE INDEX session_activity_watched ON session_activity (last_activity_at) WHERE state IN ('ACTIVE', 'WARNED');
