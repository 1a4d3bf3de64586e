package io.vigil.core;

/** The organisation a device, and a caller acting on it, belongs to: the token's {@code org} claim. */
public record OrgId(String value) {
    public static final OrgId DEFAULT = new OrgId("default");

    public OrgId {
        Check.matches(value, "[A-Za-z0-9][A-Za-z0-9._-]{0,63}", "org", "must be 1-64 letters, digits or . _ -");
    }

    @Override
    public String toString() {
        return value;
    }
}
