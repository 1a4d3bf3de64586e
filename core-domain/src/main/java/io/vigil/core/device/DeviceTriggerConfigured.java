package io.vigil.core.device;

import io.vigil.core.OrgId;

/** The schedule changed: its trigger configuration, its time zone, or both. */
public record DeviceTriggerConfigured(DeviceId deviceId, OrgId org, String timeZone, TriggerConfig trigger) {
}
