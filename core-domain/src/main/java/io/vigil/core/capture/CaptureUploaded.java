package io.vigil.core.capture;

import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.TriggerId;
import java.time.Instant;
import java.util.Map;

/**
 * A device uploaded an image. {@code triggerId} null: the device took it on its own. {@code clockSkewed}: the
 * device's clock was more than {@link Capture#MAX_CLOCK_SKEW} off the server's when it uploaded.
 */
public record CaptureUploaded(CaptureId captureId, DeviceId deviceId, OrgId org, TriggerId triggerId,
                              String triggerType, String triggerLabel, Instant capturedAt, Instant receivedAt, boolean clockSkewed,
                              CaptureImage image, Map<String, String> metadata, String idempotencyKey) {
}
