package io.vigil.core.session;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.core.DomainException;
import io.vigil.core.Rejection;
import io.vigil.core.UserId;
import io.vigil.core.node.NodeName;
import io.vigil.core.template.OsType;
import io.vigil.core.template.Protocol;
import io.vigil.core.template.TemplateId;
import io.vigil.core.template.TemplateSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class VmSessionTest {
    static final SessionId ID = new SessionId("01JD0000000000000000000001");
    static final UserId ALICE = new UserId("alice");
    static final UserId BOB = new UserId("bob");
    static final NodeName NODE = new NodeName("pve-3");
    static final TemplateId TEMPLATE_ID = new TemplateId("ubuntu-22-04");
    static final TemplateSpec UBUNTU = new TemplateSpec("Ubuntu 22.04", OsType.LINUX, Protocol.SSH, 9001, 2, 4096, 32, List.of(), true);
    static final Instant NOW = Instant.parse("2026-01-05T10:00:00Z");
    static final Instant EXPIRES = NOW.plus(Duration.ofMinutes(60));

    private AggregateTestFixture<VmSession> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(VmSession.class);
    }

    static AdmitSession admit(TemplateSpec template, int running, int quota) {
        return new AdmitSession(ID, new RequestSession(ID, ALICE, TEMPLATE_ID, 60, SessionType.EPHEMERAL), template,
                NODE, running, quota, NOW);
    }

    static SessionRequested requested() {
        return new SessionRequested(ID, ALICE, TEMPLATE_ID, UBUNTU, NODE, 60, SessionType.EPHEMERAL, NOW, EXPIRES);
    }

    static Object[] active() {
        return new Object[]{requested(), new VmIdReserved(ID, NODE, 120), new VmCloned(ID, NODE, 120),
                new VmBooted(ID, "10.0.0.5"), new SessionActivated(ID, "7", "https://guac/#/client/Nw")};
    }

    @Test
    void admitted_session_is_requested_with_its_end_time_and_an_expiry_deadline() {
        fixture.givenNoPriorActivity()
                .when(admit(UBUNTU, 1, 2))
                .expectSuccessfulHandlerExecution()
                .expectEvents(requested())
                .expectScheduledDeadlineWithName(EXPIRES, VmSession.EXPIRY_DEADLINE);
    }

    @Test
    void inactive_template_is_refused_and_nothing_is_recorded() {
        TemplateSpec retired = new TemplateSpec("Old", OsType.LINUX, Protocol.SSH, 9001, 2, 4096, 32, List.of(), false);
        fixture.givenNoPriorActivity()
                .when(admit(retired, 0, 2))
                .expectException(DomainException.class)
                .expectExceptionMessage("Template 'Old' is not offered at the moment")
                .expectNoEvents();
    }

    @Test
    void request_beyond_the_quota_is_refused_and_nothing_is_recorded() {
        fixture.givenNoPriorActivity()
                .when(admit(UBUNTU, 2, 2))
                .expectException(DomainException.class)
                .expectNoEvents()
                .expectNoScheduledDeadlines();
    }

    @Test
    void duration_outside_30_to_240_minutes_is_invalid() {
        assertThatThrownBy(() -> new RequestSession(ID, ALICE, TEMPLATE_ID, 29, SessionType.EPHEMERAL))
                .isInstanceOf(DomainException.class).hasMessageContaining("between 30 and 240");
        assertThatThrownBy(() -> new RequestSession(ID, ALICE, TEMPLATE_ID, 241, SessionType.PERSISTENT))
                .isInstanceOf(DomainException.class)
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(((DomainException) e).rejection()).isEqualTo(Rejection.INVALID));
    }

    @Test
    void saga_reports_move_a_provisioning_session_to_active() {
        fixture.given(requested())
                .when(new ReserveVmId(ID, 120))
                .expectEvents(new VmIdReserved(ID, NODE, 120));
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120), new VmCloned(ID, NODE, 120), new VmBooted(ID, "10.0.0.5"))
                .when(new ActivateSession(ID, "7", "https://guac/#/client/Nw"))
                .expectEvents(new SessionActivated(ID, "7", "https://guac/#/client/Nw"));
    }

    @Test
    void clone_report_for_another_vmid_is_ignored() {
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120))
                .when(new RecordVmCloned(ID, 121))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void activation_before_the_guest_booted_is_ignored() {
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120), new VmCloned(ID, NODE, 120))
                .when(new ActivateSession(ID, "7", "url"))
                .expectNoEvents();
    }

    @Test
    void final_failure_records_the_reason_the_vm_to_remove_and_an_admin_alert() {
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120))
                .when(new FailSession(ID, "Proxmox task failed: clone failed"))
                .expectEvents(new SessionFailed(ID, "Proxmox task failed: clone failed", NODE, 120, null),
                        new AdminAlertRaised(ID, "Session " + ID + " failed on pve-3: Proxmox task failed: clone failed"))
                .expectNoScheduledDeadlines();
    }

    @Test
    void retry_is_recorded_while_provisioning() {
        Instant at = NOW.plusSeconds(10);
        fixture.given(requested())
                .when(new ScheduleProvisioningRetry(ID, 1, "595 Connection refused", at))
                .expectEvents(new ProvisioningRetryScheduled(ID, 1, "595 Connection refused", at));
    }

    @Test
    void owner_ends_an_active_session_and_teardown_is_asked_for_its_vm() {
        fixture.given(active())
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"))
                .expectResultMessagePayload(SessionStatus.ENDING)
                .expectNoScheduledDeadlines();
    }

    @Test
    void someone_elses_session_cannot_be_ended() {
        fixture.given(active())
                .when(new EndSession(ID, BOB, false))
                .expectException(DomainException.class)
                .expectExceptionMessage("Session " + ID + " belongs to someone else")
                .expectNoEvents();
    }

    @Test
    void an_admin_may_end_anyones_session() {
        fixture.given(active())
                .when(new EndSession(ID, BOB, true))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"));
    }

    @Test
    void ending_before_any_vm_exists_ends_at_once() {
        fixture.given(requested())
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, null, null),
                        new SessionEnded(ID, EndReason.ENDED_BY_USER));
    }

    @Test
    void ending_a_session_that_is_already_ending_is_a_conflict() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"))
                .when(new EndSession(ID, ALICE, false))
                .expectException(DomainException.class)
                .expectNoEvents();
    }

    @Test
    void session_expires_at_its_end_time() {
        fixture.givenCommands(admit(UBUNTU, 0, 2))
                .andGivenCommands(new ReserveVmId(ID, 120), new RecordVmCloned(ID, 120),
                        new RecordVmBooted(ID, "10.0.0.5"), new ActivateSession(ID, "7", "url"))
                .whenTimeElapses(Duration.ofMinutes(1))
                .expectTriggeredDeadlinesWithName(VmSession.EXPIRY_DEADLINE)
                .expectEvents(new SessionEnding(ID, EndReason.EXPIRED, NODE, 120, "7"));
    }

    @Test
    void removing_the_vm_of_an_ending_session_ends_it_with_its_reason() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.EXPIRED, NODE, 120, "7"))
                .when(new RecordVmDestroyed(ID))
                .expectEvents(new VmDestroyed(ID, NODE, 120), new SessionEnded(ID, EndReason.EXPIRED));
    }

    @Test
    void reports_after_the_session_ended_change_nothing() {
        fixture.given(requested(), new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, null, null),
                        new SessionEnded(ID, EndReason.ENDED_BY_USER))
                .when(new ReserveVmId(ID, 130))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }
}
