package io.vigil.core.capture;

import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import io.vigil.core.trigger.TriggerId;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CaptureTest {
    static final CaptureId ID = new CaptureId("cap_01JD0000000000000000000000");
    static final DeviceId CAM = new DeviceId("FLOOR1");
    static final OrgId ORG = new OrgId("acme");
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final CaptureImage IMAGE = new CaptureImage("ab".repeat(32), "ab".repeat(32), "image/jpeg", 1000, 64, 48);
    static final CaptureUploaded UPLOADED = new CaptureUploaded(ID, CAM, ORG, new TriggerId("manual_1"), "manual", "manual",
            NOW, NOW, false, IMAGE, Map.of(), null);
    static final EvaluationResult RESULT = EvaluationResult.empty("cpu");
    FixtureConfiguration<Capture> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Capture.class);
    }

    @Test
    void an_upload_keeps_the_devices_clock_and_flags_it_when_more_than_five_minutes_off() {
        fixture.givenNoPriorActivity()
                .when(new UploadCapture(ID, CAM, ORG, null, null, null, NOW.minusSeconds(301), NOW, IMAGE, Map.of(), "k1"))
                .expectEvents(new CaptureUploaded(ID, CAM, ORG, null, "unsolicited", "unsolicited", NOW.minusSeconds(301),
                        NOW, true, IMAGE, Map.of(), "k1"));
    }

    @Test
    void labels_and_metadata_beyond_the_limits_are_refused_before_anything_is_written() {
        Map<String, String> many = new HashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("k" + i, "v");
        }
        fixture.givenNoPriorActivity()
                .when(new UploadCapture(ID, CAM, ORG, null, null, null, NOW, NOW, IMAGE, many, null))
                .expectException(DomainException.class).expectNoEvents();
        fixture.givenNoPriorActivity()
                .when(new UploadCapture(ID, CAM, ORG, null, null, "x".repeat(101), NOW, NOW, IMAGE, Map.of(), null))
                .expectException(DomainException.class).expectNoEvents();
    }

    @Test
    void an_evaluation_completes_once_and_a_late_failure_or_repeat_changes_nothing() {
        fixture.given(UPLOADED).when(new RecordCaptureEvaluated(ID, RESULT, 1))
                .expectEvents(new CaptureEvaluated(ID, CAM, ORG, RESULT, 1))
                .expectResultMessagePayload(EvaluationStatus.COMPLETED);
        fixture.given(UPLOADED, new CaptureEvaluated(ID, CAM, ORG, RESULT, 1))
                .when(new RecordCaptureEvaluated(ID, RESULT, 2)).expectNoEvents();
        fixture.given(UPLOADED, new CaptureEvaluated(ID, CAM, ORG, RESULT, 1))
                .when(new RecordCaptureEvaluationFailed(ID, "late", 2, null)).expectNoEvents();
    }

    @Test
    void a_transient_failure_keeps_it_pending_and_a_final_one_fails_it_for_good() {
        Instant retry = NOW.plusSeconds(10);
        fixture.given(UPLOADED).when(new RecordCaptureEvaluationFailed(ID, "vision service unavailable", 1, retry))
                .expectEvents(new CaptureEvaluationFailed(ID, CAM, ORG, "vision service unavailable", 1, retry))
                .expectResultMessagePayload(EvaluationStatus.PENDING);
        fixture.given(UPLOADED, new CaptureEvaluationFailed(ID, CAM, ORG, "down", 1, retry))
                .when(new RecordCaptureEvaluationFailed(ID, "down", 2, null))
                .expectEvents(new CaptureEvaluationFailed(ID, CAM, ORG, "down", 2, null))
                .expectResultMessagePayload(EvaluationStatus.FAILED);
        fixture.given(UPLOADED, new CaptureEvaluationFailed(ID, CAM, ORG, "down", 2, null))
                .when(new RecordCaptureEvaluated(ID, RESULT, 3)).expectNoEvents();
    }

    @Test
    void an_image_is_purged_once_and_the_event_names_its_blob() {
        fixture.given(UPLOADED).when(new PurgeCaptureImage(ID, "retention"))
                .expectEvents(new CaptureImagePurged(ID, CAM, ORG, IMAGE.blobKey(), "retention"))
                .expectResultMessagePayload(true);
        fixture.given(UPLOADED, new CaptureImagePurged(ID, CAM, ORG, IMAGE.blobKey(), "retention"))
                .when(new PurgeCaptureImage(ID, "disk_pressure")).expectNoEvents().expectResultMessagePayload(false);
    }
}
