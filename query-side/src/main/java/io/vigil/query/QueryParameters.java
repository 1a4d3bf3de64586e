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

    private DomainException invalidLimit(String text) {
        return DomainException.invalid("invalid_limit",
                "limit must be a whole number from 1 to " + properties.maxLimit() + ", was '" + text + "'");
    }
}
