-- Hibernation and resume (VmSession's idle warning, suspend to disk, resume).
-- The status CHECK of V200 was unnamed, so PostgreSQL called it session_view_status_check; it is re-added under
-- that same name, now explicit, with the three new states. No IF EXISTS: a different name must fail here, not
-- leave the old CHECK behind to reject 'hibernating' in the projection later.
ALTER TABLE session_view DROP CONSTRAINT session_view_status_check;
ALTER TABLE session_view ADD CONSTRAINT session_view_status_check CHECK (status IN ('provisioning', 'active',
    'suspending', 'hibernating', 'resuming', 'ending', 'ended', 'expired', 'failed'));

-- The running idle warning: no activity since idle_since, hibernates at hibernates_at. Both null when none runs.
ALTER TABLE session_view ADD COLUMN idle_since TIMESTAMPTZ;
ALTER TABLE session_view ADD COLUMN hibernates_at TIMESTAMPTZ;
-- When the VM was suspended to disk; null unless the session is hibernating (or resuming from it).
ALTER TABLE session_view ADD COLUMN hibernated_at TIMESTAMPTZ;
-- Why the current hibernation started: 'idle' or 'requested' (HibernationReason, lower case); null while there is
-- none. No CHECK: a new reason in the domain must not stop the projection.
ALTER TABLE session_view ADD COLUMN hibernation_reason TEXT;
-- The last resume's failure; cleared when a resume starts. A failed hibernation's reason goes to last_error.
ALTER TABLE session_view ADD COLUMN resume_failure TEXT;
