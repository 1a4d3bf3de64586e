package io.vigil.platform.security;

import java.util.Locale;

public enum Role {
    ENGINEER, ADMIN, AUDITOR;

    public String authority() {
        return "ROLE_" + name();
    }

    public static Role parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw io.vigil.core.DomainException.invalid("invalid_role", "role must be one of engineer, admin, auditor; was '" + text + "'");
        }
    }
}
