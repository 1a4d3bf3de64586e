-- Sessions in flight when this version is installed over an older one: the older version recorded neither their
-- VMID, their type, nor since when they are ending. They are read from the sessions' events, so the reconciler,
-- the kept-VM limit and the hand-over of stuck endings see them as they see sessions of this version. (The
-- reconciler also holds every VM named for a session that is not over, whatever is recorded here.)

-- The VMID last reserved for the session (a clone that lost its VMID reserved another), unless its VM was
-- destroyed since.
UPDATE admission_session s
SET vmid = (SELECT (convert_from(e.payload, 'UTF8')::jsonb ->> 'vmid')::integer
            FROM domainevententry e
            WHERE e.aggregateidentifier = s.session_id
              AND e.payloadtype = 'io.vigil.core.session.VmIdReserved'
            ORDER BY e.sequencenumber DESC
            LIMIT 1)
WHERE s.vmid IS NULL
  AND s.state <> 'GONE'
  AND NOT EXISTS (SELECT 1 FROM domainevententry d
                  WHERE d.aggregateidentifier = s.session_id
                    AND d.payloadtype = 'io.vigil.core.session.VmDestroyed');

UPDATE admission_session s
SET session_type = convert_from(e.payload, 'UTF8')::jsonb ->> 'sessionType'
FROM domainevententry e
WHERE s.session_type IS NULL
  AND e.aggregateidentifier = s.session_id
  AND e.payloadtype = 'io.vigil.core.session.SessionRequested';

-- An ending (or failed) session: since its last SessionEnding or SessionFailed.
UPDATE admission_session s
SET ending_since = (SELECT max(e."timestamp"::timestamptz) FROM domainevententry e
                    WHERE e.aggregateidentifier = s.session_id
                      AND e.payloadtype IN ('io.vigil.core.session.SessionEnding', 'io.vigil.core.session.SessionFailed'))
WHERE s.state = 'ENDING'
  AND s.ending_since IS NULL;
