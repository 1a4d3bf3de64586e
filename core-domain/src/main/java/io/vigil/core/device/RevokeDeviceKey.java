package io.vigil.core.device;

import io.vigil.core.Check;
import io.vigil.core.OrgId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record RevokeDeviceKey(@TargetAggregateIdentifier DeviceId deviceId, OrgId org, String keyId) {
    public RevokeDeviceKey {
        Check.present(deviceId, "device_id");
        Check.present(org, "org");
        Check.present(keyId, "key_id");
    }
}
