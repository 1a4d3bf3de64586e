package io.vigil.core.session;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record ScheduleProvisioningRetry(@TargetAggregateIdentifier SessionId sessionId, int attempt, String reason,
                                        Instant retryAt) {
}
