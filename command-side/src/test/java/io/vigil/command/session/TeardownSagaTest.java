package io.vigil.command.session;

import static io.vigil.command.session.SagaHarness.NODE;
import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.core.session.EndReason;
import io.vigil.core.session.RaiseAdminAlert;
import io.vigil.core.session.RecordVmDestroyed;
import io.vigil.core.session.SessionEnding;
import io.vigil.core.session.SessionFailed;
import io.vigil.core.session.SessionId;
import io.vigil.core.session.VmDestroyed;
import io.vigil.simulators.proxmox.ProxmoxSimConfig;
import java.time.Duration;
import org.axonframework.test.matchers.Matchers;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TeardownSagaTest {
    static final SagaHarness harness = new SagaHarness();
    SagaTestFixture<TeardownSaga> fixture;
    SessionId id;

    @BeforeEach
    void setUp() {
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        fixture = harness.fixture(TeardownSaga.class);
        id = SessionId.generate();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    /** A VM as provisioning leaves it: cloned and running. */
    private int runningVm() {
        int vmid = harness.operations.nextVmId();
        String task = harness.operations.cloneOrFindOurs(NODE.value(), 9001, vmid, id.vmName(), "test");
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(NODE.value(), task).finished());
        String start = harness.operations.start(NODE.value(), vmid);
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(NODE.value(), start).finished());
        return vmid;
    }

    @Test
    void an_ended_session_has_its_connection_and_vm_removed() {
        int vmid = runningVm();
        String connection = harness.operations.connect(id.vmName(), io.vigil.core.template.Protocol.SSH, "127.0.0.1", 22);
        fixture.givenNoPriorActivity()
                .whenPublishingA(new SessionEnding(id, EndReason.ENDED_BY_USER, NODE, vmid, connection))
                .expectActiveSagas(1)
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(harness.proxmox.vms()).noneMatch(vm -> vm.vmid() == vmid);
        assertThat(harness.guacamole.connections()).noneMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_session_that_expires_while_hibernating_has_its_suspended_vm_deleted_without_starting_it() {
        int vmid = harness.hibernatedVm(id);
        fixture.givenNoPriorActivity()
                .whenPublishingA(new SessionEnding(id, EndReason.EXPIRED, NODE, vmid, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(harness.proxmox.vms()).noneMatch(vm -> vm.vmid() == vmid);
    }

    @Test
    void a_connection_made_by_a_saga_the_end_overtook_is_found_by_name_and_removed() {
        int vmid = runningVm();
        harness.operations.connect(id.vmName(), io.vigil.core.template.Protocol.SSH, "127.0.0.1", 22);
        fixture.givenNoPriorActivity()
                .whenPublishingA(new SessionEnding(id, EndReason.ENDED_BY_USER, NODE, vmid, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(harness.guacamole.connections()).noneMatch(c -> c.name().equals(id.vmName()));
    }

    @Test
    void a_session_that_failed_half_way_has_its_half_made_vm_removed() {
        int vmid = runningVm();
        fixture.givenNoPriorActivity()
                .whenPublishingA(new SessionFailed(id, "boot timed out", NODE, vmid, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(harness.proxmox.vms()).noneMatch(vm -> vm.vmid() == vmid);
    }

    @Test
    void a_vmid_that_was_reserved_but_never_cloned_counts_as_removed() {
        fixture.givenNoPriorActivity()
                .whenPublishingA(new SessionFailed(id, "clone refused", NODE, 999_001, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
    }

    @Test
    void a_vmid_lost_to_another_sessions_clone_is_never_destroyed() {
        SessionId winner = SessionId.generate();
        int vmid = harness.operations.nextVmId();
        String task = harness.operations.cloneOrFindOurs(NODE.value(), 9001, vmid, winner.vmName(), "the winner");
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(NODE.value(), task).finished());
        fixture.givenNoPriorActivity()
                .whenPublishingA(new SessionFailed(id, "VMID lost", NODE, vmid, null))
                .expectDispatchedCommands(new RecordVmDestroyed(id));
        assertThat(harness.proxmox.vms()).anyMatch(vm -> vm.vmid() == vmid && winner.vmName().equals(vm.name()));
    }

    @Test
    void concurrent_sagas_never_get_the_same_vmid_and_ids_taken_outside_vigil_are_skipped() {
        int first = harness.operations.nextVmId();
        String outside = harness.operations.cloneOrFindOurs(NODE.value(), 9001, first + 1, "made-by-hand", "not Vigil's");
        org.awaitility.Awaitility.await().until(() -> harness.operations.task(NODE.value(), outside).finished());
        int second = harness.operations.nextVmId();
        assertThat(second).isNotEqualTo(first).isNotEqualTo(first + 1);
    }

    @Test
    void nothing_to_remove_means_no_teardown() {
        fixture.givenNoPriorActivity()
                .whenPublishingA(new SessionEnding(id, EndReason.EXPIRED, NODE, null, null))
                .expectActiveSagas(0)
                .expectNoDispatchedCommands();
    }

    @Test
    void the_saga_ends_when_the_vm_is_recorded_destroyed() {
        int vmid = runningVm();
        fixture.givenAPublished(new SessionEnding(id, EndReason.EXPIRED, NODE, vmid, null))
                .whenPublishingA(new VmDestroyed(id, NODE, vmid))
                .expectActiveSagas(0);
    }

    @Test
    void a_proxmox_that_keeps_refusing_is_retried_then_reported_to_admins() throws Exception {
        int vmid = runningVm();
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE.withLockTimeout(1.0).withHttp5xx(0));
        fixture.givenAPublished(new SessionEnding(id, EndReason.ENDED_BY_USER, NODE, vmid, null))
                .andThenTimeElapses(Duration.ofSeconds(10))
                .andThenTimeElapses(Duration.ofSeconds(30))
                .whenTimeElapses(Duration.ofSeconds(60))
                .expectDispatchedCommandsMatching(Matchers.exactSequenceOf(
                        Matchers.messageWithPayload(org.hamcrest.Matchers.instanceOf(RaiseAdminAlert.class)), Matchers.andNoMore()))
                .expectActiveSagas(0);
        harness.proxmox.setFaults(ProxmoxSimConfig.Faults.NONE);
        assertThat(harness.proxmox.vms()).anyMatch(vm -> vm.vmid() == vmid);
    }
}
