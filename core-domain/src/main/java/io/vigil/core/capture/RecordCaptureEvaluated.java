package io.vigil.core.capture;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The evaluator's result for a capture; {@code attempt} counts from 1. */
public record RecordCaptureEvaluated(@TargetAggregateIdentifier CaptureId captureId, EvaluationResult result, int attempt) {
}
