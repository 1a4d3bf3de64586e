package io.vigil.core;

/**
 * A refusal the user can act on. {@code code} is stable and documented (docs/api-command.md); the message is for people.
 * Thrown by aggregates and policies before any event is applied, so a refused command writes nothing.
 */
public class DomainException extends RuntimeException {
    private final Rejection rejection;
    private final String code;

    public DomainException(Rejection rejection, String code, String message) {
        super(message);
        this.rejection = rejection;
        this.code = code;
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
