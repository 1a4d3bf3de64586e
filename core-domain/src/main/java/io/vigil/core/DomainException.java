package io.vigil.core;

/**
 * A refusal the user can act on. {@code code} is stable and documented (docs/api-command.md); the message is for people.
 * Thrown by aggregates and policies before any event is applied, so a refused command writes nothing.
 */
public class DomainException extends RuntimeException {
    private final Rejection rejection;
    private final String code;
    private final java.time.Duration retryAfter;

    public DomainException(Rejection rejection, String code, String message) {
        this(rejection, code, message, null);
    }

    public DomainException(Rejection rejection, String code, String message, java.time.Duration retryAfter) {
        super(message);
        this.rejection = rejection;
        this.code = code;
        this.retryAfter = retryAfter;
    }

    /** When the caller may try again (a {@code Retry-After}), or null. */
    public java.time.Duration retryAfter() {
        return retryAfter;
    }

    public static DomainException rateLimited(String code, String message, java.time.Duration retryAfter) {
        return new DomainException(Rejection.RATE_LIMITED, code, message, retryAfter);
    }

    public static DomainException tooLarge(String code, String message) {
        return new DomainException(Rejection.TOO_LARGE, code, message);
    }

    public Rejection rejection() {
        return rejection;
    }

    public String code() {
        return code;
    }

    public static DomainException invalid(String code, String message) {
        return new DomainException(Rejection.INVALID, code, message);
    }

    public static DomainException conflict(String code, String message) {
        return new DomainException(Rejection.CONFLICT, code, message);
    }

    public static DomainException forbidden(String code, String message) {
        return new DomainException(Rejection.FORBIDDEN, code, message);
    }

    public static DomainException unavailable(String code, String message) {
        return new DomainException(Rejection.UNAVAILABLE, code, message);
    }

    public static DomainException notFound(String code, String message) {
        return new DomainException(Rejection.NOT_FOUND, code, message);
    }
}
