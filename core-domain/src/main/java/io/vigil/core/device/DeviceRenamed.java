package io.vigil.core.device;

import io.vigil.core.OrgId;

public record DeviceRenamed(DeviceId deviceId, OrgId org, String friendlyName) {
}
