-- What the command side must know of each camera to authenticate it, trigger it and schedule it: kept by a
-- subscribing processor in the transaction that appends the device's events, so it is never behind.
CREATE TABLE device_registry (
    device_id     TEXT PRIMARY KEY,
    org           TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    time_zone     TEXT        NOT NULL,
    trigger       JSONB       NOT NULL,
    registered_at TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    -- the scheduler's due-time index: when the device's next scheduled run is due (null: none, or not active)
    next_run_at   TIMESTAMPTZ,
    last_seen_at  TIMESTAMPTZ
);
CREATE INDEX device_registry_due ON device_registry (next_run_at) WHERE next_run_at IS NOT NULL;

-- Device API keys, by the SHA-256 of the key: the only form a key is ever kept in.
CREATE TABLE device_key (
    key_hash    TEXT PRIMARY KEY,
    key_id      TEXT        NOT NULL,
    device_id   TEXT        NOT NULL REFERENCES device_registry (device_id),
    issued_at   TIMESTAMPTZ NOT NULL,
    valid_until TIMESTAMPTZ,
    revoked_at  TIMESTAMPTZ,
    UNIQUE (device_id, key_id)
);
