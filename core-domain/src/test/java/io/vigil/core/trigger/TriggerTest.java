package io.vigil.core.trigger;

import io.vigil.core.DomainException;
import io.vigil.core.OrgId;
import io.vigil.core.device.DeviceId;
import java.time.Instant;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TriggerTest {
    static final TriggerId ID = new TriggerId("manual_1");
    static final DeviceId CAM = new DeviceId("FLOOR1");
    static final io.vigil.core.capture.CaptureId CAPTURE = new io.vigil.core.capture.CaptureId("cap_01JD0000000000000000000000");
    static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    static final TriggerCreated CREATED = new TriggerCreated(ID, CAM, new OrgId("acme"), TriggerType.MANUAL, "manual",
            NOW, NOW.plusSeconds(120), null);

    AggregateTestFixture<Trigger> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Trigger.class);
    }

    @Test
    void the_lifecycle_moves_forward_pending_sent_delivered_executed() {
        fixture.givenNoPriorActivity()
                .when(new CreateTrigger(ID, CAM, new OrgId("acme"), TriggerType.MANUAL, "manual", NOW, NOW.plusSeconds(120), null))
                .expectEvents(CREATED);
        fixture.given(CREATED).when(new RecordTriggerSent(ID, "mqtt"))
                .expectEvents(new TriggerSent(ID, CAM, "mqtt")).expectResultMessagePayload(TriggerState.SENT);
        fixture.given(CREATED, new TriggerSent(ID, CAM, "mqtt")).when(new AcknowledgeTrigger(ID, CAM, true, null))
                .expectEvents(new TriggerDelivered(ID, CAM)).expectResultMessagePayload(TriggerState.DELIVERED);
        fixture.given(CREATED, new TriggerSent(ID, CAM, "mqtt"), new TriggerDelivered(ID, CAM))
                .when(new RecordTriggerExecuted(ID, CAM, CAPTURE))
                .expectEvents(new TriggerExecuted(ID, CAM, CAPTURE));
    }

    @Test
    void an_ack_before_the_send_was_recorded_delivers_and_a_capture_whose_ack_was_lost_delivers_and_executes() {
        fixture.given(CREATED).when(new AcknowledgeTrigger(ID, CAM, true, null)).expectEvents(new TriggerDelivered(ID, CAM));
        fixture.given(CREATED, new TriggerSent(ID, CAM, "sse")).when(new RecordTriggerExecuted(ID, CAM, CAPTURE))
                .expectEvents(new TriggerDelivered(ID, CAM), new TriggerExecuted(ID, CAM, CAPTURE))
                .expectResultMessagePayload(TriggerState.EXECUTED);
    }

    @Test
    void late_and_repeated_reports_change_nothing() {
        fixture.given(CREATED, new TriggerDelivered(ID, CAM)).when(new AcknowledgeTrigger(ID, CAM, true, null))
                .expectNoEvents().expectResultMessagePayload(TriggerState.DELIVERED);
        fixture.given(CREATED, new TriggerDelivered(ID, CAM)).when(new RecordTriggerSent(ID, "mqtt")).expectNoEvents();
        fixture.given(CREATED, new TriggerExpired(ID, CAM, TriggerState.PENDING)).when(new AcknowledgeTrigger(ID, CAM, true, null))
                .expectNoEvents().expectResultMessagePayload(TriggerState.EXPIRED);
        fixture.given(CREATED, new TriggerExecuted(ID, CAM, CAPTURE)).when(new ExpireTrigger(ID)).expectNoEvents();
        fixture.given(CREATED, new TriggerFailed(ID, CAM, "no")).when(new RecordTriggerExecuted(ID, CAM, CAPTURE)).expectNoEvents();
    }

    @Test
    void a_delivered_trigger_not_executed_in_time_expires_recording_how_far_it_got() {
        fixture.given(CREATED, new TriggerSent(ID, CAM, "mqtt"), new TriggerDelivered(ID, CAM)).when(new ExpireTrigger(ID))
                .expectEvents(new TriggerExpired(ID, CAM, TriggerState.DELIVERED));
    }

    @Test
    void a_device_fails_a_trigger_with_its_reason_and_cannot_report_on_another_devices() {
        fixture.given(CREATED).when(new AcknowledgeTrigger(ID, CAM, false, "lens covered"))
                .expectEvents(new TriggerFailed(ID, CAM, "lens covered"));
        fixture.given(CREATED).when(new AcknowledgeTrigger(ID, CAM, false, " "))
                .expectEvents(new TriggerFailed(ID, CAM, "the device gave no reason"));
        fixture.given(CREATED).when(new AcknowledgeTrigger(ID, new DeviceId("OTHER"), true, null))
                .expectNoEvents().expectException(DomainException.class);
    }
}
