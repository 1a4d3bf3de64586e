package io.vigil.command.guacamole;

/** A Guacamole call that did not succeed. */
public class GuacamoleException extends RuntimeException {

    private final int httpStatus;
    private final String type;
    private final boolean transientFailure;

    public GuacamoleException(String message, int httpStatus, String type,
                                                        boolean transientFailure, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.type = type;
        this.transientFailure = transientFailure;
    }

    /** The HTTP status, or 0 when no response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Guacamole's error type (BAD_REQUEST, NOT_FOUND, PERMISSION_DENIED, ...), or null. */
    public String type() {
        return type;
    }

    /** 5xx, connection failures and timeouts: the same call may work later. */
    public boolean transientFailure() {
        return transientFailure;
    }

    boolean sessionRejected() {
        return (httpStatus == 401 || httpStatus == 403) && !"INVALID_CREDENTIALS".equals(type);
    }
}
