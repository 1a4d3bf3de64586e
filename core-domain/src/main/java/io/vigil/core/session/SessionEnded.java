package io.vigil.core.session;

public record SessionEnded(SessionId sessionId, EndReason reason) {
}
