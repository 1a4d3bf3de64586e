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

    static final NodeName TEMPLATE_NODE = new NodeName("pve-1");

    @BeforeEach
    void setUp() {
        fixture = fixture();
    }

    /** Deadline ids are the deadline manager's (random): compared everywhere else, ignored here. */
    static AggregateTestFixture<VmSession> fixture() {
        AggregateTestFixture<VmSession> fixture = new AggregateTestFixture<>(VmSession.class);
        fixture.registerIgnoredField(SessionRequested.class, "expiryDeadlineId");
        fixture.registerIgnoredField(IdleWarningIssued.class, "deadlineId");
        return fixture;
    }

    static AdmitSession admit(TemplateSpec template, int running, int quota) {
        return new AdmitSession(ID, new RequestSession(ID, ALICE, TEMPLATE_ID, 60, SessionType.EPHEMERAL), template,
                NODE, running, quota, NOW, TEMPLATE_NODE, null);
    }

    static SessionRequested requested() {
        return requested(SessionType.EPHEMERAL);
    }

    static SessionRequested requested(SessionType type) {
        return new SessionRequested(ID, ALICE, TEMPLATE_ID, UBUNTU, NODE, 60, type, NOW, EXPIRES, TEMPLATE_NODE,
                "expiry-1", null);
    }

    static TeardownStarted teardown(Integer vmid, String connection, String pendingTask) {
        return new TeardownStarted(ID, NODE, vmid, connection, pendingTask, false, null, ALICE, TEMPLATE_ID, UBUNTU);
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
    void final_failure_records_a_safe_code_the_diagnostic_an_admin_alert_and_starts_teardown_at_once() {
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120))
                .when(new FailSession(ID, FailureCode.CLONE_FAILED, "Proxmox task failed: clone failed"))
                .expectEvents(new SessionFailed(ID, "Proxmox task failed: clone failed", NODE, 120, null, FailureCode.CLONE_FAILED),
                        new AdminAlertRaised(ID, "Session " + ID + " failed on pve-3 (clone_failed): Proxmox task failed: clone failed"),
                        teardown(120, null, null))
                .expectNoScheduledDeadlines();
    }

    @Test
    void a_failure_before_any_vmid_was_reserved_needs_no_teardown() {
        fixture.given(requested())
                .when(new FailSession(ID, FailureCode.CLUSTER_UNAVAILABLE, "595"))
                .expectEvents(new SessionFailed(ID, "595", NODE, null, null, FailureCode.CLUSTER_UNAVAILABLE),
                        new AdminAlertRaised(ID, "Session " + ID + " failed on pve-3 (cluster_unavailable): 595"));
    }

    @Test
    void retry_is_recorded_while_provisioning() {
        Instant at = NOW.plusSeconds(10);
        fixture.given(requested())
                .when(new ScheduleProvisioningRetry(ID, 1, "595 Connection refused", at))
                .expectEvents(new ProvisioningRetryScheduled(ID, 1, "595 Connection refused", at));
    }

    @Test
    void owner_ends_an_active_session_and_teardown_starts_at_once_since_no_saga_works_on_it() {
        fixture.given(active())
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"), teardown(120, "7", null))
                .expectResultMessagePayload(SessionStatus.ENDING)
                .expectNoScheduledDeadlines();
    }

    @Test
    void ending_while_provisioning_waits_for_the_provisioning_saga_to_hand_the_vm_over() {
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120))
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null));
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120),
                        new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null))
                .when(new HandOverTeardown(ID, "UPID:pve-1:0001:0002:0003:qmclone:9001:root@pam:"))
                .expectEvents(teardown(120, null, "UPID:pve-1:0001:0002:0003:qmclone:9001:root@pam:"));
    }

    @Test
    void a_second_hand_over_changes_nothing() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"),
                        teardown(120, "7", null))
                .when(new HandOverTeardown(ID, null))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void a_persistent_sessions_vm_is_kept_and_the_session_ends() {
        fixture.given(requested(SessionType.PERSISTENT), new VmIdReserved(ID, NODE, 120), new VmCloned(ID, NODE, 120),
                        new VmBooted(ID, "10.0.0.5"), new SessionActivated(ID, "7", "url"))
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"),
                        new TeardownStarted(ID, NODE, 120, "7", null, true, null, ALICE, TEMPLATE_ID, UBUNTU));
        fixture.given(requested(SessionType.PERSISTENT), new VmIdReserved(ID, NODE, 120),
                        new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null),
                        new TeardownStarted(ID, NODE, 120, null, null, true, null, ALICE, TEMPLATE_ID, UBUNTU))
                .when(new RecordVmKept(ID, "vigil-keep-alice-3"))
                .expectEvents(new SessionVmKept(ID, NODE, 120, "vigil-keep-alice-3"),
                        new SessionEnded(ID, EndReason.ENDED_BY_USER));
    }

    @Test
    void a_vm_that_vanished_outside_vigil_ends_the_session_with_its_reason_and_teardown_removes_the_connection() {
        fixture.given(active())
                .when(RecordVmLost.byReconciler(ID, "VM 120 is not in the cluster"))
                .expectEvents(new VmLost(ID, NODE, 120, "VM 120 is not in the cluster"),
                        new AdminAlertRaised(ID, "VM 120 of session " + ID + " on pve-3 is gone from the cluster; the"
                                + " session is ended: VM 120 is not in the cluster"),
                        new SessionEnding(ID, EndReason.VM_LOST, NODE, null, "7"),
                        teardown(null, "7", null));
        fixture.given(active()).andGiven(new VmLost(ID, NODE, 120, "gone"),
                        new SessionEnding(ID, EndReason.VM_LOST, NODE, null, "7"), teardown(null, "7", null))
                .when(new RecordVmDestroyed(ID))
                .expectEvents(new SessionEnded(ID, EndReason.VM_LOST));
    }

    @Test
    void a_teardown_that_gave_up_ends_the_session_all_the_same_and_tells_admins() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"),
                        teardown(120, "7", null))
                .when(new AbandonVm(ID, "VM is locked (suspending)"))
                .expectEvents(new VmAbandoned(ID, NODE, 120, "VM is locked (suspending)"),
                        new AdminAlertRaised(ID, "Teardown of session " + ID + " gave up on VM 120 on pve-3"
                                + " (VM is locked (suspending)); the reconciler removes it"),
                        new SessionEnded(ID, EndReason.ENDED_BY_USER));
    }

    @Test
    void a_connection_teardown_gave_up_on_is_recorded_with_an_alert_and_the_session_waits_for_its_vm() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"),
                        teardown(120, "7", null))
                .when(new AbandonConnection(ID, "7", "Guacamole answered 500"))
                .expectEvents(new ConnectionAbandoned(ID, "7", ID.vmName(), "Guacamole answered 500"),
                        new AdminAlertRaised(ID, "Teardown of session " + ID + " gave up on its Guacamole connection 7 ("
                                + ID.vmName() + ") (Guacamole answered 500); the reconciler removes it once the"
                                + " session is over"));
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"),
                        teardown(120, "7", null), new ConnectionAbandoned(ID, "7", ID.vmName(), "500"))
                .when(new RecordVmDestroyed(ID))
                .expectEvents(new VmDestroyed(ID, NODE, 120), new SessionEnded(ID, EndReason.ENDED_BY_USER));
    }

    @Test
    void a_connection_teardown_could_not_even_look_for_is_recorded_by_its_name_once() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null),
                        teardown(120, null, null))
                .when(new AbandonConnection(ID, null, "Connection refused"))
                .expectEvents(new ConnectionAbandoned(ID, null, ID.vmName(), "Connection refused"),
                        new AdminAlertRaised(ID, "Teardown of session " + ID + " gave up on looking for a Guacamole"
                                + " connection named " + ID.vmName() + " (Connection refused); the reconciler removes"
                                + " it once the session is over"));
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null),
                        teardown(120, null, null), new ConnectionAbandoned(ID, null, ID.vmName(), "refused"))
                .when(new AbandonConnection(ID, null, "refused"))
                .expectNoEvents();
        fixture.given(active())
                .when(new AbandonConnection(ID, "7", "not from a teardown"))
                .expectNoEvents();
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
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"), teardown(120, "7", null));
    }

    @Test
    void ending_before_any_vmid_was_reserved_ends_at_once() {
        fixture.given(requested())
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, null, null),
                        new SessionEnded(ID, EndReason.ENDED_BY_USER));
    }

    @Test
    void ending_cancels_the_expiry_deadline_by_its_id() {
        fixture.givenCommands(admit(UBUNTU, 0, 2))
                .when(new EndSession(ID, ALICE, false))
                .expectSuccessfulHandlerExecution()
                .expectNoScheduledDeadlines();
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
                .expectEvents(new SessionEnding(ID, EndReason.EXPIRED, NODE, 120, "7"), teardown(120, "7", null));
    }

    @Test
    void removing_the_vm_of_an_ending_session_ends_it_with_its_reason() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.EXPIRED, NODE, 120, "7"), teardown(120, "7", null))
                .when(new RecordVmDestroyed(ID))
                .expectEvents(new VmDestroyed(ID, NODE, 120), new SessionEnded(ID, EndReason.EXPIRED));
    }

    @Test
    void a_removal_report_before_teardown_started_is_ignored() {
        fixture.given(active()).andGiven(new SessionEnding(ID, EndReason.EXPIRED, NODE, 120, "7"))
                .when(new RecordVmDestroyed(ID))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
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
