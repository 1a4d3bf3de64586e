-- Templates and nodes as the registry's events say, for GET /api/v1/templates and the admins' node view.
-- Both are event-sourced aggregates, so the same last_sequence guard as session_view applies.
CREATE TABLE template_view (
    template_id   TEXT PRIMARY KEY,
    name          TEXT        NOT NULL,
    os_type       TEXT        NOT NULL,
    protocol      TEXT        NOT NULL,
    proxmox_vmid  INTEGER     NOT NULL,
    cpu_cores     INTEGER     NOT NULL,
    ram_mb        INTEGER     NOT NULL,
    disk_gb       INTEGER     NOT NULL,
    tags          TEXT[]      NOT NULL,
    active        BOOLEAN     NOT NULL,
    last_sequence BIGINT      NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE node_view (
    node_name     TEXT PRIMARY KEY,
    hostname      TEXT        NOT NULL,
    status        TEXT        NOT NULL,
    max_vms       INTEGER     NOT NULL,
    last_sequence BIGINT      NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
