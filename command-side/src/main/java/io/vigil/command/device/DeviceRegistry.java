package io.vigil.command.device;

import io.vigil.core.device.DeviceKeyIssued;
import io.vigil.core.device.DeviceKeyRevoked;
import io.vigil.core.device.DeviceRegistered;
import io.vigil.core.device.DeviceStatus;
import io.vigil.core.device.DeviceStatusChanged;
import io.vigil.core.device.DeviceTriggerConfigured;
import io.vigil.core.device.TriggerConfig;
import io.vigil.core.trigger.SchedulePolicy;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the command side knows of each camera: organisation, status, schedule, and its keys by hash. A subscribing
 * processor, inside the transaction that appends the event: a key works the moment its 201 is answered, and a
 * revoked or suspended one stops working the moment the revocation is.
 */
@Component
@ProcessingGroup("device-registry")
public class DeviceRegistry {
    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public DeviceRegistry(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The device a presented key belongs to, if the key is valid now and the device is not suspended. */
    public Optional<AuthenticatedDevice> authenticate(String presentedKeyHash) {
        return jdbc.query("""
                        SELECT d.device_id, d.org, d.status FROM device_key k JOIN device_registry d USING (device_id)
                        WHERE k.key_hash = ? AND k.revoked_at IS NULL AND (k.valid_until IS NULL OR k.valid_until > now())
                          AND d.status <> 'SUSPENDED'""",
                (rs, i) -> new AuthenticatedDevice(rs.getString(1), rs.getString(2),
                        DeviceStatus.valueOf(rs.getString(3)), presentedKeyHash), presentedKeyHash).stream().findFirst();
    }

    @EventHandler
    void on(DeviceRegistered e, @Timestamp Instant at) {
        jdbc.update("""
                        INSERT INTO device_registry (device_id, org, status, time_zone, trigger, registered_at, updated_at,
                            next_run_at)
                        VALUES (?, ?, 'ACTIVE', ?, ?::jsonb, ?, ?, ?)""",
                e.deviceId().value(), e.org().value(), e.timeZone(), json(e.trigger()), utc(at), utc(at),
                firstRun(e.trigger(), e.timeZone(), at));
    }

    /** Only an active device is scheduled; one that becomes active again starts a fresh schedule. */
    @EventHandler
    void on(DeviceStatusChanged e, @Timestamp Instant at) {
        Map<String, Object> device = jdbc.queryForMap("SELECT time_zone, trigger::text AS trigger FROM device_registry"
                + " WHERE device_id = ?", e.deviceId().value());
        OffsetDateTime next = e.status() != DeviceStatus.ACTIVE ? null : firstRun(json.readValue(
                (String) device.get("trigger"), TriggerConfig.class), (String) device.get("time_zone"), at);
        jdbc.update("UPDATE device_registry SET status = ?, next_run_at = ?, updated_at = ? WHERE device_id = ?",
                e.status().name(), next, utc(at), e.deviceId().value());
    }

    @EventHandler
    void on(DeviceTriggerConfigured e, @Timestamp Instant at) {
        jdbc.update("""
                        UPDATE device_registry SET time_zone = ?, trigger = ?::jsonb, updated_at = ?,
                            next_run_at = CASE WHEN status = 'ACTIVE' THEN ? END
                        WHERE device_id = ?""",
                e.timeZone(), json(e.trigger()), utc(at), firstRun(e.trigger(), e.timeZone(), at), e.deviceId().value());
    }

    private static OffsetDateTime firstRun(TriggerConfig trigger, String zone, Instant at) {
        return SchedulePolicy.firstRun(trigger, ZoneId.of(zone), at, ThreadLocalRandom.current().nextDouble())
                .map(DeviceRegistry::utc).orElse(null);
    }

    @EventHandler
    void on(DeviceKeyIssued e, @Timestamp Instant at) {
        if (e.otherKeysValidUntil() != null) {
            jdbc.update("""
                            UPDATE device_key SET valid_until = LEAST(COALESCE(valid_until, ?), ?)
                            WHERE device_id = ? AND revoked_at IS NULL""",
                    utc(e.otherKeysValidUntil()), utc(e.otherKeysValidUntil()), e.deviceId().value());
        }
        jdbc.update("INSERT INTO device_key (key_hash, key_id, device_id, issued_at) VALUES (?, ?, ?, ?)",
                e.keyHash(), e.keyId(), e.deviceId().value(), utc(at));
    }

    @EventHandler
    void on(DeviceKeyRevoked e, @Timestamp Instant at) {
        jdbc.update("UPDATE device_key SET revoked_at = ? WHERE device_id = ? AND key_id = ? AND revoked_at IS NULL",
                utc(at), e.deviceId().value(), e.keyId());
    }

    private String json(TriggerConfig trigger) {
        return json.writeValueAsString(trigger);
    }

    private static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }

    /** A device that proved who it is with one of its keys ({@code keyHash}: which one). */
    public record AuthenticatedDevice(String deviceId, String org, DeviceStatus status, String keyHash) {
    }
}
