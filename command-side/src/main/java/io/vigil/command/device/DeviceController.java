package io.vigil.command.device;

import io.vigil.command.CommandDispatcher;
import io.vigil.command.DeviceProperties;
import io.vigil.command.MqttProperties;
import io.vigil.core.Check;
import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import io.vigil.core.device.ChangeDevice;
import io.vigil.core.device.DeviceId;
import io.vigil.core.device.DeviceKey;
import io.vigil.core.device.DeviceState;
import io.vigil.core.device.DeviceStatus;
import io.vigil.core.device.IssueDeviceKey;
import io.vigil.core.device.RegisterDevice;
import io.vigil.core.device.RevokeDeviceKey;
import io.vigil.core.device.TriggerConfig;
import io.vigil.platform.device.TriggerConfigBody;
import io.vigil.platform.security.CurrentUser;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Admins register their organisation's cameras, change them, and issue and revoke their keys. A key is shown in
 * the answer that creates it and never again: only its SHA-256 is kept.
 */
@RestController
@RequestMapping("/api/v1/devices")
class DeviceController {
    private final CommandDispatcher dispatcher;
    private final DeviceProperties properties;
    private final MqttProperties mqtt;
    private final Clock clock;

    DeviceController(CommandDispatcher dispatcher, DeviceProperties properties, MqttProperties mqtt) {
        this.dispatcher = dispatcher;
        this.properties = properties;
        this.mqtt = mqtt;
        this.clock = Clock.systemUTC();
    }

    @PostMapping
    Mono<ResponseEntity<RegisteredDevice>> register(@RequestBody(required = false) RegisterBody body,
                                                    @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        RegisterBody b = required(body);
        DeviceId id = new DeviceId(b.deviceId());
        if (id.value().equalsIgnoreCase(mqtt.username())) {
            throw DomainException.invalid("invalid_device_id", "device_id '" + id + "' is reserved: it is the cloud's own"
                    + " MQTT user name");
        }
        OrgId org = CurrentUser.org(jwt);
        String zone = b.timeZone() != null ? b.timeZone() : properties.defaultTimeZone();
        TriggerConfig trigger = b.config() == null || b.config().trigger() == null ? TriggerConfig.DISABLED
                : b.config().trigger().toConfig();
        DeviceKey key = DeviceKey.generate();
        var command = new RegisterDevice(id, org, b.friendlyName() != null ? b.friendlyName() : id.value(), zone,
                trigger, key.id(), key.hash());
        DeviceState state = new DeviceState(id, org, command.friendlyName(), DeviceStatus.ACTIVE, zone, trigger);
        return dispatcher.send(command, CurrentUser.of(jwt), exchange)
                .thenReturn(ResponseEntity.created(URI.create("/api/v1/devices/" + id))
                        .body(new RegisteredDevice(DeviceBody.of(state), key.id(), key.secret())));
    }

    @PatchMapping("/{id}")
    Mono<DeviceBody> change(@PathVariable String id, @RequestBody(required = false) ChangeBody body,
                            @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        ChangeBody b = required(body);
        var command = new ChangeDevice(deviceId(id), CurrentUser.org(jwt), b.friendlyName(),
                b.status() == null ? null : Check.oneOf(DeviceStatus.class, b.status(), "status"), b.timeZone(),
                b.config() == null || b.config().trigger() == null ? null : b.config().trigger().toConfig());
        return dispatcher.<DeviceState>send(command, CurrentUser.of(jwt), exchange).map(DeviceBody::of);
    }

    /**
     * A new key; the device's other keys stay valid for {@code overlap_seconds} (default
     * {@code vigil.devices.key-overlap}; 0 ends them now), so a fleet can switch over without a gap.
     */
    @PostMapping("/{id}/keys")
    Mono<ResponseEntity<IssuedKey>> issueKey(@PathVariable String id, @RequestBody(required = false) KeyBody body,
                                             @AuthenticationPrincipal Jwt jwt, ServerWebExchange exchange) {
        Duration overlap = body == null || body.overlapSeconds() == null ? properties.keyOverlap()
                : overlap(body.overlapSeconds());
        DeviceId device = deviceId(id);
        DeviceKey key = DeviceKey.generate();
        Instant othersUntil = clock.instant().plus(overlap);
        var command = new IssueDeviceKey(device, CurrentUser.org(jwt), key.id(), key.hash(), othersUntil);
        return dispatcher.send(command, CurrentUser.of(jwt), exchange)
                .thenReturn(ResponseEntity.status(HttpStatus.CREATED)
                        .body(new IssuedKey(device.value(), key.id(), key.secret(), othersUntil)));
    }

    @DeleteMapping("/{id}/keys/{keyId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> revokeKey(@PathVariable String id, @PathVariable String keyId, @AuthenticationPrincipal Jwt jwt,
                         ServerWebExchange exchange) {
        return dispatcher.send(new RevokeDeviceKey(deviceId(id), CurrentUser.org(jwt), keyId), CurrentUser.of(jwt),
                exchange).then();
    }

    private Duration overlap(long seconds) {
        if (seconds < 0 || seconds > properties.maxKeyOverlap().toSeconds()) {
            throw DomainException.invalid("invalid_overlap_seconds", "overlap_seconds must be between 0 and "
                    + properties.maxKeyOverlap().toSeconds() + ", was " + seconds);
        }
        return Duration.ofSeconds(seconds);
    }

    /** An id that cannot be a device's is simply not found: the answer is the same as for another organisation's. */
    private static DeviceId deviceId(String id) {
        try {
            return new DeviceId(id);
        } catch (DomainException e) {
            throw DomainException.notFound("device_not_found", "No device '" + id + "'");
        }
    }

    private static <T> T required(T body) {
        if (body == null) {
            throw DomainException.invalid("invalid_body", "a JSON body is required");
        }
        return body;
    }

    record ConfigBody(TriggerConfigBody trigger) {
    }

    record RegisterBody(String deviceId, String friendlyName, String timeZone, ConfigBody config) {
    }

    record ChangeBody(String friendlyName, String status, String timeZone, ConfigBody config) {
    }

    record KeyBody(Long overlapSeconds) {
    }

    /** A device as the command side answers it: the same fields as the read side's detail, without what it observes. */
    record DeviceBody(String deviceId, String friendlyName, String status, String timeZone, ConfigBody config) {
        static DeviceBody of(DeviceState s) {
            return new DeviceBody(s.deviceId().value(), s.friendlyName(), s.status().name().toLowerCase(Locale.ROOT),
                    s.timeZone(), new ConfigBody(TriggerConfigBody.of(s.trigger())));
        }
    }

    /** The device, and its first key: the only time the key is shown. */
    record RegisteredDevice(String deviceId, String friendlyName, String status, String timeZone, ConfigBody config,
                            String keyId, String apiKey) {
        RegisteredDevice(DeviceBody d, String keyId, String apiKey) {
            this(d.deviceId(), d.friendlyName(), d.status(), d.timeZone(), d.config(), keyId, apiKey);
        }
    }

    record IssuedKey(String deviceId, String keyId, String apiKey, Instant otherKeysValidUntil) {
    }
}
