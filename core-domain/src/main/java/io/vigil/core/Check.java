package io.vigil.core;

/** Construction-time validation for messages and value objects; a failure is a 400 with a field name. */
public final class Check {
    private Check() {
    }

    public static <T> T present(T value, String field) {
        if (value == null) {
            throw DomainException.invalid("invalid_" + field, field + " is required");
        }
        return value;
    }

    public static String text(String value, String field, int maxLength) {
        if (value == null || value.isBlank()) {
            throw DomainException.invalid("invalid_" + field, field + " is required");
        }
        if (value.length() > maxLength) {
            throw DomainException.invalid("invalid_" + field, field + " must be at most " + maxLength + " characters");
        }
        return value;
    }

    public static int range(int value, int min, int max, String field) {
        if (value < min || value > max) {
            throw DomainException.invalid("invalid_" + field, field + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** One of {@code type}'s constants, named in any case; refused with the list of names, in lower case. */
    public static <E extends Enum<E>> E oneOf(Class<E> type, String text, String field) {
        present(text, field);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text.trim())) {
                return constant;
            }
        }
        throw DomainException.invalid("invalid_" + field, field + " must be one of " + java.util.Arrays.stream(
                type.getEnumConstants()).map(c -> c.name().toLowerCase(java.util.Locale.ROOT)).toList());
    }

    public static String matches(String value, String regex, String field, String expectation) {
        present(value, field);
        if (!value.matches(regex)) {
            throw DomainException.invalid("invalid_" + field, field + " " + expectation + ", was '" + value + "'");
        }
        return value;
    }
}
