package io.vigil.query.alert;

import java.time.Instant;

public record AdminAlertView(String id, String sessionId, String message, Instant raisedAt) {
}
