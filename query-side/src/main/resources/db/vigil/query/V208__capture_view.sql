-- Captures as a device's organisation sees them (capture-views processor): the image's facts (never the image),
-- the device's and the server's clocks, and the evaluation in the API's shape.
CREATE TABLE capture_view (
    capture_id          TEXT PRIMARY KEY,
    device_id           TEXT        NOT NULL,
    org                 TEXT        NOT NULL,
    trigger_id          TEXT,
    trigger_type        TEXT        NOT NULL,
    trigger_label       TEXT        NOT NULL,
    captured_at         TIMESTAMPTZ NOT NULL,
    received_at         TIMESTAMPTZ NOT NULL,
    clock_skewed        BOOLEAN     NOT NULL,
    content_type        TEXT        NOT NULL,
    size                BIGINT      NOT NULL,
    width               INT         NOT NULL,
    height              INT         NOT NULL,
    blob_key            TEXT        NOT NULL,
    sha256              TEXT        NOT NULL,
    metadata            JSONB       NOT NULL,
    evaluation_status   TEXT        NOT NULL,
    evaluation          JSONB,
    evaluation_attempts INT         NOT NULL DEFAULT 0,
    evaluation_failure  TEXT,
    evaluated_at        TIMESTAMPTZ,
    detection_classes   TEXT[]      NOT NULL DEFAULT '{}',
    image_purged_at     TIMESTAMPTZ,
    purge_reason        TEXT,
    last_sequence       BIGINT      NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX capture_view_device ON capture_view (device_id, captured_at DESC, capture_id DESC);
CREATE INDEX capture_view_classes ON capture_view USING GIN (detection_classes);
-- the device report: a time range of one device's captures and triggers
CREATE INDEX capture_view_device_received ON capture_view (device_id, received_at);
CREATE INDEX trigger_view_device_issued ON trigger_view (device_id, issued_at);
