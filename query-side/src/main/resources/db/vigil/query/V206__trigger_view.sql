-- Capture triggers as a device's organisation sees them (trigger-views processor).
CREATE TABLE trigger_view (
    trigger_id     TEXT PRIMARY KEY,
    device_id      TEXT        NOT NULL,
    org            TEXT        NOT NULL,
    type           TEXT        NOT NULL,
    label          TEXT        NOT NULL,
    state          TEXT        NOT NULL,
    issued_at      TIMESTAMPTZ NOT NULL,
    expires_at     TIMESTAMPTZ NOT NULL,
    scheduled_for  TIMESTAMPTZ,
    transport      TEXT,
    sent_at        TIMESTAMPTZ,
    delivered_at   TIMESTAMPTZ,
    ended_at       TIMESTAMPTZ,
    failure_reason TEXT,
    last_sequence  BIGINT      NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX trigger_view_device ON trigger_view (device_id, issued_at DESC, trigger_id DESC);

-- When the device last reported (an ack or a capture), and the run its last scheduled trigger was for.
ALTER TABLE device_view ADD COLUMN last_seen_at TIMESTAMPTZ;
ALTER TABLE device_view ADD COLUMN last_scheduled_for TIMESTAMPTZ;
