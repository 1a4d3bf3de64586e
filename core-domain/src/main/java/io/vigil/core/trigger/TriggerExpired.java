package io.vigil.core.trigger;

import io.vigil.core.device.DeviceId;

/** Not executed within its time to live; {@code reached} is how far it got. */
public record TriggerExpired(TriggerId triggerId, DeviceId deviceId, TriggerState reached) {
}
