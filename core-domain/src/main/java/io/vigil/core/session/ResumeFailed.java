package io.vigil.core.session;

/** Resume gave up; the session is hibernating again (the VM suspended again if it had started) and may be resumed again. */
public record ResumeFailed(SessionId sessionId, String reason) {
}
