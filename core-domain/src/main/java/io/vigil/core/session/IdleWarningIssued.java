package io.vigil.core.session;

import java.time.Instant;

/** No activity since {@code idleSince}: the session hibernates at {@code hibernatesAt} unless there is activity first. */
public record IdleWarningIssued(SessionId sessionId, Instant idleSince, Instant hibernatesAt) {
}
