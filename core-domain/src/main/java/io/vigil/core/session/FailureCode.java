package io.vigil.core.session;

import java.util.Locale;

/**
 * Why something failed, in terms an engineer can read: a stable code and a plain sentence. The diagnostic text
 * (Proxmox's message, a VMID, a node path) is kept beside it for admins and never shown to engineers.
 */
public enum FailureCode {
    CLONE_FAILED("The VM could not be created from its template."),
    START_FAILED("The VM could not be started."),
    NO_CAPACITY("The node had no room left to start the VM."),
    GUEST_NOT_ANSWERING("The VM started but did not become reachable in time."),
    CONNECTION_FAILED("The remote connection to the VM could not be set up."),
    CLUSTER_UNAVAILABLE("The VM cluster could not be reached."),
    VM_LOST("The VM was removed outside Vigil."),
    HIBERNATION_FAILED("The VM could not be hibernated; it keeps running."),
    RESUME_TIMED_OUT("The VM did not come back in time."),
    RESUME_FAILED("The VM could not be resumed."),
    INTERNAL("Something went wrong on our side.");

    private final String message;

    FailureCode(String message) {
        this.message = message;
    }

    /** The sentence engineers see. */
    public String message() {
        return message;
    }

    /** The code as the API shows it, e.g. {@code clone_failed}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The code of a stored value, {@link #INTERNAL} for one recorded before codes existed (null) or unknown. */
    public static FailureCode parse(String text) {
        if (text == null) {
            return INTERNAL;
        }
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return INTERNAL;
        }
    }
}
