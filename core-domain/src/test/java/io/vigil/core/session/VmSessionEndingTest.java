package io.vigil.core.session;

import static io.vigil.core.session.VmSessionHibernationTest.append;
import static io.vigil.core.session.VmSessionHibernationTest.hibernated;
import static io.vigil.core.session.VmSessionTest.ALICE;
import static io.vigil.core.session.VmSessionTest.EXPIRES;
import static io.vigil.core.session.VmSessionTest.ID;
import static io.vigil.core.session.VmSessionTest.NODE;
import static io.vigil.core.session.VmSessionTest.NOW;
import static io.vigil.core.session.VmSessionTest.TEMPLATE_ID;
import static io.vigil.core.session.VmSessionTest.TEMPLATE_NODE;
import static io.vigil.core.session.VmSessionTest.UBUNTU;
import static io.vigil.core.session.VmSessionTest.active;
import static io.vigil.core.session.VmSessionTest.requested;
import static io.vigil.core.session.VmSessionTest.teardown;

import io.vigil.core.template.Protocol;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may act on a session's VM as it ends: the working saga's last report is its hand-over, the reconciler's and
 * a saga's reports of a lost VM count only from the one that may send them, what is kept, and sessions that an
 * older version was tearing down when it was upgraded.
 */
class VmSessionEndingTest {
    private static final String RESUME_TASK = "UPID:pve-3:0001:0002:0003:qmresume:120:root@pam:";
    private AggregateTestFixture<VmSession> fixture;

    @BeforeEach
    void setUp() {
        fixture = VmSessionTest.fixture();
    }

    private static Object[] resuming() {
        return append(hibernated(), new ResumeStarted(ID, NODE, 120, Protocol.SSH));
    }

