package io.vigil.simulators.proxmox;

import java.util.LinkedHashMap;
import java.util.Map;

import io.vigil.simulators.http.SimReply;

/** A Proxmox API error, thrown inside the simulator and turned into the real wire shape. */
final class ApiError extends RuntimeException {

    private final int status;
    private final Map<String, String> paramErrors;

    private ApiError(int status, String reason, Map<String, String> paramErrors) {
        super(reason, null, false, false);
        this.status = status;
        this.paramErrors = paramErrors;
    }

    /** 400 with {@code errors: {param: message}}, as PVE's schema validation answers. */
    static ApiError param(String name, String message) {
        return new ApiError(400, "Parameter verification failed.", Map.of(name, message));
    }

    /** 500 with the message in the reason phrase, as PVE answers a die() in an API handler. */
    static ApiError server(String reason) {
        return new ApiError(500, reason, null);
    }

    static ApiError of(int status, String reason) {
        return new ApiError(status, reason, null);
    }

    static ApiError vmMissing(String node, int vmid) {
        return server("Configuration file 'nodes/" + node + "/qemu-server/" + vmid
                + ".conf' does not exist");
    }

    static ApiError lockTimeout(int vmid) {
        return server("can't lock file '/var/lock/qemu-server/lock-" + vmid + ".conf' - got timeout");
    }

    SimReply toReply() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", null);
        if (paramErrors != null) {
            body.put("errors", paramErrors);
        }
        return new SimReply(status, getMessage(), body);
    }
}
