-- The command side's own lookup tables (not a read model for users): what admission must know to decide a
-- request. Written by a subscribing processor in the same transaction as the events, so never behind.
CREATE TABLE admission_template (
    template_id  TEXT PRIMARY KEY,
    name         TEXT    NOT NULL,
    os_type      TEXT    NOT NULL,
    protocol     TEXT    NOT NULL,
    proxmox_vmid INTEGER NOT NULL,
    cpu_cores    INTEGER NOT NULL,
    ram_mb       INTEGER NOT NULL,
    disk_gb      INTEGER NOT NULL,
    tags         TEXT    NOT NULL,
    active       BOOLEAN NOT NULL
);

CREATE TABLE admission_node (
    node     TEXT PRIMARY KEY,
    hostname TEXT    NOT NULL,
    status   TEXT    NOT NULL,
    max_vms  INTEGER NOT NULL
);

-- state: PROVISIONING, ACTIVE (count toward quota); ENDING (still holds a VM); GONE
CREATE TABLE admission_session (
    session_id TEXT PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    node       TEXT    NOT NULL,
    ram_mb     INTEGER NOT NULL,
    state      TEXT    NOT NULL
);
CREATE INDEX admission_session_user ON admission_session (user_id) WHERE state IN ('PROVISIONING', 'ACTIVE');
CREATE INDEX admission_session_node ON admission_session (node) WHERE state <> 'GONE';
