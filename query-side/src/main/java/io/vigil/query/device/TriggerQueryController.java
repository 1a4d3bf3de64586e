package io.vigil.query.device;

import io.vigil.core.trigger.TriggerState;
import io.vigil.core.trigger.TriggerType;
import io.vigil.query.QueryParameters;
import io.vigil.query.QuerySideProperties;
import io.vigil.query.live.ChangeListener;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
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

/**
 * A device's triggers, newest first, for its organisation: filtered by state, type and issue time, paged with
 * {@code before=<the last trigger_id of a page>}; and the same list live, for browsers.
 */
@RestController
@RequestMapping("/api/v1/devices/{id}/triggers")
class TriggerQueryController {
    private final DatabaseClient db;
    private final QueryParameters parameters;
    private final ChangeListener listener;
    private final QuerySideProperties properties;
    private final DeviceAccess devices;

    TriggerQueryController(DatabaseClient db, QueryParameters parameters, ChangeListener listener,
                           QuerySideProperties properties, DeviceAccess devices) {
        this.devices = devices;
        this.db = db;
        this.parameters = parameters;
        this.listener = listener;
        this.properties = properties;
    }

    @GetMapping
    Flux<TriggerView> list(@PathVariable String id, @RequestParam(required = false) String state,
                           @RequestParam(required = false) String type, @RequestParam(required = false) String from,
                           @RequestParam(required = false) String to, @RequestParam(required = false) String before,
                           @RequestParam(required = false) String limit, @AuthenticationPrincipal Jwt jwt) {
        Filter filter = new Filter(QueryParameters.enumValue(TriggerState.class, state, "state"),
                QueryParameters.enumValue(TriggerType.class, type, "type"), QueryParameters.instant(from, "from"),
                QueryParameters.instant(to, "to"), QueryParameters.optionalText(before, "before", 100),
                parameters.limit(limit));
        return devices.owned(id, jwt).thenMany(read(id, filter));
    }

    /** {@code event: triggers} with the newest {@code limit} triggers now and after every change; a comment keeps it open. */
    @GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<List<TriggerView>>> live(@PathVariable String id, @RequestParam(required = false) String limit,
                                                  @AuthenticationPrincipal Jwt jwt) {
        Filter latest = new Filter(null, null, null, null, null, parameters.limit(limit));
        Flux<ServerSentEvent<List<TriggerView>>> snapshots = listener.changes(ChangeListener.TRIGGERS)
                .filter(device -> device.equals(id) || device.equals(ChangeListener.RESYNC))
                .startWith(id)
                .onBackpressureLatest()
                .concatMap(change -> read(id, latest).collectList(), 1)
                .map(list -> ServerSentEvent.builder(list).event("triggers").build());
        Flux<ServerSentEvent<List<TriggerView>>> keepAlive = Flux.interval(properties.sseKeepalive())
                .map(i -> ServerSentEvent.<List<TriggerView>>builder().comment("keep-alive").build());
        return devices.owned(id, jwt).thenMany(Flux.merge(snapshots, keepAlive));
    }

    private Flux<TriggerView> read(String deviceId, Filter f) {
        var spec = db.sql("""
                        SELECT * FROM trigger_view t WHERE device_id = :device
                          AND (CAST(:state AS TEXT) IS NULL OR state = :state)
                          AND (CAST(:type AS TEXT) IS NULL OR type = :type)
                          AND (CAST(:from AS TIMESTAMPTZ) IS NULL OR issued_at >= :from)
                          AND (CAST(:to AS TIMESTAMPTZ) IS NULL OR issued_at < :to)
                          AND (CAST(:before AS TEXT) IS NULL OR (issued_at, trigger_id) <
                               (SELECT issued_at, trigger_id FROM trigger_view WHERE trigger_id = :before))
                        ORDER BY issued_at DESC, trigger_id DESC LIMIT :limit""")
                .bind("device", deviceId).bind("limit", f.limit());
        spec = f.state() == null ? spec.bindNull("state", String.class) : spec.bind("state", f.state());
        spec = f.type() == null ? spec.bindNull("type", String.class) : spec.bind("type", f.type());
        spec = f.from() == null ? spec.bindNull("from", OffsetDateTime.class) : spec.bind("from", f.from());
        spec = f.to() == null ? spec.bindNull("to", OffsetDateTime.class) : spec.bind("to", f.to());
        spec = f.before() == null ? spec.bindNull("before", String.class) : spec.bind("before", f.before());
        return spec.map(TriggerQueryController::view).all();
    }

    private static TriggerView view(Readable row) {
        return new TriggerView(row.get("trigger_id", String.class), row.get("device_id", String.class),
                row.get("type", String.class), row.get("label", String.class), row.get("state", String.class),
                at(row, "issued_at"), at(row, "expires_at"), at(row, "scheduled_for"), row.get("transport", String.class),
                at(row, "sent_at"), at(row, "delivered_at"), at(row, "ended_at"), row.get("failure_reason", String.class));
    }

    private static Instant at(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private record Filter(String state, String type, OffsetDateTime from, OffsetDateTime to, String before, int limit) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record TriggerView(String triggerId, String deviceId, String triggerType, String triggerLabel, String status,
                       Instant issuedAt, Instant expiresAt, Instant scheduledFor, String transport, Instant sentAt,
                       Instant deliveredAt, Instant endedAt, String failureReason) {
    }
}
