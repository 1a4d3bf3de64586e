-- Cameras as their organisation's users see them (device-views processor).
CREATE TABLE device_view (
    device_id     TEXT PRIMARY KEY,
    org           TEXT        NOT NULL,
    friendly_name TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    time_zone     TEXT        NOT NULL,
    trigger       JSONB       NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    last_sequence BIGINT      NOT NULL
);
CREATE INDEX device_view_org ON device_view (org, device_id);

-- A device's keys, without the keys: when each was issued, until when it is valid, whether it was revoked.
CREATE TABLE device_key_view (
    device_id   TEXT        NOT NULL,
    key_id      TEXT        NOT NULL,
    issued_at   TIMESTAMPTZ NOT NULL,
    valid_until TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    PRIMARY KEY (device_id, key_id)
);
