-- How a trigger ended, so a late upload for it learns why it cannot take a capture (rows older than the
-- archive's window are gone with the trigger's events; such an upload is told the trigger is not found).
ALTER TABLE trigger_closed ADD COLUMN device_id TEXT, ADD COLUMN state TEXT;

-- What the command side knows of each capture: who uploaded it for which trigger (a repeat answers the first),
-- where its image is, whether its evaluation is done and whether the image was purged. Kept by a subscribing
-- processor in the transaction that appends the capture's events.
CREATE TABLE capture_registry (
    capture_id      TEXT PRIMARY KEY,
    device_id       TEXT        NOT NULL,
    org             TEXT        NOT NULL,
    trigger_id      TEXT,
    idempotency_key TEXT,
    blob_key        TEXT        NOT NULL,
    size            BIGINT      NOT NULL,
    captured_at     TIMESTAMPTZ NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    evaluation      TEXT        NOT NULL DEFAULT 'PENDING',
    purged_at       TIMESTAMPTZ
);
-- one capture per trigger and per idempotency key of a device: a repeat, even concurrent, cannot store twice
CREATE UNIQUE INDEX capture_registry_trigger ON capture_registry (device_id, trigger_id) WHERE trigger_id IS NOT NULL;
CREATE UNIQUE INDEX capture_registry_idempotency ON capture_registry (device_id, idempotency_key)
    WHERE idempotency_key IS NOT NULL;
-- the device's capture before a given one (motion is measured against it): one backward index step
CREATE INDEX capture_registry_device ON capture_registry (device_id, captured_at, capture_id);
CREATE INDEX capture_registry_retention ON capture_registry (org, received_at) WHERE purged_at IS NULL;
CREATE INDEX capture_registry_blob ON capture_registry (blob_key) WHERE purged_at IS NULL;

-- Captures waiting for their evaluation, and their retries: claimed with FOR UPDATE SKIP LOCKED by any instance
-- for a lease, so an evaluation a crash interrupted is taken up again when the lease runs out.
CREATE TABLE capture_evaluation_queue (
    capture_id    TEXT PRIMARY KEY,
    device_id     TEXT        NOT NULL,
    received_at   TIMESTAMPTZ NOT NULL,
    due_at        TIMESTAMPTZ NOT NULL,
    attempts      INT         NOT NULL DEFAULT 0,
    claimed_until TIMESTAMPTZ
);
CREATE INDEX capture_evaluation_due ON capture_evaluation_queue (due_at);
