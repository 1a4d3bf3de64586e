-- Where each template lives: the node an admin set (node), the node and storage Vigil found in the cluster
-- (located_node, shared_storage; null until looked up), and why it could not be found (placement_problem).
ALTER TABLE admission_template ADD COLUMN node TEXT;
ALTER TABLE admission_template ADD COLUMN located_node TEXT;
ALTER TABLE admission_template ADD COLUMN shared_storage BOOLEAN;
ALTER TABLE admission_template ADD COLUMN placement_problem TEXT;

-- What a session holds, for the reconciler and the kept-VM limit: its VMID (from VmIdReserved until the VM is
-- destroyed, kept, abandoned or lost), its type, the kept VM it started from, and since when it is ending without
-- its teardown having started (the saga that works on it hands it over).
ALTER TABLE admission_session ADD COLUMN vmid INTEGER;
ALTER TABLE admission_session ADD COLUMN session_type TEXT;
ALTER TABLE admission_session ADD COLUMN from_kept_vm TEXT;
ALTER TABLE admission_session ADD COLUMN teardown_started BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE admission_session ADD COLUMN ending_since TIMESTAMPTZ;

-- VMs kept for their owners after persistent sessions. state: KEPT, IN_USE, DELETING, DELETED.
CREATE TABLE admission_kept_vm (
    kept_vm_id  TEXT PRIMARY KEY,
    owner       TEXT    NOT NULL,
    node        TEXT    NOT NULL,
    vmid        INTEGER NOT NULL,
    template_id TEXT,
    state       TEXT    NOT NULL,
    session_id  TEXT
);
CREATE INDEX admission_kept_vm_owner ON admission_kept_vm (owner) WHERE state <> 'DELETED';

-- The <n> of kept VMs' names (vigil-keep-<user>-<n>), unique across every command-side instance.
CREATE SEQUENCE vigil_kept_vm START WITH 1;
