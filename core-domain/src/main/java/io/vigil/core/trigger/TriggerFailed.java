package io.vigil.core.trigger;

import io.vigil.core.device.DeviceId;

public record TriggerFailed(TriggerId triggerId, DeviceId deviceId, String reason) {
}
