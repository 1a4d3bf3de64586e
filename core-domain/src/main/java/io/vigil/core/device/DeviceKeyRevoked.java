package io.vigil.core.device;

import io.vigil.core.OrgId;

public record DeviceKeyRevoked(DeviceId deviceId, OrgId org, String keyId) {
}
