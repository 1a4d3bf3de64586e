package io.vigil.core.keptvm;

public enum DeletionReason {
    /** Its owner (or an admin) deleted it. */
    REQUESTED,
    /** It was not used within the retention period. */
    RETENTION_ENDED
}
