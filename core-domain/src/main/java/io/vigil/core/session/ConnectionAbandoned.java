package io.vigil.core.session;

/**
 * Teardown gave up on the session's Guacamole connection ({@code detail} says why) and went on with the VM. The
 * reconciler removes the connection, found by {@code name}, once the session is over and no longer holds it.
 *
 * @param connectionId the connection's identifier; null when Guacamole could not even be asked whether there is one
 * @param name         the name the connection has (or would have): the session's VM name, {@code vigil-<id>}
 */
public record ConnectionAbandoned(SessionId sessionId, String connectionId, String name, String detail) {
}
