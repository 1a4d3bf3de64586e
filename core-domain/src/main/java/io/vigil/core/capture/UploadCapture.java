package io.vigil.core.capture;

import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.TriggerId;
import java.time.Instant;
import java.util.Map;

/**
 * A device's image, already in the blob store. {@code triggerId} is null for a capture the device took on its own
 * (motion, a button): it is kept and labelled {@code unsolicited}.
 *
 * @param triggerType    {@code scheduled} or {@code manual}, as the trigger was issued ({@code unsolicited} without one)
 * @param capturedAt     the device's clock, kept as it said
 * @param receivedAt     the server's clock when the upload arrived
 * @param idempotencyKey the client's {@code Idempotency-Key}, if it sent one
 */
public record UploadCapture(CaptureId captureId, DeviceId deviceId, OrgId org, TriggerId triggerId, String triggerType,
                            String triggerLabel,
                            Instant capturedAt, Instant receivedAt, CaptureImage image, Map<String, String> metadata,
                            String idempotencyKey) {
}
