package io.vigil.query.capture;

import io.r2dbc.spi.Readable;
import io.vigil.core.DomainException;
import io.vigil.core.capture.EvaluationStatus;
import io.vigil.platform.security.CurrentUser;
import io.vigil.query.QueryParameters;
import io.vigil.query.QuerySideProperties;
import io.vigil.query.device.DeviceAccess;
import io.vigil.query.live.ChangeListener;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A device's captures for its organisation: newest first (by the device's capture time), filtered by time, trigger
 * type, evaluation status and detected class, paged with {@code before=<the last capture_id of a page>}; one capture
 * with its evaluation; and the list live, for browsers.
 */
@RestController
class CaptureQueryController {
    private final DatabaseClient db;
    private final QueryParameters parameters;
    private final ChangeListener listener;
    private final QuerySideProperties properties;
    private final DeviceAccess devices;
    private final JsonMapper json;

    CaptureQueryController(DatabaseClient db, QueryParameters parameters, ChangeListener listener,
                           QuerySideProperties properties, DeviceAccess devices, JsonMapper json) {
        this.db = db;
        this.parameters = parameters;
        this.listener = listener;
        this.properties = properties;
        this.devices = devices;
        this.json = json;
    }

    /** The trigger types a capture can have. */
    enum TriggerType { SCHEDULED, MANUAL, UNSOLICITED }

    @GetMapping("/api/v1/devices/{id}/captures")
    Flux<CaptureView> list(@PathVariable String id, @RequestParam(required = false) String from,
                           @RequestParam(required = false) String to,
                           @RequestParam(name = "trigger_type", required = false) String triggerType,
                           @RequestParam(name = "evaluation_status", required = false) String evaluationStatus,
                           @RequestParam(name = "class", required = false) String detectedClass,
                           @RequestParam(required = false) String before, @RequestParam(required = false) String limit,
                           @AuthenticationPrincipal Jwt jwt) {
        Filter filter = new Filter(QueryParameters.instant(from, "from"), QueryParameters.instant(to, "to"),
                QueryParameters.enumValue(TriggerType.class, triggerType, "trigger_type"),
                QueryParameters.enumValue(EvaluationStatus.class, evaluationStatus, "evaluation_status"),
                QueryParameters.optionalText(detectedClass, "class", 64),
                QueryParameters.optionalText(before, "before", 40), parameters.limit(limit));
        return devices.owned(id, jwt).thenMany(read(id, filter));
    }

    /** {@code event: captures} with the newest {@code limit} captures now and after every change. */
    @GetMapping(path = "/api/v1/devices/{id}/captures/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    Flux<ServerSentEvent<List<CaptureView>>> live(@PathVariable String id, @RequestParam(required = false) String limit,
                                                  @AuthenticationPrincipal Jwt jwt) {
        Filter latest = new Filter(null, null, null, null, null, null, parameters.limit(limit));
        Flux<ServerSentEvent<List<CaptureView>>> snapshots = listener.changes(ChangeListener.CAPTURES)
                .filter(device -> device.equals(id) || device.equals(ChangeListener.RESYNC))
                .startWith(id)
                .onBackpressureLatest()
                .concatMap(change -> read(id, latest).collectList(), 1)
                .map(list -> ServerSentEvent.builder(list).event("captures").build());
        Flux<ServerSentEvent<List<CaptureView>>> keepAlive = Flux.interval(properties.sseKeepalive())
                .map(i -> ServerSentEvent.<List<CaptureView>>builder().comment("keep-alive").build());
        return devices.owned(id, jwt).thenMany(Flux.merge(snapshots, keepAlive));
    }

    @GetMapping("/api/v1/captures/{captureId}")
    Mono<CaptureView> one(@PathVariable String captureId, @AuthenticationPrincipal Jwt jwt) {
        return db.sql("SELECT * FROM capture_view WHERE capture_id = :id AND org = :org")
                .bind("id", captureId).bind("org", CurrentUser.org(jwt).value())
                .map(this::view).one()
                .switchIfEmpty(Mono.error(() -> notFound(captureId)));
    }

    static DomainException notFound(String captureId) {
        return DomainException.notFound("capture_not_found", "No capture '"
                + (captureId.length() > 40 ? captureId.substring(0, 40) + "…" : captureId) + "'");
    }

