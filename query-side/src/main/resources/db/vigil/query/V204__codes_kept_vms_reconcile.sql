-- What engineers are told when something failed: a stable code (failure_code, e.g. clone_failed). The diagnostic
-- text stays in failure_reason / resume_failure / last_error, for admins only.
ALTER TABLE session_view ADD COLUMN failure_code TEXT;
-- The kept VM the session started from, or the one its VM was kept as when it ended (persistent sessions).
ALTER TABLE session_view ADD COLUMN kept_vm_id TEXT;
ALTER TABLE session_view ADD COLUMN session_type TEXT;
-- Teardown: when it started, and why it gave up (the VM is then the reconciler's).
ALTER TABLE session_view ADD COLUMN teardown_started_at TIMESTAMPTZ;
ALTER TABLE session_view ADD COLUMN vm_abandoned TEXT;

-- Where each template lives (admins): the node an admin set, the node and storages found in the cluster.
ALTER TABLE template_view ADD COLUMN node TEXT;
ALTER TABLE template_view ADD COLUMN located_node TEXT;
ALTER TABLE template_view ADD COLUMN shared_storage BOOLEAN;
ALTER TABLE template_view ADD COLUMN storages TEXT[];
ALTER TABLE template_view ADD COLUMN placement_problem TEXT;

-- VMs kept for their owners (KeptVm's events). status: kept, in_use, deleting, deleted.
CREATE TABLE kept_vm_view (
    kept_vm_id     TEXT PRIMARY KEY,
    owner          TEXT        NOT NULL,
    status         TEXT        NOT NULL,
    template_id    TEXT,
    template_name  TEXT,
    os_type        TEXT,
    protocol       TEXT,
    node_name      TEXT        NOT NULL,
    vmid           INTEGER     NOT NULL,
    kept_at        TIMESTAMPTZ NOT NULL,
    retained_until TIMESTAMPTZ,
    session_id     TEXT,
    from_session   TEXT,
    deleted_at     TIMESTAMPTZ,
    deletion_note  TEXT,
    last_sequence  BIGINT      NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX kept_vm_view_owner ON kept_vm_view (owner, kept_at DESC) WHERE status <> 'deleted';

-- Reconciliation runs as recorded (one row per run, the report as JSON).
CREATE TABLE reconciliation_view (
    run_id      TEXT PRIMARY KEY,
    trigger     TEXT        NOT NULL,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    vms_seen    INTEGER     NOT NULL,
    findings    INTEGER     NOT NULL,
    report      JSONB       NOT NULL
);
CREATE INDEX reconciliation_view_started ON reconciliation_view (started_at DESC);

-- Alerts about things other than a session (a kept VM whose removal gave up): the subject names it.
ALTER TABLE admin_alert ALTER COLUMN session_id DROP NOT NULL;
ALTER TABLE admin_alert ADD COLUMN subject TEXT;
