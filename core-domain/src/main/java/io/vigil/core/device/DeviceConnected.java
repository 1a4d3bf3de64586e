package io.vigil.core.device;

import io.vigil.core.OrgId;

/**
 * The device opened its first connection over {@code transport} ({@code sse} or {@code mqtt}), on any instance.
 * Recorded in its own stream ({@link #streamOf}), not the device's: presence changes often and is written by the
 * delivery side, which must not contend with an admin's commands on the device.
 */
public record DeviceConnected(DeviceId deviceId, OrgId org, String transport) {

    /** The aggregate id of a device's presence stream. */
    public static String streamOf(DeviceId deviceId) {
        return "presence:" + deviceId.value();
    }
}
