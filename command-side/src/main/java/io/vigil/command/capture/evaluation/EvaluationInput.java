package io.vigil.command.capture.evaluation;

import java.time.Instant;
import java.util.Objects;

/**
 * One capture to evaluate, with the device's previous capture so that an evaluator can tell what changed
 * between the two (motion) without keeping state of its own between calls.
 *
 * @param image         the uploaded JPEG or PNG, as stored
 * @param previousImage the same device's previous capture, or null when there is none (first capture, purged)
 * @param capturedAt    when the device took it (not when it arrived)
 */
public record EvaluationInput(String captureId, String deviceId, byte[] image, byte[] previousImage,
                              Instant capturedAt) {
    public EvaluationInput {
        Objects.requireNonNull(captureId, "captureId");
        Objects.requireNonNull(deviceId, "deviceId");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(capturedAt, "capturedAt");
    }

    /** The arrays are not printed: a log line must not carry an image. */
    @Override
    public String toString() {
        return "EvaluationInput[captureId=" + captureId + ", deviceId=" + deviceId + ", image=" + image.length
                + " bytes, previousImage=" + (previousImage == null ? "none" : previousImage.length + " bytes")
                + ", capturedAt=" + capturedAt + "]";
    }
}
