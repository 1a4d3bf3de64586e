package io.vigil.core.session;

public enum SessionStatus {
    PROVISIONING, ACTIVE, ENDING, ENDED, EXPIRED, FAILED;

    /** Counts toward the user's quota of running sessions. */
    public boolean running() {
        return this == PROVISIONING || this == ACTIVE;
    }

    public boolean over() {
        return this == ENDED || this == EXPIRED || this == FAILED;
    }
}
