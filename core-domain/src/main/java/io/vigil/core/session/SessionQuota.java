package io.vigil.core.session;

import io.vigil.core.DomainException;

/** How many sessions one user may have running (provisioning or active) at once. */
public final class SessionQuota {
    public static final int DEFAULT_PER_USER = 2;

    private SessionQuota() {
    }

    public static void check(int running, int quota) {
        if (running >= quota) {
            throw DomainException.conflict("quota_exceeded",
                    "You already have " + running + " running session(s); the limit is " + quota
                            + ". End one (or let it hibernate) first.");
        }
    }
}
