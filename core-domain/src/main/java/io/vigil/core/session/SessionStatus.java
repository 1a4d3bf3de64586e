package io.vigil.core.session;

public enum SessionStatus {
    PROVISIONING, ACTIVE, SUSPENDING, HIBERNATING, RESUMING, ENDING, ENDED, EXPIRED, FAILED;

    /**
     * Counts toward the user's quota: every state in which the VM holds (or is about to hold) its RAM. A
     * hibernating session does not count; its resume is admitted against the quota like a new request.
     */
    public boolean countsTowardQuota() {
        return this == PROVISIONING || this == ACTIVE || this == SUSPENDING || this == RESUMING;
    }

    /** Still the user's: it can be ended, it expires at its end time, and its time remaining runs. */
    public boolean live() {
        return this != ENDING && !over();
    }

    public boolean over() {
        return this == ENDED || this == EXPIRED || this == FAILED;
    }
}
