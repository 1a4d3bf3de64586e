-- Whether the session's teardown keeps its VM for its owner (TeardownStarted.keep, for a VM not already kept):
-- such a session counts toward the owner's kept-VM limit until the kept VM is recorded.
ALTER TABLE admission_session ADD COLUMN keeps BOOLEAN NOT NULL DEFAULT false;

-- Teardowns that started before this column existed (it came one migration after TeardownStarted).
UPDATE admission_session s
SET keeps = (p ->> 'keep')::boolean AND p ->> 'keptVmId' IS NULL
FROM (SELECT aggregateidentifier, convert_from(payload, 'UTF8')::jsonb AS p
      FROM domainevententry WHERE payloadtype = 'io.vigil.core.session.TeardownStarted') t
WHERE t.aggregateidentifier = s.session_id
  AND s.state <> 'GONE';
