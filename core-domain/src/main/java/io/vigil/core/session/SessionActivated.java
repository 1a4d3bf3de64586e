package io.vigil.core.session;

public record SessionActivated(SessionId sessionId, String connectionId, String clientUrl) {
}
