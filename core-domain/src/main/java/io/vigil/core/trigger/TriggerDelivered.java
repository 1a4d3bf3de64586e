package io.vigil.core.trigger;

import io.vigil.core.device.DeviceId;

public record TriggerDelivered(TriggerId triggerId, DeviceId deviceId) {
}
