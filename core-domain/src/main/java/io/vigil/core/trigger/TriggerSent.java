package io.vigil.core.trigger;

import io.vigil.core.device.DeviceId;

/** The first time the command went out; re-sends are not state changes and are not recorded as events. */
public record TriggerSent(TriggerId triggerId, DeviceId deviceId, String transport) {
}
