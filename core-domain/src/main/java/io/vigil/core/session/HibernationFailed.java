package io.vigil.core.session;

/** Suspending did not succeed after its retries: the VM is still running and the session is active again. */
public record HibernationFailed(SessionId sessionId, String reason) {
}
