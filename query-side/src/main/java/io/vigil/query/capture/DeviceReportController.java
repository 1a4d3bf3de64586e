package io.vigil.query.capture;

import io.r2dbc.spi.Readable;
import io.vigil.core.DomainException;
import io.vigil.platform.security.CurrentUser;
import io.vigil.query.QueryParameters;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * What the existing fleet's check script showed per device, over a time range (default: the last 24 hours):
 * captures total / pending / evaluated / failed, triggers by type and by state, the success rate (executed of
 * those sent), how long uploads took, and when the device was last seen.
 */
@RestController
class DeviceReportController {
    private static final Duration LONGEST = Duration.ofDays(366);
    private final DatabaseClient db;
    private final Clock clock = Clock.systemUTC();

    DeviceReportController(DatabaseClient db) {
        this.db = db;
    }

    @GetMapping("/api/v1/devices/{id}/report")
    Mono<Map<String, Object>> report(@PathVariable String id, @RequestParam(required = false) String from,
                                     @RequestParam(required = false) String to, @AuthenticationPrincipal Jwt jwt) {
        OffsetDateTime until = QueryParameters.instant(to, "to");
        until = until == null ? clock.instant().atOffset(ZoneOffset.UTC) : until;
        OffsetDateTime since = QueryParameters.instant(from, "from");
        since = since == null ? until.minusHours(24) : since;
        if (!since.isBefore(until) || Duration.between(since, until).compareTo(LONGEST) > 0) {
            return Mono.error(DomainException.invalid("invalid_range", "from must be before to, at most 366 days"
                    + " apart"));
        }
        OffsetDateTime start = since;
        OffsetDateTime end = until;
        Mono<Map<String, Object>> device = db.sql("""
                        SELECT device_id, friendly_name, status, last_seen_at FROM device_view
                        WHERE device_id = :id AND org = :org""")
                .bind("id", id).bind("org", CurrentUser.org(jwt).value())
                .map(row -> {
                    Map<String, Object> d = new LinkedHashMap<>();
                    d.put("device_id", row.get("device_id", String.class));
                    d.put("friendly_name", row.get("friendly_name", String.class));
                    d.put("status", row.get("status", String.class));
                    d.put("last_seen_at", instant(row, "last_seen_at"));
                    return d;
                })
                .one()
                .switchIfEmpty(Mono.error(() -> DomainException.notFound("device_not_found", "No device '" + id + "'")));
        Mono<Map<String, Object>> captures = db.sql("""
                        SELECT count(*) AS total,
                            count(*) FILTER (WHERE evaluation_status = 'pending') AS pending,
                            count(*) FILTER (WHERE evaluation_status = 'completed') AS evaluated,
                            count(*) FILTER (WHERE evaluation_status = 'failed') AS failed,
                            count(*) FILTER (WHERE trigger_id IS NULL) AS unsolicited,
                            count(*) FILTER (WHERE clock_skewed) AS clock_skewed,
                            avg(EXTRACT(EPOCH FROM received_at - captured_at)) AS capture_to_upload
                        FROM capture_view WHERE device_id = :id AND received_at >= :from AND received_at < :to""")
                .bind("id", id).bind("from", start).bind("to", end)
                .map(row -> {
                    Map<String, Object> c = new LinkedHashMap<>();
                    c.put("total", count(row, "total"));
                    c.put("pending", count(row, "pending"));
                    c.put("evaluated", count(row, "evaluated"));
                    c.put("failed", count(row, "failed"));
                    c.put("unsolicited", count(row, "unsolicited"));
                    c.put("clock_skewed", count(row, "clock_skewed"));
                    c.put("average_capture_to_upload_seconds", seconds(row, "capture_to_upload"));
                    return c;
                }).one();
        Mono<Map<String, Object>> triggers = db.sql("""
                        SELECT count(*) AS total,
                            count(*) FILTER (WHERE t.type = 'manual') AS manual,
                            count(*) FILTER (WHERE t.type = 'scheduled') AS scheduled,
                            count(*) FILTER (WHERE t.state = 'pending') AS pending,
                            count(*) FILTER (WHERE t.state = 'sent') AS sent,
                            count(*) FILTER (WHERE t.state = 'delivered') AS delivered,
                            count(*) FILTER (WHERE t.state = 'executed') AS executed,
                            count(*) FILTER (WHERE t.state = 'failed') AS failed,
                            count(*) FILTER (WHERE t.state = 'expired') AS expired,
                            count(*) FILTER (WHERE t.sent_at IS NOT NULL OR t.delivered_at IS NOT NULL
                                OR t.state = 'executed') AS reached_device,
                            avg(EXTRACT(EPOCH FROM c.received_at - t.issued_at)) AS trigger_to_upload
                        FROM trigger_view t LEFT JOIN capture_view c ON c.trigger_id = t.trigger_id
                            AND c.device_id = t.device_id
                        WHERE t.device_id = :id AND t.issued_at >= :from AND t.issued_at < :to""")
                .bind("id", id).bind("from", start).bind("to", end)
                .map(row -> {
                    Map<String, Object> t = new LinkedHashMap<>();
                    t.put("total", count(row, "total"));
                    t.put("by_type", ordered("manual", count(row, "manual"), "scheduled", count(row, "scheduled")));
                    Map<String, Object> byState = new LinkedHashMap<>();
                    for (String state : new String[]{"pending", "sent", "delivered", "executed", "failed", "expired"}) {
                        byState.put(state, count(row, state));
                    }
                    t.put("by_state", byState);
                    long reached = count(row, "reached_device");
                    t.put("sent", reached);
                    t.put("success_rate", reached == 0 ? null
                            : Math.round(count(row, "executed") * 10000.0 / reached) / 10000.0);
                    t.put("average_trigger_to_upload_seconds", seconds(row, "trigger_to_upload"));
                    return t;
                }).one();
        return device.flatMap(d -> Mono.zip(captures, triggers).map(both -> {
            Map<String, Object> report = new LinkedHashMap<>(d);
            report.put("from", start.toInstant());
            report.put("to", end.toInstant());
            report.put("captures", both.getT1());
            report.put("triggers", both.getT2());
            return report;
        }));
    }

    private static Map<String, Object> ordered(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(k1, v1);
        m.put(k2, v2);
        return m;
    }

    private static long count(Readable row, String column) {
        Number n = row.get(column, Number.class);
        return n == null ? 0 : n.longValue();
    }

    private static Double seconds(Readable row, String column) {
        Number n = row.get(column, Number.class);
        return n == null ? null : Math.round(n.doubleValue() * 1000) / 1000.0;
    }

    private static Instant instant(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
