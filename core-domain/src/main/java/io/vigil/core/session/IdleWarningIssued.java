package io.vigil.core.session;

import java.time.Instant;

/**
 * No activity since {@code idleSince}: the session hibernates at {@code hibernatesAt} unless there is activity
 * first. {@code deadlineId} is the hibernation deadline's schedule id, cancelled by that id (null in older events).
 */
public record IdleWarningIssued(SessionId sessionId, Instant idleSince, Instant hibernatesAt, String deadlineId) {
}
