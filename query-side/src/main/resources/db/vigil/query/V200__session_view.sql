-- The read model of VM sessions, folded from VmSession's events by the "session-views" processor.
-- Internals (vmid, guest_address, connection_id, errors) are kept for admins; the engineer API never shows them.
-- last_sequence is the aggregate sequence number of the last event applied: a handler writes only when its
-- event is newer, so a redelivered or stale event cannot roll the row back. updated_at is that event's time.
CREATE TABLE session_view (
    session_id      TEXT PRIMARY KEY,
    user_id         TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('provisioning', 'active', 'ending', 'ended', 'expired', 'failed')),
    template_id     TEXT        NOT NULL,
    template_name   TEXT        NOT NULL,
    os_type         TEXT        NOT NULL,
    protocol        TEXT        NOT NULL,
    node_name       TEXT        NOT NULL,
    vmid            INTEGER,
    -- set when the VM is gone; a session holds a VM while vmid is set and this is not
    vm_destroyed_at TIMESTAMPTZ,
    guest_address   TEXT,
    connection_id   TEXT,
    guacamole_url   TEXT,
    requested_at    TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    ended_at        TIMESTAMPTZ,
    failure_reason  TEXT,
    retry_attempt   INTEGER     NOT NULL DEFAULT 0,
    last_error      TEXT,
    last_sequence   BIGINT      NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX session_view_user ON session_view (user_id, requested_at DESC);
CREATE INDEX session_view_requested ON session_view (requested_at DESC);
CREATE INDEX session_view_holding_vm ON session_view (node_name) WHERE vmid IS NOT NULL AND vm_destroyed_at IS NULL;
