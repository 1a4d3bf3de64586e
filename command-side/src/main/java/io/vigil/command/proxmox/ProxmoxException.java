package io.vigil.command.proxmox;

/**
  * A Proxmox call that did not succeed. {@link #kind()} says what the caller can do about it;
  * {@link #reason()} is Proxmox's own message (its HTTP reason phrase) when there is one.
  */
public class ProxmoxException extends RuntimeException {

    /** What went wrong, as far as a caller needs to tell apart. */
    public enum Kind {
        /** Node unreachable (595-599), other 5xx, connection refused, timeout: try again later. */
        TRANSIENT,
        /** The VM's config lock is held by another task ("can't lock file ... got timeout"). */
        LOCKED,
        /** The VMID is in use: {@code /cluster/nextid} reserves nothing, so take another. */
        VMID_TAKEN,
        /** The VM (or its config) does not exist on that node. */
        NOT_FOUND,
        /** Proxmox refused the request as such (400, other 4xx, a TLS certificate it rejects). */
        INVALID,
        /** The API token is missing, wrong, or lacks the privilege (401/403). */
        UNAUTHORIZED
    }

    private final Kind kind;
    private final int httpStatus;
    private final String reason;

    public ProxmoxException(Kind kind, int httpStatus, String reason, String message,
                                                    Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.httpStatus = httpStatus;
        this.reason = reason;
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Proxmox's message from the status line, or null when no response arrived. */
    public String reason() {
        return reason;
    }

    /** Worth retrying as is: the same call may work later. */
    public boolean transientFailure() {
        return kind == Kind.TRANSIENT || kind == Kind.LOCKED;
    }
}