    private static Object[] endingWhileResuming() {
        return append(resuming(), new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null));
    }

    @Test
    void a_resume_that_gives_up_after_the_end_began_hands_its_vm_and_task_over_to_teardown() {
        fixture.given(endingWhileResuming())
                .when(new FailResume(ID, FailureCode.RESUME_TIMED_OUT, "gave up", true, RESUME_TASK))
                .expectEvents(teardown(120, null, RESUME_TASK));
    }

    @Test
    void a_resume_that_completes_after_the_end_began_hands_over_instead_of_reactivating() {
        fixture.given(endingWhileResuming())
                .when(new CompleteResume(ID, "9", "url"))
                .expectEvents(teardown(120, null, null));
    }

    @Test
    void a_hibernation_that_ends_after_the_end_began_hands_over() {
        Object[] endingWhileSuspending = append(active(),
                new HibernationStarted(ID, HibernationReason.REQUESTED, NODE, 120, "7", null),
                new SessionEnding(ID, EndReason.EXPIRED, NODE, 120, "7"));
        fixture.given(endingWhileSuspending)
                .when(new RecordVmHibernated(ID))
                .expectEvents(teardown(120, "7", null));
        fixture.given(endingWhileSuspending)
                .when(new FailHibernation(ID, FailureCode.HIBERNATION_FAILED, "locked"))
                .expectEvents(teardown(120, "7", null));
    }

    @Test
    void provisioning_that_activates_after_the_end_began_hands_over() {
        fixture.given(requested(), new VmIdReserved(ID, NODE, 120), new VmCloned(ID, NODE, 120),
                        new VmBooted(ID, "10.0.0.5"), new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null))
                .when(new ActivateSession(ID, "7", "url"))
                .expectEvents(teardown(120, null, null));
    }

    @Test
    void a_last_report_after_teardown_started_changes_nothing() {
        fixture.given(append(endingWhileResuming(), teardown(120, null, null)))
                .when(new FailResume(ID, FailureCode.RESUME_FAILED, "gave up", true, null))
                .expectNoEvents();
    }

    @Test
    void the_reconcilers_lost_vm_is_ignored_once_a_saga_works_on_the_session() {
        Object[] suspending = append(active(), new HibernationStarted(ID, HibernationReason.IDLE, NODE, 120, "7", null));
        fixture.given(suspending)
                .when(RecordVmLost.byReconciler(ID, "VM 120 is not in the cluster"))
                .expectNoEvents();
        fixture.given(resuming())
                .when(RecordVmLost.byReconciler(ID, "VM 120 is not in the cluster"))
                .expectNoEvents();
    }

    @Test
    void a_sagas_lost_vm_is_ignored_when_no_saga_works_on_the_session() {
        fixture.given(active())
                .when(RecordVmLost.bySaga(ID, "VM 120 is gone from pve-3"))
                .expectNoEvents();
    }

    @Test
    void a_saga_that_finds_the_vm_gone_after_the_end_began_hands_over_what_is_left() {
        fixture.given(endingWhileResuming())
                .when(RecordVmLost.bySaga(ID, "VM 120 is gone from pve-3"))
                .expectEvents(new VmLost(ID, NODE, 120, "VM 120 is gone from pve-3"),
                        new AdminAlertRaised(ID, "VM 120 of session " + ID + " on pve-3 is gone from the cluster; the"
                                + " session is ended: VM 120 is gone from pve-3"),
                        new SessionEnded(ID, EndReason.ENDED_BY_USER));
    }

    @Test
    void a_persistent_session_ended_before_its_vm_booted_keeps_nothing() {
        fixture.given(requested(SessionType.PERSISTENT), new VmIdReserved(ID, NODE, 120), new VmCloned(ID, NODE, 120),
                        new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, null))
                .when(new HandOverTeardown(ID, null))
                .expectEvents(new TeardownStarted(ID, NODE, 120, null, null, false, null, ALICE, TEMPLATE_ID, UBUNTU));
    }

    @Test
    void a_kept_vm_lost_while_its_session_ran_still_gets_a_teardown_that_records_it_gone() {
        SessionRequested fromKept = new SessionRequested(ID, ALICE, TEMPLATE_ID, UBUNTU, NODE, 60,
                SessionType.PERSISTENT, NOW, EXPIRES, TEMPLATE_NODE, "expiry-1", new KeptVmSource("vigil-keep-alice-1", 120));
        fixture.given(fromKept, new VmCloned(ID, NODE, 120), new VmBooted(ID, "10.0.0.5"), new SessionActivated(ID, null, "url"))
                .when(RecordVmLost.byReconciler(ID, "VM 120 is not in the cluster"))
                .expectEvents(new VmLost(ID, NODE, 120, "VM 120 is not in the cluster"),
                        new AdminAlertRaised(ID, "VM 120 of session " + ID + " on pve-3 is gone from the cluster; the"
                                + " session is ended: VM 120 is not in the cluster"),
                        new SessionEnding(ID, EndReason.VM_LOST, NODE, null, null),
                        new TeardownStarted(ID, NODE, null, null, null, false, "vigil-keep-alice-1", ALICE, TEMPLATE_ID, UBUNTU));
    }

    /** As an older version stored it: without the template's node and the expiry deadline's id. */
    private static SessionRequested olderRequested() {
        return new SessionRequested(ID, ALICE, TEMPLATE_ID, UBUNTU, NODE, 60, SessionType.EPHEMERAL, NOW, EXPIRES, null,
                null, null);
    }

    @Test
    void a_session_an_older_version_was_tearing_down_ends_when_that_teardown_reports() {
        // before TeardownStarted existed, teardown began on SessionEnding (or SessionFailed) by itself
        fixture.given(olderRequested(), new VmIdReserved(ID, NODE, 120), new VmCloned(ID, NODE, 120),
                        new VmBooted(ID, "10.0.0.5"), new SessionActivated(ID, "7", "url"),
                        new SessionEnding(ID, EndReason.ENDED_BY_USER, NODE, 120, "7"))
                .when(new RecordVmDestroyed(ID))
                .expectEvents(new VmDestroyed(ID, NODE, 120), new SessionEnded(ID, EndReason.ENDED_BY_USER));
        fixture.given(olderRequested(), new VmIdReserved(ID, NODE, 120),
                        new SessionFailed(ID, "clone failed", NODE, 120, null, null))
                .when(new RecordVmDestroyed(ID))
                .expectEvents(new VmDestroyed(ID, NODE, 120));
    }

    @Test
    void a_session_an_older_version_failed_and_left_can_be_handed_to_teardown() {
        fixture.given(olderRequested(), new VmIdReserved(ID, NODE, 120),
                        new SessionFailed(ID, "clone failed", NODE, 120, null, null))
                .when(new HandOverTeardown(ID, null))
                .expectEvents(teardown(120, null, null));
    }
}
