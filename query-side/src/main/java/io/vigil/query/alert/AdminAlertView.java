package io.vigil.query.alert;

import java.time.Instant;

/** An alert for admins; {@code sessionId} for a session's, {@code subject} (a kept VM's id) for the others. */
public record AdminAlertView(String id, String sessionId, String subject, String message, Instant raisedAt) {
}
