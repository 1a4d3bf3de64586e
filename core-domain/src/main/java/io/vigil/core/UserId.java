package io.vigil.core;

/** The person (or service) a command acts for: the JWT subject. */
public record UserId(String value) {
    public static final UserId SYSTEM = new UserId("system");

    public UserId {
        Check.text(value, "user", 200);
    }

    @Override
    public String toString() {
        return value;
    }
}
