package io.vigil.command.device;

import io.vigil.core.DomainException;
import io.vigil.core.Rejection;
import io.vigil.core.device.DeviceKey;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A device proves who it is with one of its keys, as {@code X-Device-Key} or {@code Authorization: Bearer}; the key
 * must be valid now, the device not suspended, and the key the device's own (the path names the device).
 */
@Component
public class DeviceAuthentication {
    public static final String KEY_HEADER = "X-Device-Key";
    private final DeviceRegistry registry;

    public DeviceAuthentication(DeviceRegistry registry) {
        this.registry = registry;
    }

    public Mono<DeviceRegistry.AuthenticatedDevice> authenticate(ServerHttpRequest request, String deviceId) {
        return authenticate(request)
                .flatMap(device -> device.deviceId().equals(deviceId) ? Mono.just(device)
                        : Mono.error(DomainException.forbidden("wrong_device", "This key belongs to another device")));
    }

    /** The device the key belongs to, whichever it is (an upload names its device in its body). */
    public Mono<DeviceRegistry.AuthenticatedDevice> authenticate(ServerHttpRequest request) {
        String key = request.getHeaders().getFirst(KEY_HEADER);
        String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if ((key == null || key.isBlank()) && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = authorization.substring(7).trim();
        }
        if (key == null || key.isBlank() || key.length() > 200) {
            return Mono.error(unauthenticated("A device key is required, as " + KEY_HEADER + " or Authorization: Bearer"));
        }
        String hash = DeviceKey.hash(key);
        return Mono.fromCallable(() -> registry.authenticate(hash))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(found -> found.map(Mono::just).orElseGet(() -> Mono.error(unauthenticated(
                        "This device key is not valid (unknown, expired, revoked, or the device is suspended)"))));
    }

    private static DomainException unauthenticated(String message) {
        return new DomainException(Rejection.UNAUTHENTICATED, "device_unauthenticated", message);
    }
}
