-- Alerts for admins (a session failed for good, a VM could not be removed). The id is the event's identifier,
-- so an event handled twice inserts one row.
CREATE TABLE admin_alert (
    id         TEXT PRIMARY KEY,
    session_id TEXT        NOT NULL,
    message    TEXT        NOT NULL,
    raised_at  TIMESTAMPTZ NOT NULL
);

CREATE INDEX admin_alert_raised ON admin_alert (raised_at DESC);
CREATE INDEX admin_alert_session ON admin_alert (session_id);
