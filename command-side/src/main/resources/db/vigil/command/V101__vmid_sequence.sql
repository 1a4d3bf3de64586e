-- VMIDs for new clones. One sequence for every command-side instance, so no two sagas clone into the same id;
-- ids taken outside Vigil are skipped (checked with GET /cluster/nextid?vmid=N before use).
CREATE SEQUENCE vigil_vmid START WITH 10000 MINVALUE 10000 MAXVALUE 999999999 CYCLE;
