package io.vigil.core.device;

import io.vigil.core.OrgId;

/** A device as it is after a command: what a change answers, since the command side keeps no read model. */
public record DeviceState(DeviceId deviceId, OrgId org, String friendlyName, DeviceStatus status, String timeZone,
                          TriggerConfig trigger) {
}
