package io.vigil.simulators.guacamole;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PATCH;
import static io.netty.handler.codec.http.HttpMethod.POST;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import java.util.List;

import tools.jackson.databind.JsonNode;

import io.vigil.simulators.http.Json;
import io.vigil.simulators.http.SimReply;
import io.vigil.simulators.http.SimRequest;

/** Routes Guacamole's {@code /api} subset and the simulator's own {@code /sim} controls. */
final class GuacamoleApi {

    private final GuacamoleState state;
    private final String dataSource;

    GuacamoleApi(GuacamoleState state, String dataSource) {
        this.state = state;
        this.dataSource = dataSource;
    }

    SimReply handle(SimRequest r) {
        try {
            return route(r);
        } catch (GuacError e) {
            return e.toReply();
        }
    }

    private SimReply route(SimRequest r) {
        if (r.is(POST, "api", "tokens")) {
            return SimReply.ok(state.login(r.params().get("username"), r.params().get("password")));
        }
        if (r.is(DELETE, "api", "tokens", "*")) {
            state.logout(r.segment(2));
            return SimReply.noContent();
        }
        if (r.segments().size() >= 5
                && r.segments().subList(0, 3).equals(List.of("api", "session", "data"))) {
            state.authorize(r.headers().get("Guacamole-Token", r.params().get("token")));
            if (!dataSource.equals(r.segment(3))) {
                throw GuacError.notFound("Resource not found.");
            }
            return session(r);
        }
        if (!r.segments().isEmpty() && "sim".equals(r.segment(0))) {
            return control(r);
        }
        throw GuacError.notFound("Resource not found.");
    }

    private SimReply session(SimRequest r) {
        String prefix = r.segment(4);
        if ("connections".equals(prefix)) {
            if (r.is(GET, "api", "session", "data", "*", "connections")) {
                return SimReply.ok(state.listConnections());
            }
            if (r.is(POST, "api", "session", "data", "*", "connections")) {
                return SimReply.ok(state.createConnection(r.json()));
            }
            if (r.is(GET, "api", "session", "data", "*", "connections", "*")) {
                return SimReply.ok(state.getConnection(r.segment(5)));
            }
            if (r.is(GET, "api", "session", "data", "*", "connections", "*", "parameters")) {
                return SimReply.ok(state.parameters(r.segment(5)));
            }
            if (r.is(PUT, "api", "session", "data", "*", "connections", "*")) {
                state.updateConnection(r.segment(5), r.json());
                return SimReply.noContent();
            }
            if (r.is(DELETE, "api", "session", "data", "*", "connections", "*")) {
                state.deleteConnection(r.segment(5));
                return SimReply.noContent();
            }
        }
        if (r.is(GET, "api", "session", "data", "*", "activeConnections")) {
            return SimReply.ok(state.listActive());
        }
        if (r.is(PATCH, "api", "session", "data", "*", "activeConnections")) {
            patchActive(r.json());
            return SimReply.noContent();
        }
        throw GuacError.notFound("Resource not found.");
    }

    private void patchActive(JsonNode patches) {
        if (!patches.isArray()) {
            throw GuacError.badRequest("A JSON patch array is required.");
        }
        for (JsonNode patch : patches) {
            String op = patch.path("op").asString("");
            String path = patch.path("path").asString("");
            if (!"remove".equals(op) || !path.startsWith("/")) {
                throw GuacError.badRequest("Unsupported patch operation: \"" + op + "\"");
            }
            // Guacamole ignores ids that are no longer active: a tunnel may close meanwhile.
            state.close(path.substring(1));
        }
    }

    private SimReply control(SimRequest r) {
        if (r.is(GET, "sim", "connections")) {
            return SimReply.ok(state.snapshot());
        }
        if (r.is(POST, "sim", "connections", "*", "open")) {
            String username = r.params().getOrDefault("username", "student");
            return SimReply.ok(Json.object().put("identifier", state.open(r.segment(2), username)));
        }
        // What a user's browser does with the client URL Vigil hands out: open it, and later close the tab.
        if (r.is(POST, "sim", "client", "*", "open")) {
            String username = r.params().getOrDefault("username", "student");
            return SimReply.ok(Json.object().put("identifier",
                    state.open(GuacamoleState.connectionOfClient(r.segment(2)), username)));
        }
        if (r.is(POST, "sim", "client", "*", "close")) {
            return SimReply.ok(Json.object().put("closed", state.closeAll(GuacamoleState.connectionOfClient(r.segment(2)))));
        }
        if (r.is(POST, "sim", "active", "*", "close")) {
            if (!state.close(r.segment(2))) {
                throw GuacError.notFound("No such active connection: \"" + r.segment(2) + "\"");
            }
            return SimReply.noContent();
        }
        if (r.is(POST, "sim", "tokens", "expire")) {
            state.expireAllTokens();
            return SimReply.noContent();
        }
        throw GuacError.notFound("Resource not found.");
    }
}
