package io.vigil.core.session;

public enum HibernationReason {
    /** No activity for the idle threshold, and none during the warning that followed. */
    IDLE,
    /** The owner (or an admin) asked for it. */
    REQUESTED,
    /** A resume gave up after the VM had started (or while it was starting): it goes back to disk. */
    RESUME_FAILED
}
