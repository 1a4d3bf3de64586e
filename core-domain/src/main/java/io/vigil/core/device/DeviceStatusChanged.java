package io.vigil.core.device;

import io.vigil.core.OrgId;

public record DeviceStatusChanged(DeviceId deviceId, OrgId org, DeviceStatus status) {
}
