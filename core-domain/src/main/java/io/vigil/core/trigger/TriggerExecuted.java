package io.vigil.core.trigger;

import io.vigil.core.capture.CaptureId;
import io.vigil.core.device.DeviceId;

/** The device's capture for the trigger arrived ({@code captureId}: null in events written before captures existed). */
public record TriggerExecuted(TriggerId triggerId, DeviceId deviceId, CaptureId captureId) {
}
