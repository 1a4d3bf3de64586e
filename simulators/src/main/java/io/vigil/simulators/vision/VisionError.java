package io.vigil.simulators.vision;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.http.SimReply;

/** A refusal of the simulated service, answered as {@code {"error": {"code", "message"}}}. */
final class VisionError extends RuntimeException {

    private final int status;
    private final String code;

    private VisionError(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    static VisionError badRequest(String code, String message) {
        return new VisionError(400, code, message);
    }

    static VisionError of(int status, String code, String message) {
        return new VisionError(status, code, message);
    }

    SimReply toReply() {
        return SimReply.of(status, body(code, getMessage()));
    }

    static Object body(String code, String message) {
        return Json.object().set("error", Json.object().put("code", code).put("message", message));
    }
}
