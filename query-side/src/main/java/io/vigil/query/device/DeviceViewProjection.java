package io.vigil.query.device;

import static io.vigil.query.SequencedUpdate.ts;

import io.vigil.core.device.DeviceConnected;
import io.vigil.core.device.DeviceDisconnected;
import io.vigil.core.device.DeviceKeyIssued;
import io.vigil.core.device.DeviceKeyRevoked;
import io.vigil.core.device.DeviceRegistered;
import io.vigil.core.device.DeviceRenamed;
import io.vigil.core.device.DeviceStatusChanged;
import io.vigil.core.device.DeviceTriggerConfigured;
import io.vigil.core.device.TriggerConfig;
import io.vigil.platform.device.TriggerConfigBody;
import io.vigil.query.SequencedUpdate;
import java.time.Instant;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/** Devices and their keys (never the keys themselves). Idempotent: a row takes in only events newer than its own. */
@Component
@ProcessingGroup(DeviceViewProjection.PROCESSING_GROUP)
public class DeviceViewProjection {
    public static final String PROCESSING_GROUP = "device-views";
    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public DeviceViewProjection(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(DeviceRegistered e, @SequenceNumber long seq, @Timestamp Instant at) {
        jdbc.update("""
                        INSERT INTO device_view (device_id, org, friendly_name, status, time_zone, trigger, registered_at,
                            updated_at, last_sequence)
                        VALUES (?, ?, ?, 'active', ?, ?::jsonb, ?, ?, ?)
                        ON CONFLICT (device_id) DO NOTHING""",
                e.deviceId().value(), e.org().value(), e.friendlyName(), e.timeZone(), wire(e.trigger()), ts(at), ts(at),
                seq);
    }

    @EventHandler
    void on(DeviceRenamed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.deviceId().value(), seq, at, "friendly_name = ?", e.friendlyName());
    }

    @EventHandler
    void on(DeviceStatusChanged e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.deviceId().value(), seq, at, "status = ?", e.status().name().toLowerCase(java.util.Locale.ROOT));
    }

    @EventHandler
    void on(DeviceTriggerConfigured e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.deviceId().value(), seq, at, "time_zone = ?, trigger = ?::jsonb", e.timeZone(), wire(e.trigger()));
    }

    @EventHandler
    void on(DeviceKeyIssued e, @Timestamp Instant at) {
        if (e.otherKeysValidUntil() != null) {
            jdbc.update("""
                            UPDATE device_key_view SET valid_until = LEAST(COALESCE(valid_until, ?), ?)
                            WHERE device_id = ? AND key_id <> ? AND revoked_at IS NULL""",
                    ts(e.otherKeysValidUntil()), ts(e.otherKeysValidUntil()), e.deviceId().value(), e.keyId());
        }
        jdbc.update("""
                        INSERT INTO device_key_view (device_id, key_id, issued_at) VALUES (?, ?, ?)
                        ON CONFLICT (device_id, key_id) DO NOTHING""",
                e.deviceId().value(), e.keyId(), ts(at));
    }

    @EventHandler
    void on(DeviceKeyRevoked e, @Timestamp Instant at) {
        jdbc.update("UPDATE device_key_view SET revoked_at = ? WHERE device_id = ? AND key_id = ? AND revoked_at IS NULL",
                ts(at), e.deviceId().value(), e.keyId());
    }

    /** Presence comes from its own stream (no sequence guard against the device's); adding and removing are idempotent. */
    @EventHandler
    void on(DeviceConnected e) {
        jdbc.update("""
                        UPDATE device_view SET connected_via = CASE WHEN ? = ANY(connected_via) THEN connected_via
                            ELSE array_append(connected_via, ?) END WHERE device_id = ?""",
                e.transport(), e.transport(), e.deviceId().value());
    }

    @EventHandler
    void on(DeviceDisconnected e) {
        jdbc.update("UPDATE device_view SET connected_via = array_remove(connected_via, ?) WHERE device_id = ?",
                e.transport(), e.deviceId().value());
    }

    private void update(String deviceId, long seq, Instant at, String assignments, Object... values) {
        SequencedUpdate u = SequencedUpdate.of("device_view", "device_id", deviceId, seq, at, assignments, values);
        jdbc.update(u.sql(), u.args());
    }

    /** Stored in the shape the API answers, so a read hands it out as it is. */
    private String wire(TriggerConfig trigger) {
        return json.writeValueAsString(TriggerConfigBody.of(trigger));
    }
}
