package io.vigil.core.trigger;

import io.vigil.core.device.DeviceId;

public record TriggerExecuted(TriggerId triggerId, DeviceId deviceId) {
}
