package io.vigil.core.session;

import static io.vigil.core.session.VmSessionTest.ALICE;
import static io.vigil.core.session.VmSessionTest.BOB;
import static io.vigil.core.session.VmSessionTest.ID;
import static io.vigil.core.session.VmSessionTest.NODE;
import static io.vigil.core.session.VmSessionTest.NOW;
import static io.vigil.core.session.VmSessionTest.active;

import io.vigil.core.DomainException;
import io.vigil.core.template.Protocol;
import java.time.Duration;
import java.time.Instant;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idle → warning → hibernation → resume, and how they meet the quota, the owner and the end time. */
class VmSessionHibernationTest {
    static final Instant IDLE_SINCE = NOW.plus(Duration.ofMinutes(5));
    private AggregateTestFixture<VmSession> fixture;

    @BeforeEach
    void setUp() {
        fixture = VmSessionTest.fixture();
    }

    static Object[] warned(Instant hibernatesAt) {
        return append(active(), new IdleWarningIssued(ID, IDLE_SINCE, hibernatesAt, "idle-1"));
    }

    static Object[] hibernated() {
        return append(active(), new HibernationStarted(ID, HibernationReason.IDLE, NODE, 120, "7", null),
                new SessionHibernated(ID, NODE, 120));
    }

    static Object[] append(Object[] head, Object... tail) {
        Object[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void an_idle_active_session_is_warned_and_hibernation_is_scheduled_for_the_end_of_the_warning() {
        Instant at = Instant.now().plus(Duration.ofMinutes(5));
        fixture.given(active())
                .when(new WarnIdle(ID, IDLE_SINCE, at))
                .expectEvents(new IdleWarningIssued(ID, IDLE_SINCE, at, null))
                .expectScheduledDeadlineWithName(at, VmSession.IDLE_DEADLINE);
    }

    @Test
    void a_second_warning_while_warned_changes_nothing() {
        Instant at = Instant.now().plus(Duration.ofMinutes(5));
        fixture.given(warned(at))
                .when(new WarnIdle(ID, IDLE_SINCE, at.plusSeconds(30)))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void activity_during_the_warning_cancels_it_and_the_session_never_hibernates() {
        Instant warningEnds = Instant.now().plus(Duration.ofMinutes(5));
        Instant activity = IDLE_SINCE.plus(Duration.ofMinutes(12));
        fixture.givenCommands(activeNow())
                .andGivenCommands(new WarnIdle(ID, IDLE_SINCE, warningEnds))
                .when(new RecordActivity(ID, activity))
                .expectEvents(new IdleWarningCancelled(ID, activity))
                .expectNoScheduledDeadlineWithName(warningEnds, VmSession.IDLE_DEADLINE);
    }

    @Test
    void activity_without_a_warning_records_nothing() {
        fixture.given(active())
                .when(new RecordActivity(ID, NOW))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void the_warning_running_out_starts_hibernation_with_the_vm_and_connection_to_suspend() {
        fixture.givenCommands(activeNow())
                .andGivenCommands(new WarnIdle(ID, IDLE_SINCE, Instant.now().plus(Duration.ofMinutes(5))))
                .whenTimeElapses(Duration.ofMinutes(6))
                .expectTriggeredDeadlinesWithName(VmSession.IDLE_DEADLINE)
                .expectEvents(new HibernationStarted(ID, HibernationReason.IDLE, NODE, 120, "7", null));
    }

    @Test
    void the_owner_may_hibernate_an_active_session_at_once() {
        fixture.given(active())
                .when(new HibernateSession(ID, ALICE, false))
                .expectEvents(new HibernationStarted(ID, HibernationReason.REQUESTED, NODE, 120, "7", null))
                .expectResultMessagePayload(SessionStatus.SUSPENDING);
    }

    @Test
    void only_an_active_session_can_be_hibernated() {
        fixture.given(VmSessionTest.requested())
                .when(new HibernateSession(ID, ALICE, false))
                .expectException(DomainException.class)
                .expectExceptionMessage("Session " + ID + " is provisioning; only an active session can hibernate")
                .expectNoEvents();
    }

    @Test
    void the_suspended_vm_makes_the_session_hibernating() {
        fixture.given(append(active(), new HibernationStarted(ID, HibernationReason.IDLE, NODE, 120, "7", null)))
                .when(new RecordVmHibernated(ID))
                .expectEvents(new SessionHibernated(ID, NODE, 120));
    }

    @Test
    void a_failed_hibernation_leaves_the_session_active_and_tells_admins() {
        fixture.given(append(active(), new HibernationStarted(ID, HibernationReason.IDLE, NODE, 120, "7", null)))
                .when(new FailHibernation(ID, FailureCode.HIBERNATION_FAILED, "suspend refused"))
                .expectEvents(new HibernationFailed(ID, "suspend refused", FailureCode.HIBERNATION_FAILED), new AdminAlertRaised(ID,
                        "Session " + ID + " could not hibernate VM 120 on pve-3 and stays active: suspend refused"));
    }

    @Test
    void hibernated_session_does_not_count_toward_quota_and_its_resume_does() {
        fixture.given(hibernated())
                .when(new AdmitResume(ID, new ResumeSession(ID, ALICE, false), 2, 2))
                .expectException(DomainException.class)
                .expectNoEvents();
        org.assertj.core.api.Assertions.assertThat(SessionStatus.HIBERNATING.countsTowardQuota()).isFalse();
        org.assertj.core.api.Assertions.assertThat(SessionStatus.RESUMING.countsTowardQuota()).isTrue();
    }

    @Test
    void the_owner_resumes_a_hibernating_session() {
        fixture.given(hibernated())
                .when(new AdmitResume(ID, new ResumeSession(ID, ALICE, false), 1, 2))
                .expectEvents(new ResumeStarted(ID, NODE, 120, Protocol.SSH))
                .expectResultMessagePayload(SessionStatus.RESUMING);
    }

    @Test
    void a_second_resume_while_one_runs_joins_it_and_records_nothing() {
        fixture.given(append(hibernated(), new ResumeStarted(ID, NODE, 120, Protocol.SSH)))
                .when(new AdmitResume(ID, new ResumeSession(ID, ALICE, false), 1, 2))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents()
                .expectResultMessagePayload(SessionStatus.RESUMING);
    }

    @Test
    void resuming_a_session_that_is_not_hibernating_is_a_conflict() {
        fixture.given(active())
                .when(new AdmitResume(ID, new ResumeSession(ID, ALICE, false), 0, 2))
                .expectException(DomainException.class)
                .expectExceptionMessage("Session " + ID + " is active; only a hibernating session can be resumed")
                .expectNoEvents();
    }

    @Test
    void someone_elses_session_cannot_be_resumed() {
        fixture.given(hibernated())
                .when(new AdmitResume(ID, new ResumeSession(ID, BOB, false), 0, 2))
                .expectException(DomainException.class)
                .expectExceptionMessage("Session " + ID + " belongs to someone else")
                .expectNoEvents();
    }

    @Test
    void a_completed_resume_makes_the_session_active_with_its_new_connection() {
        fixture.given(append(hibernated(), new ResumeStarted(ID, NODE, 120, Protocol.SSH)))
                .when(new CompleteResume(ID, "8", "https://guac/#/client/OA"))
                .expectEvents(new SessionResumed(ID, "8", "https://guac/#/client/OA"));
    }

    @Test
    void a_failed_resume_leaves_the_session_hibernating_and_it_can_be_resumed_again() {
        fixture.given(append(hibernated(), new ResumeStarted(ID, NODE, 120, Protocol.SSH)))
                .when(new FailResume(ID, FailureCode.RESUME_FAILED, "start failed: QEMU exited with code 1", false, null))
                .expectEvents(new ResumeFailed(ID, "start failed: QEMU exited with code 1", FailureCode.RESUME_FAILED));
        fixture.given(append(hibernated(), new ResumeStarted(ID, NODE, 120, Protocol.SSH),
                        new ResumeFailed(ID, "x", FailureCode.RESUME_FAILED)))
                .when(new AdmitResume(ID, new ResumeSession(ID, ALICE, false), 0, 2))
                .expectEvents(new ResumeStarted(ID, NODE, 120, Protocol.SSH));
    }

    @Test
    void a_resume_that_timed_out_with_the_vm_running_sends_it_back_to_disk_through_a_hibernation() {
        String resumeTask = "UPID:pve-3:0001:0002:0003:qmresume:120:root@pam:";
        fixture.given(append(hibernated(), new ResumeStarted(ID, NODE, 120, Protocol.SSH)))
                .when(new FailResume(ID, FailureCode.RESUME_TIMED_OUT, "Gave up after 30 s", true, resumeTask))
                .expectEvents(new ResumeFailed(ID, "Gave up after 30 s", FailureCode.RESUME_TIMED_OUT),
                        new HibernationStarted(ID, HibernationReason.RESUME_FAILED, NODE, 120, null, resumeTask));
    }

    @Test
    void ending_while_suspending_waits_for_the_hibernation_saga_to_hand_the_vm_over() {
        fixture.given(append(active(), new HibernationStarted(ID, HibernationReason.IDLE, NODE, 120, "7", null)))
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"));
    }

    @Test
    void a_vm_lost_while_resuming_ends_the_session_without_waiting_for_a_hand_over() {
        fixture.given(append(hibernated(), new ResumeStarted(ID, NODE, 120, Protocol.SSH)))
                .when(RecordVmLost.bySaga(ID, "VM 120 is gone from pve-3"))
                .expectEvents(new VmLost(ID, NODE, 120, "VM 120 is gone from pve-3"),
                        new AdminAlertRaised(ID, "VM 120 of session " + ID + " on pve-3 is gone from the cluster; the"
                                + " session is ended: VM 120 is gone from pve-3"),
                        new SessionEnding(ID, EndReason.VM_LOST, NODE, null, null),
                        new SessionEnded(ID, EndReason.VM_LOST));
    }

    @Test
    void a_hibernating_session_expires_at_its_end_time_and_its_vm_is_deleted_then() {
        fixture.givenCommands(VmSessionTest.admit(VmSessionTest.UBUNTU, 0, 2), new ReserveVmId(ID, 120),
                        new RecordVmCloned(ID, 120), new RecordVmBooted(ID, "10.0.0.5"), new ActivateSession(ID, "7", "url"),
                        new HibernateSession(ID, ALICE, false), new RecordVmHibernated(ID))
                .whenTimeElapses(Duration.ofMinutes(1))
                .expectTriggeredDeadlinesWithName(VmSession.EXPIRY_DEADLINE)
                .expectEvents(new SessionEnding(ID, EndReason.EXPIRED, NODE, 120, null),
                        new TeardownStarted(ID, NODE, 120, null, null, false, null, ALICE, VmSessionTest.TEMPLATE_ID,
                                VmSessionTest.UBUNTU));
    }

    @Test
    void the_owner_may_end_a_hibernating_session() {
        fixture.given(hibernated())
                .when(new EndSession(ID, ALICE, false))
                .expectEvents(new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null),
                        VmSessionTest.teardown(120, null, null));
    }

    /** An active session admitted now, so that its expiry lies an hour ahead of the fixture's clock. */
    private static Object[] activeNow() {
        return new Object[]{new AdmitSession(ID, new RequestSession(ID, ALICE, VmSessionTest.TEMPLATE_ID, 60,
                SessionType.EPHEMERAL), VmSessionTest.UBUNTU, NODE, 0, 2, Instant.now(), VmSessionTest.TEMPLATE_NODE, null),
                new ReserveVmId(ID, 120),
                new RecordVmCloned(ID, 120), new RecordVmBooted(ID, "10.0.0.5"), new ActivateSession(ID, "7", "url")};
    }
}
