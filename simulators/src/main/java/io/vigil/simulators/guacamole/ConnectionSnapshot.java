package io.vigil.simulators.guacamole;

import java.util.Map;

/** A Guacamole connection as the simulator holds it; for test assertions. */
public record ConnectionSnapshot(String identifier, String name, String protocol,
                                                                  Map<String, String> parameters, int activeConnections) {

    public ConnectionSnapshot {
        parameters = Map.copyOf(parameters);
    }
}
