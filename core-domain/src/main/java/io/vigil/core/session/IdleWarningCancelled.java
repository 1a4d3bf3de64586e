package io.vigil.core.session;

import java.time.Instant;

/** Activity during the warning: the session stays active. */
public record IdleWarningCancelled(SessionId sessionId, Instant activityAt) {
}
