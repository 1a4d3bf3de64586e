package io.vigil.core.device;

import io.vigil.core.Check;
import io.vigil.core.OrgId;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A partial change (PATCH): a null field stays as it is. Only what differs is recorded. */
public record ChangeDevice(@TargetAggregateIdentifier DeviceId deviceId, OrgId org, String friendlyName,
                           DeviceStatus status, String timeZone, TriggerConfig trigger) {
    public ChangeDevice {
        Check.present(deviceId, "device_id");
        Check.present(org, "org");
        if (friendlyName != null) {
            Check.text(friendlyName, "friendly_name", 100);
        }
        if (timeZone != null) {
            TriggerConfig.zone(timeZone);
        }
    }
}
