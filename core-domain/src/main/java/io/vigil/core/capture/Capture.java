package io.vigil.core.capture;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import java.time.Duration;
import java.util.Map;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/**
 * One image a device uploaded, and its evaluation: pending → completed, or failed once its retries are spent. A
 * repeated result, a failure after a result, a second purge change nothing and write no event. The image is in
 * the blob store; the events hold only where it is and what it is.
 *
 * <p>Uploads are appended by the command side's batch path together with their trigger's steps (one transaction
 * for the capture and its trigger), with {@link #uploaded} as the rule; the constructor is the same rule for a
 * single upload.
 */
public class Capture {
    /** A device clock further than this from the server's is flagged on the capture (its time is kept as said). */
    public static final Duration MAX_CLOCK_SKEW = Duration.ofMinutes(5);
    public static final int MAX_LABEL = 100;
    public static final int MAX_METADATA_ENTRIES = 32;
    public static final int MAX_METADATA_KEY = 64;
    public static final int MAX_METADATA_VALUE = 500;

    @AggregateIdentifier
    private CaptureId captureId;
    private DeviceId deviceId;
    private OrgId org;
    private String blobKey;
    private EvaluationStatus evaluation;
    private boolean purged;

    protected Capture() {
    }

    @CommandHandler
    public Capture(UploadCapture command) {
        apply(uploaded(command));
    }

    /** The upload's event; refuses a label or metadata beyond the limits. */
    public static CaptureUploaded uploaded(UploadCapture c) {
        String label = c.triggerLabel();
        if (label != null && label.length() > MAX_LABEL) {
            throw DomainException.invalid("invalid_trigger_label", "trigger_label must be at most " + MAX_LABEL
                    + " characters");
        }
        Map<String, String> metadata = c.metadata() == null ? Map.of() : c.metadata();
        if (metadata.size() > MAX_METADATA_ENTRIES) {
            throw DomainException.invalid("invalid_metadata", "metadata may hold at most " + MAX_METADATA_ENTRIES
                    + " entries, had " + metadata.size());
        }
        metadata.forEach((key, value) -> {
            if (key.isEmpty() || key.length() > MAX_METADATA_KEY || (value != null && value.length() > MAX_METADATA_VALUE)) {
                throw DomainException.invalid("invalid_metadata", "metadata keys must be 1-" + MAX_METADATA_KEY
                        + " characters and values at most " + MAX_METADATA_VALUE + " ('" + abbreviate(key) + "' is not)");
            }
        });
        if (label == null || label.isBlank()) {
            label = c.triggerId() == null ? "unsolicited" : "trigger";
        }
        boolean skewed = Duration.between(c.capturedAt(), c.receivedAt()).abs().compareTo(MAX_CLOCK_SKEW) > 0;
        return new CaptureUploaded(c.captureId(), c.deviceId(), c.org(), c.triggerId(),
                c.triggerId() == null ? "unsolicited" : c.triggerType(), label, c.capturedAt(),
                c.receivedAt(), skewed, c.image(), Map.copyOf(metadata), c.idempotencyKey());
    }

    @CommandHandler
    public EvaluationStatus handle(RecordCaptureEvaluated command) {
        if (evaluation == EvaluationStatus.PENDING) {
            apply(new CaptureEvaluated(captureId, deviceId, org, command.result(), command.attempt()));
        }
        return evaluation;
    }

    @CommandHandler
    public EvaluationStatus handle(RecordCaptureEvaluationFailed command) {
        if (evaluation == EvaluationStatus.PENDING) {
            String reason = command.reason() == null || command.reason().isBlank() ? "the evaluator gave no reason"
                    : abbreviate(command.reason(), 500);
            apply(new CaptureEvaluationFailed(captureId, deviceId, org, reason, command.attempt(), command.retryAt()));
        }
        return evaluation;
    }

    /** Answers whether this purge removed the image (false: it was already gone). */
    @CommandHandler
    public boolean handle(PurgeCaptureImage command) {
        if (purged) {
            return false;
        }
        apply(new CaptureImagePurged(captureId, deviceId, org, blobKey, command.reason()));
        return true;
    }

    private static String abbreviate(String text) {
        return abbreviate(text, 40);
    }

    private static String abbreviate(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }

    @EventSourcingHandler
    void on(CaptureUploaded e) {
        captureId = e.captureId();
        deviceId = e.deviceId();
        org = e.org();
        blobKey = e.image().blobKey();
        evaluation = EvaluationStatus.PENDING;
    }

    @EventSourcingHandler
    void on(CaptureEvaluated e) {
        evaluation = EvaluationStatus.COMPLETED;
    }

    @EventSourcingHandler
    void on(CaptureEvaluationFailed e) {
        if (e.isFinal()) {
            evaluation = EvaluationStatus.FAILED;
        }
    }

    @EventSourcingHandler
    void on(CaptureImagePurged e) {
        purged = true;
    }
}
