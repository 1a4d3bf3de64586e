package io.vigil.core.capture;

import java.time.Instant;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * An evaluation attempt failed. {@code retryAt} says when it is tried again; null makes the failure final.
 */
public record RecordCaptureEvaluationFailed(@TargetAggregateIdentifier CaptureId captureId, String reason, int attempt, Instant retryAt) {
}
