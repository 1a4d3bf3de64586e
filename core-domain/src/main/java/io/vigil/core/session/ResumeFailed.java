package io.vigil.core.session;

/**
 * Resume gave up; the session is hibernating again (the VM suspended again if it had started) and may be resumed
 * again. {@code reason} is the diagnostic text (admins), {@code code} the engineer's reason (null in older events).
 */
public record ResumeFailed(SessionId sessionId, String reason, FailureCode code) {
}
