-- Every trigger not yet executed, failed or expired, with its timers: when to send it (again) and when it
-- expires. Kept by a subscribing processor in the transaction that appends the trigger's events; claimed by
-- whichever instance polls first (FOR UPDATE SKIP LOCKED), so the timers survive any process and fire once.
-- One row per device at most: at most one trigger in flight per device.
CREATE TABLE trigger_inflight (
    trigger_id      TEXT PRIMARY KEY,
    device_id       TEXT        NOT NULL UNIQUE,
    org             TEXT        NOT NULL,
    type            TEXT        NOT NULL,
    label           TEXT        NOT NULL,
    state           TEXT        NOT NULL,
    issued_at       TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL,
    scheduled_for   TIMESTAMPTZ,
    sends           INT         NOT NULL DEFAULT 0,
    next_send_at    TIMESTAMPTZ,
    expiry_claimed_until TIMESTAMPTZ,
    -- the trigger's last event's sequence number: what the batch path appends after, without loading the aggregate
    last_seq        BIGINT      NOT NULL DEFAULT 0
);
CREATE INDEX trigger_inflight_send ON trigger_inflight (next_send_at) WHERE next_send_at IS NOT NULL;
CREATE INDEX trigger_inflight_expiry ON trigger_inflight (expires_at);

-- Which device is connected where, over which transport: one row per open connection, refreshed by the
-- instance holding it; a row not refreshed within the presence timeout is a connection that died with its instance.
CREATE TABLE device_presence (
    connection_id TEXT PRIMARY KEY,
    device_id     TEXT        NOT NULL,
    org           TEXT        NOT NULL,
    transport     TEXT        NOT NULL,
    instance_id   TEXT        NOT NULL,
    connected_at  TIMESTAMPTZ NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX device_presence_device ON device_presence (device_id);
CREATE INDEX device_presence_org ON device_presence (org, seen_at);
