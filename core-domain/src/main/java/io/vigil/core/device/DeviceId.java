package io.vigil.core.device;

import io.vigil.core.Check;

/**
 * A camera's id, as the fleet already names them ({@code FLOOR1}, {@code TEST_CAM_01}). It is an MQTT topic level
 * and the device's MQTT user name, so it holds no {@code /}, {@code +} or {@code #}: letters, digits, {@code _}
 * and {@code -}.
 */
public record DeviceId(String value) {
    public DeviceId {
        Check.matches(value, "[A-Za-z0-9][A-Za-z0-9_-]{0,63}", "device_id",
                "must be 1-64 letters, digits, _ or - (starting with a letter or digit)");
    }

    @Override
    public String toString() {
        return value;
    }
}
