package io.vigil.query;

import io.vigil.core.DomainException;
import org.springframework.stereotype.Component;

/**
 * Checks the query string of the read API. Parameters arrive as text and are parsed here, so a bad value is a
 * 400 with a code that names the parameter, not a framework's conversion message.
 */
@Component
public class QueryParameters {
    private final QuerySideProperties properties;

    public QueryParameters(QuerySideProperties properties) {
        this.properties = properties;
    }

    /** {@code limit}: 1 to the configured maximum; the configured default when absent. */
    public int limit(String text) {
        if (text == null || text.isBlank()) {
            return properties.defaultLimit();
        }
        int limit;
        try {
            limit = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw invalidLimit(text);
        }
        if (limit < 1 || limit > properties.maxLimit()) {
            throw invalidLimit(text);
        }
        return limit;
    }

    /** Optional free text (a user id, ...): absent when blank, refused when longer than {@code maxLength}. */
    public static String optionalText(String text, String name, int maxLength) {
        if (text == null || text.isBlank()) {
            return null;
        }
        if (text.length() > maxLength) {
            throw DomainException.invalid("invalid_" + name, name + " must be at most " + maxLength + " characters");
        }
        return text.trim();
    }

    /** An optional ISO-8601 instant with its offset ({@code 2026-12-02T10:00:00Z}); absent when blank. */
    public static java.time.OffsetDateTime instant(String text, String name) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text.trim());
        } catch (java.time.format.DateTimeParseException e) {
            throw DomainException.invalid("invalid_" + name, name + " must be an ISO-8601 instant such as"
                    + " 2026-12-02T10:00:00Z, was '" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
        }
    }

    /** An optional enum parameter, as the views store it (lower case); refused with the list of values. */
    public static <E extends Enum<E>> String enumValue(Class<E> type, String text, String name) {
        return text == null || text.isBlank() ? null
                : io.vigil.core.Check.oneOf(type, text, name).name().toLowerCase(java.util.Locale.ROOT);
    }

    private DomainException invalidLimit(String text) {
        return DomainException.invalid("invalid_limit",
                "limit must be a whole number from 1 to " + properties.maxLimit() + ", was '" + text + "'");
    }
}
