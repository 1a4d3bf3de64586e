package io.vigil.command.capture;

import io.vigil.core.capture.CaptureEvaluated;
import io.vigil.core.capture.CaptureEvaluationFailed;
import io.vigil.core.capture.CaptureImagePurged;
import io.vigil.core.capture.CaptureUploaded;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * What the command side knows of each capture ({@code capture_registry}) and the evaluations still to do
 * ({@code capture_evaluation_queue}), kept in the transaction that appends the capture's events: a capture is never
 * stored without its evaluation queued, and a repeated upload meets the first one's unique key even when both
 * arrive at the same instant.
 */
@Component
@ProcessingGroup("capture-registry")
public class CaptureRegistry {
    private final JdbcTemplate jdbc;

    public CaptureRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @EventHandler
    void on(CaptureUploaded e) {
        jdbc.update("""
                        INSERT INTO capture_registry (capture_id, device_id, org, trigger_id, idempotency_key, blob_key,
                            size, captured_at, received_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                e.captureId().value(), e.deviceId().value(), e.org().value(),
                e.triggerId() == null ? null : e.triggerId().value(), e.idempotencyKey(), e.image().blobKey(),
                e.image().size(), utc(e.capturedAt()), utc(e.receivedAt()));
        jdbc.update("INSERT INTO capture_evaluation_queue (capture_id, device_id, received_at, due_at) VALUES (?, ?, ?, ?)",
                e.captureId().value(), e.deviceId().value(), utc(e.receivedAt()), utc(e.receivedAt()));
    }

    @EventHandler
    void on(CaptureEvaluated e) {
        jdbc.update("UPDATE capture_registry SET evaluation = 'COMPLETED' WHERE capture_id = ?", e.captureId().value());
        jdbc.update("DELETE FROM capture_evaluation_queue WHERE capture_id = ?", e.captureId().value());
    }

    /** A final failure leaves the queue; a transient one waits there for its retry. */
    @EventHandler
    void on(CaptureEvaluationFailed e) {
        if (e.isFinal()) {
            jdbc.update("UPDATE capture_registry SET evaluation = 'FAILED' WHERE capture_id = ?", e.captureId().value());
            jdbc.update("DELETE FROM capture_evaluation_queue WHERE capture_id = ?", e.captureId().value());
        } else {
            jdbc.update("UPDATE capture_evaluation_queue SET due_at = ?, claimed_until = NULL WHERE capture_id = ?",
                    utc(e.retryAt()), e.captureId().value());
        }
    }

    @EventHandler
    void on(CaptureImagePurged e) {
        jdbc.update("UPDATE capture_registry SET purged_at = now() WHERE capture_id = ? AND purged_at IS NULL",
                e.captureId().value());
    }

    /** A capture already stored for this device's trigger or idempotency key: what a repeated upload answers. */
    public Optional<Stored> repeatOf(String deviceId, String triggerId, String idempotencyKey) {
        if (triggerId == null && idempotencyKey == null) {
            return Optional.empty();
        }
        List<Stored> found = jdbc.query("""
                        SELECT capture_id, evaluation, blob_key FROM capture_registry
                        WHERE device_id = ? AND (trigger_id = CAST(? AS TEXT) OR idempotency_key = CAST(? AS TEXT))
                        LIMIT 1""",
                (rs, i) -> new Stored(rs.getString(1), rs.getString(2), rs.getString(3)),
                deviceId, triggerId, idempotencyKey);
        return found.stream().findFirst();
    }

    /** Where the device's capture before this one is, if its image is still kept: what motion is measured against. */
    public Optional<String> previousImage(String deviceId, String captureId) {
        return jdbc.queryForList("""
                        SELECT p.blob_key FROM capture_registry p
                        WHERE p.device_id = ? AND p.purged_at IS NULL AND (p.captured_at, p.capture_id) <
                            (SELECT captured_at, capture_id FROM capture_registry WHERE capture_id = ?)
                        ORDER BY p.captured_at DESC, p.capture_id DESC LIMIT 1""", String.class, deviceId, captureId)
                .stream().findFirst();
    }

    public record Stored(String captureId, String evaluation, String blobKey) {
    }

    static OffsetDateTime utc(Instant at) {
        return at.atOffset(ZoneOffset.UTC);
    }
}
