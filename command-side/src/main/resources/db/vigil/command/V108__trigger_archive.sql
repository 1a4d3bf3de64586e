-- Closed triggers (executed, failed, expired) waiting to leave the event store, oldest first: what the archiver
-- takes, without scanning the event store for them.
CREATE TABLE trigger_closed (
    trigger_id TEXT PRIMARY KEY,
    issued_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX trigger_closed_issued ON trigger_closed (issued_at);

-- The events of closed triggers older than the event store's window (vigil.triggers.archive.after), moved out
-- of domainevententry unchanged, one partition per day of issue: a day is dropped (or exported, then dropped)
-- whole when it is older than vigil.triggers.archive.keep. Same columns as the event store, so the auditors'
-- tools read both alike.
CREATE TABLE trigger_event_archive (
    issued_day          DATE         NOT NULL,
    globalindex         BIGINT       NOT NULL,
    aggregateidentifier VARCHAR(255) NOT NULL,
    sequencenumber      BIGINT       NOT NULL,
    type                VARCHAR(255),
    eventidentifier     VARCHAR(255) NOT NULL,
    metadata            BYTEA,
    payload             BYTEA        NOT NULL,
    payloadrevision     VARCHAR(255),
    payloadtype         VARCHAR(255) NOT NULL,
    "timestamp"         VARCHAR(255) NOT NULL
) PARTITION BY RANGE (issued_day);
CREATE INDEX trigger_event_archive_aggregate ON trigger_event_archive (aggregateidentifier, sequencenumber);
