-- Whether the session's teardown keeps its VM for its owner (TeardownStarted.keep, for a VM not already kept):
-- such a session counts toward the owner's kept-VM limit until the kept VM is recorded.
ALTER TABLE admission_session ADD COLUMN keeps BOOLEAN NOT NULL DEFAULT false;