    private Flux<CaptureView> read(String deviceId, Filter f) {
        var spec = db.sql("""
                        SELECT * FROM capture_view WHERE device_id = :device
                          AND (CAST(:from AS TIMESTAMPTZ) IS NULL OR captured_at >= :from)
                          AND (CAST(:to AS TIMESTAMPTZ) IS NULL OR captured_at < :to)
                          AND (CAST(:type AS TEXT) IS NULL OR trigger_type = :type)
                          AND (CAST(:status AS TEXT) IS NULL OR evaluation_status = :status)
                          AND (CAST(:class AS TEXT) IS NULL OR detection_classes @> ARRAY[CAST(:class AS TEXT)])
                          AND (CAST(:before AS TEXT) IS NULL OR (captured_at, capture_id) <
                               (SELECT captured_at, capture_id FROM capture_view WHERE capture_id = :before))
                        ORDER BY captured_at DESC, capture_id DESC LIMIT :limit""")
                .bind("device", deviceId).bind("limit", f.limit());
        spec = f.from() == null ? spec.bindNull("from", OffsetDateTime.class) : spec.bind("from", f.from());
        spec = f.to() == null ? spec.bindNull("to", OffsetDateTime.class) : spec.bind("to", f.to());
        spec = f.type() == null ? spec.bindNull("type", String.class) : spec.bind("type", f.type());
        spec = f.status() == null ? spec.bindNull("status", String.class) : spec.bind("status", f.status());
        spec = f.detectedClass() == null ? spec.bindNull("class", String.class) : spec.bind("class", f.detectedClass());
        spec = f.before() == null ? spec.bindNull("before", String.class) : spec.bind("before", f.before());
        return spec.map(this::view).all();
    }

    @SuppressWarnings("unchecked")
    private CaptureView view(Readable row) {
        String evaluation = row.get("evaluation", String.class);
        Map<String, Object> result = evaluation == null ? null : json.readValue(evaluation, Map.class);
        String captureId = row.get("capture_id", String.class);
        boolean purged = row.get("image_purged_at", OffsetDateTime.class) != null;
        return new CaptureView(captureId, row.get("device_id", String.class), row.get("trigger_id", String.class),
                row.get("trigger_type", String.class), row.get("trigger_label", String.class), at(row, "captured_at"),
                at(row, "received_at"), Boolean.TRUE.equals(row.get("clock_skewed", Boolean.class)),
                new ImageView(row.get("content_type", String.class), row.get("size", Long.class),
                        row.get("width", Integer.class), row.get("height", Integer.class), row.get("sha256", String.class),
                        purged ? null : "/api/v1/captures/" + captureId + "/image", at(row, "image_purged_at"),
                        row.get("purge_reason", String.class)),
                json.readValue(row.get("metadata", String.class), Map.class),
                new EvaluationView(row.get("evaluation_status", String.class),
                        row.get("evaluation_attempts", Integer.class), at(row, "evaluated_at"),
                        row.get("evaluation_failure", String.class), result));
    }

    private static Instant at(Readable row, String column) {
        OffsetDateTime t = row.get(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private record Filter(OffsetDateTime from, OffsetDateTime to, String type, String status, String detectedClass,
                          String before, int limit) {
    }

    /**
     * @param capturedAt  the device's clock; {@code clockSkewed} when it was more than 5 minutes off the server's
     * @param receivedAt  the server's clock when the upload arrived
     */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record CaptureView(String captureId, String deviceId, String triggerId, String triggerType, String triggerLabel,
                       Instant capturedAt, Instant receivedAt, boolean clockSkewed, ImageView image,
                       Map<String, Object> metadata, EvaluationView evaluation) {
    }

    /** {@code url}: where the image is served, absent once it was purged ({@code purgedAt}, {@code purgeReason}). */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record ImageView(String contentType, Long size, Integer width, Integer height, String sha256, String url,
                     Instant purgedAt, String purgeReason) {
    }

    /** {@code result}: {@code evaluator, detections, objects, suggested_events, measures} once completed. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record EvaluationView(String status, Integer attempts, Instant evaluatedAt, String failureReason,
                          Map<String, Object> result) {
    }
}
