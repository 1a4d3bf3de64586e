package io.vigil.query.capture;

import static io.vigil.query.SequencedUpdate.ts;

import io.vigil.core.capture.CaptureEvaluated;
import io.vigil.core.capture.CaptureEvaluationFailed;
import io.vigil.core.capture.CaptureImagePurged;
import io.vigil.core.capture.CaptureUploaded;
import io.vigil.core.capture.Detection;
import io.vigil.core.capture.EvaluationResult;
import io.vigil.query.SequencedUpdate;
import io.vigil.query.live.ChangeListener;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every capture of every device, with its evaluation in the API's shape (DOMAIN §3: detections
 * {@code {class, confidence, box {x, y, w, h}}}, objects, suggested events) and the classes it detected, for the
 * list's filter. Sequence-guarded like the other views; a change is announced on {@value ChangeListener#CAPTURES}
 * (payload: the device id) for live lists.
 */
@Component
@ProcessingGroup(CaptureViewProjection.PROCESSING_GROUP)
public class CaptureViewProjection {
    public static final String PROCESSING_GROUP = "capture-views";
    private final JdbcTemplate jdbc;
    private final JsonMapper json;

    public CaptureViewProjection(JdbcTemplate jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @EventHandler
    void on(CaptureUploaded e, @SequenceNumber long seq, @Timestamp Instant at) {
        jdbc.update("""
                        INSERT INTO capture_view (capture_id, device_id, org, trigger_id, trigger_type, trigger_label,
                            captured_at, received_at, clock_skewed, content_type, size, width, height, blob_key, sha256,
                            metadata, evaluation_status, last_sequence, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, 'pending', ?, ?)
                        ON CONFLICT (capture_id) DO NOTHING""",
                e.captureId().value(), e.deviceId().value(), e.org().value(),
                e.triggerId() == null ? null : e.triggerId().value(),
                e.triggerType() == null ? "unknown" : e.triggerType(), e.triggerLabel(), ts(e.capturedAt()),
                ts(e.receivedAt()), e.clockSkewed(), e.image().contentType(), e.image().size(), e.image().width(),
                e.image().height(), e.image().blobKey(), e.image().sha256(),
                json.writeValueAsString(e.metadata() == null ? Map.of() : e.metadata()), seq, ts(at));
        jdbc.update("UPDATE device_view SET last_seen_at = ? WHERE device_id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
                ts(at), e.deviceId().value(), ts(at));
        changed(e.deviceId().value());
    }

    @EventHandler
    void on(CaptureEvaluated e, @SequenceNumber long seq, @Timestamp Instant at) {
        EvaluationResult r = e.result();
        Set<String> classes = new LinkedHashSet<>();
        r.detections().forEach(d -> classes.add(d.label()));
        r.objects().forEach(d -> classes.add(d.label()));
        update(e.captureId().value(), seq, at, """
                        evaluation_status = 'completed', evaluation = ?::jsonb, evaluation_attempts = ?,
                        evaluation_failure = NULL, evaluated_at = ?, detection_classes = ?""",
                json.writeValueAsString(shape(r)), e.attempt(), ts(at), classes.toArray(String[]::new));
        changed(e.deviceId().value());
    }

    @EventHandler
    void on(CaptureEvaluationFailed e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.captureId().value(), seq, at, "evaluation_status = ?, evaluation_attempts = ?, evaluation_failure = ?",
                e.isFinal() ? "failed" : "pending", e.attempt(), e.reason());
        changed(e.deviceId().value());
    }

    @EventHandler
    void on(CaptureImagePurged e, @SequenceNumber long seq, @Timestamp Instant at) {
        update(e.captureId().value(), seq, at, "image_purged_at = ?, purge_reason = ?", ts(at), e.reason());
        changed(e.deviceId().value());
    }

    /** The evaluation as the API shows it. */
    static Map<String, Object> shape(EvaluationResult r) {
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("evaluator", r.evaluator());
        result.put("detections", detections(r.detections()));
        result.put("objects", detections(r.objects()));
        List<Map<String, Object>> suggested = new ArrayList<>();
        r.suggestedEvents().forEach(s -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", s.type());
            m.put("confidence", s.confidence());
            m.put("data", s.data() == null ? Map.of() : s.data());
            suggested.add(m);
        });
        result.put("suggested_events", suggested);
        result.put("measures", r.measures() == null ? Map.of() : r.measures());
        return result;
    }

    private static List<Map<String, Object>> detections(List<Detection> detections) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Detection d : detections == null ? List.<Detection>of() : detections) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("class", d.label());
            m.put("confidence", d.confidence());
            if (d.box() != null) {
                m.put("box", Map.of("x", d.box().x(), "y", d.box().y(), "w", d.box().w(), "h", d.box().h()));
            }
            result.add(m);
        }
        return result;
    }

    private void update(String captureId, long seq, Instant at, String assignments, Object... values) {
        SequencedUpdate u = SequencedUpdate.of("capture_view", "capture_id", captureId, seq, at, assignments, values);
        jdbc.update(u.sql(), u.args());
    }

    private void changed(String deviceId) {
        jdbc.queryForObject("SELECT pg_notify(?, ?)", Object.class, ChangeListener.CAPTURES, deviceId);
    }
}
