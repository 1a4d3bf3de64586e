package io.vigil.core.session;

import java.time.Instant;

public record ProvisioningRetryScheduled(SessionId sessionId, int attempt, String reason, Instant retryAt) {
}
