-- Axon's sequenced dead-letter queue (JdbcSequencedDeadLetterQueue, DeadLetterSchema.defaultSchema()): events a
-- projection could not handle, with every later event of the same sequence (aggregate), until an admin retries
-- them. Axon's generic DDL uses BLOB, which PostgreSQL lacks; Axon stores its timestamps as text.
-- causemessage is TEXT, not Axon's VARCHAR(1023): the JDBC queue stores the exception's message untruncated, and
-- an SQL error quotes its statement and the failing row, so a longer one would fail the insert, abort the batch's
-- transaction and stall the segment the queue is there to keep moving.

CREATE TABLE deadletterentry (
    deadletteridentifier VARCHAR(255) NOT NULL PRIMARY KEY,
    processinggroup      VARCHAR(255) NOT NULL,
    sequenceidentifier   VARCHAR(255) NOT NULL,
    sequenceindex        BIGINT       NOT NULL,
    messagetype          VARCHAR(255) NOT NULL,
    eventidentifier      VARCHAR(255) NOT NULL,
    "timestamp"          VARCHAR(255) NOT NULL,
    payloadtype          VARCHAR(255) NOT NULL,
    payloadrevision      VARCHAR(255),
    payload              BYTEA        NOT NULL,
    metadata             BYTEA,
    type                 VARCHAR(255),
    aggregateidentifier  VARCHAR(255),
    sequencenumber       BIGINT,
    tokentype            VARCHAR(255),
    token                BYTEA,
    enqueuedat           VARCHAR(255) NOT NULL,
    lasttouched          VARCHAR(255),
    processingstarted    VARCHAR(255),
    causetype            VARCHAR(255),
    causemessage         TEXT,
    diagnostics          BYTEA,
    CONSTRAINT deadletterentry_sequence UNIQUE (processinggroup, sequenceidentifier, sequenceindex)
);
CREATE INDEX deadletterentry_group ON deadletterentry (processinggroup);
CREATE INDEX deadletterentry_group_seq ON deadletterentry (processinggroup, sequenceidentifier);
