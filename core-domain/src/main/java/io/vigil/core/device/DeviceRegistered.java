package io.vigil.core.device;

import io.vigil.core.OrgId;

/** Every device event names the organisation, so read models and key checks never need another lookup. */
public record DeviceRegistered(DeviceId deviceId, OrgId org, String friendlyName, String timeZone,
                               TriggerConfig trigger) {
}
