package io.vigil.core.device;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * A camera of one organisation: its name, status, schedule and keys. Every command names the caller's
 * organisation; another organisation's device answers as if it did not exist, so ids do not leak across.
 */
public class Device {
    @AggregateIdentifier
    private DeviceId deviceId;
    private OrgId org;
    private String friendlyName;
    private DeviceStatus status;
    private String timeZone;
    private TriggerConfig trigger;
    /** Keys not revoked, by id: when each stops being valid (null: until rotated or revoked). */
    private final Map<String, Instant> keys = new LinkedHashMap<>();
    private final Set<String> revoked = new HashSet<>();

    protected Device() {
    }

    @CommandHandler
    public Device(RegisterDevice command) {
        apply(new DeviceRegistered(command.deviceId(), command.org(), command.friendlyName(), command.timeZone(),
                command.trigger()));
        apply(new DeviceKeyIssued(command.deviceId(), command.org(), command.keyId(), command.keyHash(), null));
    }

    @CommandHandler
    public DeviceState handle(ChangeDevice command) {
        ownedBy(command.org());
        if (command.friendlyName() != null && !command.friendlyName().equals(friendlyName)) {
            apply(new DeviceRenamed(deviceId, org, command.friendlyName()));
        }
        if (command.status() != null && command.status() != status) {
            apply(new DeviceStatusChanged(deviceId, org, command.status()));
        }
        String zone = command.timeZone() != null ? command.timeZone() : timeZone;
        TriggerConfig schedule = command.trigger() != null ? command.trigger() : trigger;
        if (!zone.equals(timeZone) || !schedule.equals(trigger)) {
            apply(new DeviceTriggerConfigured(deviceId, org, zone, schedule));
        }
        return state();
    }

    public DeviceState state() {
        return new DeviceState(deviceId, org, friendlyName, status, timeZone, trigger);
    }

    @CommandHandler
    public void handle(IssueDeviceKey command) {
        ownedBy(command.org());
        if (keys.containsKey(command.keyId()) || revoked.contains(command.keyId())) {
            throw DomainException.conflict("key_exists", "Device '" + deviceId + "' already has key '" + command.keyId() + "'");
        }
        apply(new DeviceKeyIssued(deviceId, org, command.keyId(), command.keyHash(), command.otherKeysValidUntil()));
    }

    /** Revoking a key that is already revoked changes nothing; a key this device never had is not found. */
    @CommandHandler
    public void handle(RevokeDeviceKey command) {
        ownedBy(command.org());
        if (keys.containsKey(command.keyId())) {
            apply(new DeviceKeyRevoked(deviceId, org, command.keyId()));
        } else if (!revoked.contains(command.keyId())) {
            throw DeviceKey.notFound(deviceId, command.keyId());
        }
    }

    private void ownedBy(OrgId caller) {
        if (!Objects.equals(caller, org)) {
            throw DomainException.notFound("device_not_found", "No device '" + deviceId + "'");
        }
    }

    public DeviceStatus status() {
        return status;
    }

    @EventSourcingHandler
    void on(DeviceRegistered e) {
        deviceId = e.deviceId();
        org = e.org();
        friendlyName = e.friendlyName();
        timeZone = e.timeZone();
        trigger = e.trigger();
        status = DeviceStatus.ACTIVE;
    }

    @EventSourcingHandler
    void on(DeviceRenamed e) {
        friendlyName = e.friendlyName();
    }

    @EventSourcingHandler
    void on(DeviceStatusChanged e) {
        status = e.status();
    }

    @EventSourcingHandler
    void on(DeviceTriggerConfigured e) {
        timeZone = e.timeZone();
        trigger = e.trigger();
    }

    @EventSourcingHandler
    void on(DeviceKeyIssued e) {
        if (e.otherKeysValidUntil() != null) {
            keys.replaceAll((id, until) -> until == null || until.isAfter(e.otherKeysValidUntil())
                    ? e.otherKeysValidUntil() : until);
        }
        keys.put(e.keyId(), null);
    }

    @EventSourcingHandler
    void on(DeviceKeyRevoked e) {
        keys.remove(e.keyId());
        revoked.add(e.keyId());
    }
}
