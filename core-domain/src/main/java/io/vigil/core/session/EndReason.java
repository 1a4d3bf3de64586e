package io.vigil.core.session;

public enum EndReason {
    /** The owner (or an admin) ended it. */
    ENDED_BY_USER,
    /** It reached its end time. */
    EXPIRED,
    /** Its VM disappeared outside Vigil (deleted in the Proxmox UI, say). */
    VM_LOST
}
