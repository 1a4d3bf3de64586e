package io.vigil.simulators.guacamole;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vigil.simulators.http.SimReply;

/** An error in Guacamole's REST shape: {@code {"message": ..., "type": ...}}. */
final class GuacError extends RuntimeException {

    private final int status;
    private final String type;

    GuacError(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    static GuacError permissionDenied() {
        return new GuacError(403, "PERMISSION_DENIED", "Permission Denied.");
    }

    static GuacError notFound(String message) {
        return new GuacError(404, "NOT_FOUND", message);
    }

    static GuacError internal(String message) {
        return new GuacError(500, "INTERNAL_ERROR", message);
    }

    static GuacError badRequest(String message) {
        return new GuacError(400, "BAD_REQUEST", message);
    }

    SimReply toReply() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", getMessage());
        body.put("translatableMessage", Map.of("key", "APP.TEXT_UNTRANSLATED",
                "variables", Map.of("MESSAGE", getMessage())));
        body.put("statusCode", null);
        body.put("expected", null);
        body.put("patches", null);
        body.put("type", type);
        return SimReply.of(status, body);
    }
}
