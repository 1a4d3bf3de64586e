package io.vigil.core.session;

/**
 * Suspending did not succeed after its retries: the VM is still running and the session is active again.
 * {@code reason} is the diagnostic text (admins), {@code code} the engineer's reason (null in older events).
 */
public record HibernationFailed(SessionId sessionId, String reason, FailureCode code) {
}
