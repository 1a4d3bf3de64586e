package io.vigil.command.capture;

import io.vigil.command.device.DeviceRegistry.AuthenticatedDevice;
import io.vigil.command.trigger.TriggerSteps;
import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import io.vigil.core.Rejection;
import io.vigil.core.capture.Capture;
import io.vigil.core.capture.CaptureId;
import io.vigil.core.capture.CaptureImage;
import io.vigil.core.capture.CaptureUploaded;
import io.vigil.core.capture.UploadCapture;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.TriggerId;
import io.vigil.platform.blob.BlobStore;
import io.vigil.platform.blob.StoredBlob;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A device's upload, from checked bytes to a stored capture: the image is checked (type, whole, header), a repeat
 * answers the first upload, the device's rate and its organisation's quota are counted, the trigger must be the
 * device's and still open, the image goes to the blob store (content-addressed: a retry stores nothing twice), and
 * the capture is appended with its trigger's steps in one transaction of the fleet's batch path.
 *
 * <p>A crash between the blob write and the append leaves a blob no capture references: the orphan sweep deletes
 * it. No event ever points to a blob that was not written first.
 */
@Component
public class CaptureUploads {
    private static final java.time.Duration APPEND_TIMEOUT = java.time.Duration.ofSeconds(30);
    private final CaptureRegistry registry;
    private final UploadLimits limits;
    private final BlobStore blobs;
    private final TriggerSteps steps;
    private final JdbcTemplate jdbc;
    private final CaptureEvaluations evaluations;
    private final Clock clock;

    public CaptureUploads(CaptureRegistry registry, UploadLimits limits, BlobStore blobs, TriggerSteps steps,
                          JdbcTemplate jdbc, CaptureEvaluations evaluations, Clock clock) {
        this.registry = registry;
        this.limits = limits;
        this.blobs = blobs;
        this.steps = steps;
        this.jdbc = jdbc;
        this.evaluations = evaluations;
        this.clock = clock;
    }

    /** An upload as the device sent it (JSON or multipart), not yet checked. */
    public record Request(String deviceId, String triggerId, byte[] image, String declaredType, String capturedAt,
                          String triggerLabel, Map<String, String> metadata, String idempotencyKey) {
    }

    /** What the device is told: the capture, and whether this upload repeated an earlier one. */
    public record Answer(String captureId, String evaluationStatus, boolean repeat) {
    }

    public Mono<Answer> upload(AuthenticatedDevice device, Request request) {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return Mono.fromCallable(() -> prepare(device, request, receivedAt))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(prepared -> prepared.repeat() != null ? Mono.just(prepared.repeat())
                        : Mono.fromFuture(() -> steps.submit(new TriggerSteps.Upload(prepared.event())))
                        // the batch path answers within milliseconds; this long means the database is not answering
                        .timeout(APPEND_TIMEOUT, Mono.error(() -> DomainException.unavailable("unavailable",
                                "The capture could not be recorded in time; upload it again")))
                        // an unsolicited capture has no trigger state: the future completes with null
                        .then(Mono.fromSupplier(() -> new Answer(prepared.event().captureId().value(), "pending", false)))
                        .doOnSuccess(answer -> evaluations.wake()))
                // a repeat that raced the first upload (a unique key, a trigger the first just executed) answers
                // the first; a bad upload, or a failure with no first upload, stands
                .onErrorResume(CaptureUploads::mayBeRepeat, e -> Mono.fromCallable(() -> repeat(device, request).orElse(null))
                        .subscribeOn(Schedulers.boundedElastic())
                        .switchIfEmpty(Mono.error(e)));
    }

    private static boolean mayBeRepeat(Throwable e) {
        return !(e instanceof DomainException d) || d.rejection() == Rejection.CONFLICT
                || d.rejection() == Rejection.NOT_FOUND;
    }

    private record Prepared(CaptureUploaded event, Answer repeat) {
    }

    private Prepared prepare(AuthenticatedDevice device, Request request, Instant receivedAt) {
        if (request.deviceId() != null && !request.deviceId().equals(device.deviceId())) {
            throw DomainException.forbidden("wrong_device", "This key belongs to another device than '"
                    + request.deviceId() + "'");
        }
        TriggerId triggerId = request.triggerId() == null || request.triggerId().isBlank() ? null
                : new TriggerId(request.triggerId().trim());
        if (request.idempotencyKey() != null && (request.idempotencyKey().isBlank()
                || request.idempotencyKey().length() > 200)) {
            throw DomainException.invalid("invalid_idempotency_key", "Idempotency-Key must be 1-200 characters");
        }
        Instant capturedAt = capturedAt(request.capturedAt());
        ImageInspector.Inspected inspected = ImageInspector.inspect(request.image(), request.declaredType());
        Optional<Answer> repeat = repeat(device, request);
        if (repeat.isPresent()) {
            return new Prepared(null, repeat.get());
        }
        limits.count(device.deviceId(), device.org());
        DeviceId deviceId = new DeviceId(device.deviceId());
        String triggerType = triggerId == null ? null : typeInFlight(triggerId, deviceId);
        if (triggerId != null && triggerType == null) {
            throw steps.notInFlight(triggerId, deviceId);
        }
        StoredBlob blob = blobs.put(request.image(), inspected.contentType());
        CaptureImage image = new CaptureImage(blob.key(), blob.key(), inspected.contentType(), request.image().length,
                inspected.width(), inspected.height());
        CaptureUploaded event = Capture.uploaded(new UploadCapture(CaptureId.next(), deviceId, new OrgId(device.org()),
                triggerId, triggerType, request.triggerLabel(), capturedAt, receivedAt, image, request.metadata(),
                request.idempotencyKey()));
        return new Prepared(event, null);
    }

    private Optional<Answer> repeat(AuthenticatedDevice device, Request request) {
        String triggerId = request.triggerId() == null || request.triggerId().isBlank() ? null : request.triggerId().trim();
        return registry.repeatOf(device.deviceId(), triggerId, request.idempotencyKey())
                .map(stored -> new Answer(stored.captureId(), stored.evaluation().toLowerCase(Locale.ROOT), true));
    }

    /** The trigger's type ({@code scheduled}, {@code manual}) if it is the device's and open, else null. */
    private String typeInFlight(TriggerId triggerId, DeviceId deviceId) {
        List<String> type = jdbc.queryForList("SELECT type FROM trigger_inflight WHERE trigger_id = ? AND device_id = ?",
                String.class, triggerId.value(), deviceId.value());
        return type.isEmpty() ? null : type.get(0).toLowerCase(Locale.ROOT);
    }

    /** ISO-8601 with an offset ({@code Z} or {@code +01:00}); the device's clock, kept as it said. */
    static Instant capturedAt(String text) {
        if (text == null || text.isBlank()) {
            throw DomainException.invalid("invalid_captured_at", "captured_at is required (ISO-8601 with an offset,"
                    + " e.g. 2025-11-09T14:05:30.123Z)");
        }
        try {
            return OffsetDateTime.parse(text.trim()).toInstant().truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw DomainException.invalid("invalid_captured_at", "captured_at must be ISO-8601 with an offset (e.g."
                    + " 2025-11-09T14:05:30.123Z), was '" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
        }
    }
}
