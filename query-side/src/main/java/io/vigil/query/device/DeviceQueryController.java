package io.vigil.query.device;

import io.vigil.core.Check;
import io.vigil.core.DomainException;
import io.vigil.core.device.DeviceStatus;
import io.vigil.core.device.TriggerConfig;
import io.vigil.platform.device.TriggerConfigBody;
import io.vigil.platform.security.CurrentUser;
import io.vigil.query.QueryParameters;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The caller's organisation's cameras, for any of its users. Another organisation's device is not found, the same
 * answer as for a device that does not exist, so ids do not leak across organisations.
 */
@RestController
@RequestMapping("/api/v1/devices")
class DeviceQueryController {
    private final DatabaseClient db;
    private final QueryParameters parameters;
    private final JsonMapper json;

    DeviceQueryController(DatabaseClient db, QueryParameters parameters, JsonMapper json) {
        this.db = db;
        this.parameters = parameters;
        this.json = json;
    }

    /** By device id; a page ends with the last id returned, and {@code after=<that id>} asks for the next. */
    @GetMapping
    Flux<DeviceView> list(@RequestParam(required = false) String status, @RequestParam(required = false) String after,
                          @RequestParam(required = false) String limit, @AuthenticationPrincipal Jwt jwt) {
        int max = parameters.limit(limit);
        String statusFilter = status == null || status.isBlank() ? null
                : Check.oneOf(DeviceStatus.class, status, "status").name().toLowerCase(Locale.ROOT);
        String from = QueryParameters.optionalText(after, "after", 64);
        var spec = db.sql("""
                        SELECT * FROM device_view WHERE org = :org
                          AND (CAST(:status AS TEXT) IS NULL OR status = :status)
                          AND (CAST(:after AS TEXT) IS NULL OR device_id > :after)
                        ORDER BY device_id LIMIT :limit""")
                .bind("org", CurrentUser.org(jwt).value())
                .bind("limit", max);
        spec = statusFilter == null ? spec.bindNull("status", String.class) : spec.bind("status", statusFilter);
        spec = from == null ? spec.bindNull("after", String.class) : spec.bind("after", from);
        return spec.map(row -> view(row, null)).all();
    }

    @GetMapping("/{id}")
    Mono<DeviceView> one(@PathVariable String id, @AuthenticationPrincipal Jwt jwt) {
        String org = CurrentUser.org(jwt).value();
        Mono<List<KeyView>> keys = db.sql("""
                        SELECT key_id, issued_at, valid_until, revoked_at FROM device_key_view
                        WHERE device_id = :id ORDER BY issued_at, key_id""")
                .bind("id", id)
                .map(row -> new KeyView(row.get("key_id", String.class), instant(row, "issued_at"),
                        instant(row, "valid_until"), instant(row, "revoked_at")))
                .all().collectList();
        return db.sql("SELECT * FROM device_view WHERE device_id = :id AND org = :org")
                .bind("id", id).bind("org", org)
                .map(row -> view(row, List.<KeyView>of()))
                .one()
                .switchIfEmpty(Mono.error(() -> DomainException.notFound("device_not_found", "No device '" + id + "'")))
                .zipWith(keys, (device, k) -> device.withKeys(k));
    }

    private DeviceView view(Readable row, List<KeyView> keys) {
        TriggerConfigBody trigger = json.readValue(row.get("trigger", String.class), TriggerConfigBody.class);
        String status = row.get("status", String.class);
        String zone = row.get("time_zone", String.class);
        String[] via = row.get("connected_via", String[].class);
        List<String> connectedVia = via == null ? List.of() : List.of(via);
        return new DeviceView(row.get("device_id", String.class), row.get("friendly_name", String.class),
                status, zone, new ConfigView(trigger), !connectedVia.isEmpty(), connectedVia, instant(row, "last_seen_at"),
                "active".equals(status) ? nextRun(trigger.toConfig(), zone, instant(row, "last_scheduled_for")) : null,
                instant(row, "registered_at"), instant(row, "updated_at"), keys);
    }

    /**
     * An estimate: the cadence of the last scheduled run for an interval, the clock for a cron. The scheduler skips
     * a run that finds a trigger still in flight and spreads runs missed during a downtime, which this cannot know.
     */
    static Instant nextRun(TriggerConfig config, String zone, Instant lastScheduled) {
        if (!config.enabled()) {
            return null;
        }
        Instant now = Instant.now();
        ZoneId z = ZoneId.of(zone);
        if (config.intervalSeconds() != null && lastScheduled != null) {
            long interval = config.intervalSeconds() * 1000L;
            long behind = Math.max(0, java.time.Duration.between(lastScheduled, now).toMillis());
            Instant next = lastScheduled.plusMillis((behind / interval + 1) * interval);
            return config.allows(next, z) ? next : config.nextRun(next, z).orElse(null);
        }
        return config.nextRun(now, z).orElse(null);
    }

    private static Instant instant(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    record ConfigView(TriggerConfigBody trigger) {
    }

    /** {@code keys}: in the detail only; ids and validity, never a key. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    /**
     * {@code connected}, {@code connected_via}: whether, and over which transports ({@code sse}, {@code mqtt}), the
     * device holds a connection now, on any instance; {@code last_seen_at}: the device's last ack or capture;
     * {@code next_run_at}: the next scheduled run, estimated (see {@link #nextRun}).
     */
    record DeviceView(String deviceId, String friendlyName, String status, String timeZone, ConfigView config,
                      boolean connected, List<String> connectedVia,
                      Instant lastSeenAt, Instant nextRunAt, Instant registeredAt, Instant updatedAt, List<KeyView> keys) {
        DeviceView withKeys(List<KeyView> k) {
            return new DeviceView(deviceId, friendlyName, status, timeZone, config, connected, connectedVia, lastSeenAt,
                    nextRunAt, registeredAt, updatedAt, k);
        }
    }

    record KeyView(String keyId, Instant issuedAt, Instant validUntil, Instant revokedAt) {
    }
}
