package io.vigil.core.session;

/** Something an admin must look at: a session that failed for good, or a VM that could not be removed. */
public record AdminAlertRaised(SessionId sessionId, String message) {
}
