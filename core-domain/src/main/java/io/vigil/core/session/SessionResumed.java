package io.vigil.core.session;

/** Running again, the guest answering, with a new Guacamole connection and client URL. */
public record SessionResumed(SessionId sessionId, String connectionId, String clientUrl) {
}
