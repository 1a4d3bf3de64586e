package io.vigil.query.device;

import io.vigil.core.DomainException;
import io.vigil.platform.security.CurrentUser;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Whether the caller's organisation has the device: another organisation's device is, to it, not found. */
@Component
public class DeviceAccess {
    private final DatabaseClient db;

    public DeviceAccess(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> owned(String deviceId, Jwt jwt) {
        return db.sql("SELECT 1 FROM device_view WHERE device_id = :id AND org = :org")
                .bind("id", deviceId).bind("org", CurrentUser.org(jwt).value())
                .map(row -> 1).one()
                .switchIfEmpty(Mono.error(() -> DomainException.notFound("device_not_found", "No device '" + deviceId + "'")))
                .then();
    }
}
