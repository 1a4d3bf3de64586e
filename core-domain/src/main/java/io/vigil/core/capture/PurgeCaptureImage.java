package io.vigil.core.capture;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Removes a capture's image from the blob store; its events stay. {@code reason}: retention or disk_pressure. */
public record PurgeCaptureImage(@TargetAggregateIdentifier CaptureId captureId, String reason) {
}
