package io.vigil.core.device;

import io.vigil.core.OrgId;

/**
 * The device's last connection over {@code transport} ended: closed, its last will, or its instance gone (found
 * when the instance stopped refreshing it). In the presence stream, like {@link DeviceConnected}.
 */
public record DeviceDisconnected(DeviceId deviceId, OrgId org, String transport) {
}
