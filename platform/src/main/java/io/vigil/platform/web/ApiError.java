package io.vigil.platform.web;

import java.time.Instant;
import java.util.Map;

/** The one error shape: {@code {"error": {"code", "message", "details", "timestamp"}}}. */
public record ApiError(Body error) {

    public static ApiError of(String code, String message, Map<String, ?> details) {
        return new ApiError(new Body(code, message, details == null ? Map.of() : details, Instant.now()));
    }

    public record Body(String code, String message, Map<String, ?> details, Instant timestamp) {
    }
}
