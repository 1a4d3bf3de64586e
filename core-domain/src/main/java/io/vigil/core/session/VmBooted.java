package io.vigil.core.session;

public record VmBooted(SessionId sessionId, String guestAddress) {
}
